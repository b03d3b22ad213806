"""Texts of the charts (--chart) and the terminal bar view (--bars)."""

from __future__ import annotations

from tariffcli.texts.common import Table

LABELS: Table = {
    "chart_compare_title": {"en": "Total over {h} months from {start} ({currency})",
                            "zh": "自 {start} 起 {h} 个月合计（{currency}）"},
    "chart_baskets_title": {"en": "Cheapest plan per operator and basket ({currency} a month)",
                            "zh": "各运营商每个用量篮子的最便宜套餐（{currency}/月）"},
    "chart_written": {"en": "chart written to {file}", "zh": "图表已写入 {file}"},
    "cjk_font_missing": {
        "en": "Warning: no font with Chinese characters was found (install one, e.g. Noto Sans CJK: "
              "apt-get install fonts-noto-cjk); Chinese labels in {file} may not render.",
        "zh": "警告：未找到含中文字符的字体（可安装 Noto Sans CJK：apt-get install fonts-noto-cjk）；"
              "{file} 中的中文标签可能无法显示。"},
    "bars_title": {"en": "Total over {h} months from {start} ({currency})",
                   "zh": "自 {start} 起 {h} 个月合计（{currency}）"},
    "chart_nationwide_first": {"en": "#1: the cheapest plan sold nationwide;\n"
                                      "cheaper plans sold in one province only follow (give --province)",
                               "zh": "第 1 名：全国可办理的最便宜套餐；\n更便宜但仅限个别省份的套餐排在其后（可用 --province）"},
    "chart_uncovered": {"en": "hatched (#{first}-#{last}): data stops at a volume cap,\n"
                              "so they do not cover your usage and rank last",
                        "zh": "斜线（第 {first}-{last} 名）：流量达到封顶即停用，\n不能满足您的用量，排在最后"},
}
