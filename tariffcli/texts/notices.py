"""Texts of the notices on stderr that say why an option or an input has little or no effect."""

from __future__ import annotations

from tariffcli.texts.common import Table

LABELS: Table = {
    "thin_history": {
        "en": "{where}only {n_months} of usage ({months}): every month ahead is projected from so little history; "
              "give 6 to 12 months for figures you can rely on",
        "zh": "{where}用量只有 {n} 个月（{months}）：此后各月都据此推算，依据很少；请提供 6 到 12 个月的用量，结果才可靠"},
    "with_addons_no_effect": {
        "en": "Note: --with-addons has no effect: none of the plans compared has an optional pack",
        "zh": "注意：--with-addons 不起作用：参与比较的套餐都没有可选叠加包"},
}
