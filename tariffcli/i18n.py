"""Output labels and note texts in English and Chinese.

Plan names are never translated: they stay as the operator writes them.
"""

from __future__ import annotations

import os
from typing import Any

from .money import format_fen

LANGS = ("en", "zh")

LABELS: dict[str, dict[str, str]] = {
    "rank": {"en": "#", "zh": "排名"},
    "operator": {"en": "Operator", "zh": "运营商"},
    "plan": {"en": "Plan", "zh": "套餐"},
    "plan_id": {"en": "Plan id", "zh": "套餐编号"},
    "total": {"en": "Total", "zh": "合计"},
    "per_month": {"en": "Per month", "zh": "月均"},
    "after_promotions": {"en": "After promos", "zh": "优惠后月费"},
    "saving": {"en": "Saving", "zh": "节省"},
    "notes": {"en": "Notes", "zh": "备注"},
    "current": {"en": "current plan", "zh": "当前套餐"},
    "title": {"en": "{n} plans over {h} months from {start} ({currency})",
              "zh": "{n} 个套餐，自 {start} 起 {h} 个月（{currency}）"},
    "usage": {"en": "Usage per month (projected from {a}..{b}): {voice} min, {sms} SMS, {data} data",
              "zh": "每月用量（根据 {a}..{b} 推算）：通话 {voice} 分钟，短信 {sms} 条，流量 {data}"},
    "excluded": {"en": "{n} plan(s) not on sale in {start} left out: {ids}",
                 "zh": "{n} 个套餐在 {start} 不在售，已排除：{ids}"},
    "no_plans": {"en": "No plan matches.", "zh": "没有符合条件的套餐。"},
    "saving_footer": {"en": "Saving: against the current plan {id} over the same months (positive = cheaper).",
                      "zh": "节省：与当前套餐 {id} 同期相比（正数表示更便宜）。"},
}

NOTES: dict[str, dict[str, str]] = {
    "promotion_ends": {"en": "promotion ends after month {month} ({calendar}): {delta:+}/month",
                       "zh": "优惠于第 {month} 个月（{calendar}）后结束：每月 {delta:+}"},
    "promotion_runs_past_horizon": {"en": "promotion lasts to month {month} ({calendar}), then {delta:+}/month",
                                    "zh": "优惠持续到第 {month} 个月（{calendar}），之后每月 {delta:+}"},
    "over_data": {"en": "over data allowance in {months} of {of} months", "zh": "流量超出套餐：{months}/{of} 个月"},
    "over_voice": {"en": "over voice allowance in {months} of {of} months", "zh": "通话超出套餐：{months}/{of} 个月"},
    "over_sms": {"en": "over SMS allowance in {months} of {of} months", "zh": "短信超出套餐：{months}/{of} 个月"},
    "topup": {"en": "minimum-spend top-up in {months} months ({amount} in all)",
              "zh": "{months} 个月需补足最低消费（共 {amount}）"},
    "data_stopped": {"en": "usage not covered: data stopped at the cap in {months} of {of} months",
                     "zh": "用量无法满足：{of} 个月中有 {months} 个月流量达到封顶后停用"},
    "data_capped": {"en": "data charge capped in {months} months", "zh": "{months} 个月流量费达到封顶"},
    "throttled": {"en": "speed limited in {months} months", "zh": "{months} 个月达到限速阈值"},
    "one_off": {"en": "one-off fee {amount} in month 1", "zh": "首月一次性费用 {amount}"},
    "daily_estimated": {"en": "daily charges estimated from monthly totals", "zh": "日租费用按月用量平均估算"},
    "first_month_half": {"en": "first month at half fee and half allowance", "zh": "首月半月费、半月量"},
    "first_month_standard": {"en": "first month at out-of-bundle rates", "zh": "首月按标准资费计费"},
    "eligibility": {"en": "{who} only", "zh": "仅限{who}"},
    "condition": {"en": "condition: {who}", "zh": "条件：{who}"},
    "commitment": {"en": "{months}-month commitment", "zh": "合约期 {months} 个月"},
    "commitment_fee": {"en": "{months}-month commitment, exit fee {exit_fee}",
                       "zh": "合约期 {months} 个月，违约金 {exit_fee}"},
    "example_figures": {"en": "example figures: source unverified", "zh": "示例资费：来源未经核实"},
}

WHO_ZH = {"student": "学生", "students": "学生", "elderly": "老年人", "new-customer": "新用户",
          "new-customers": "新用户", "local": "本地用户"}
WHO_EN = {"student": "students", "students": "students", "elderly": "elderly users", "new-customer": "new customers",
          "new-customers": "new customers", "local": "local residents"}


def default_lang(env: dict[str, str] | None = None) -> str:
    """'zh' when the locale says Chinese (LC_ALL, LC_MESSAGES, LANG), else 'en'."""
    env = dict(os.environ) if env is None else env
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


def label(key: str, lang: str, **params: Any) -> str:
    return LABELS[key][lang].format(**params)


class _Signed:
    """A fen amount formatted with a sign for '{delta:+}'."""

    def __init__(self, fen: int) -> None:
        self.fen = fen

    def __format__(self, spec: str) -> str:
        text = format_fen(self.fen)
        if "+" in spec and self.fen >= 0:
            return "+" + text
        return text


def note_text(code: str, params: dict[str, Any], lang: str) -> str:
    """Render a note in ``lang``; money parameters are fen and shown as decimals."""
    p = dict(params)
    if code == "commitment" and p.get("exit_fee") is not None:
        code = "commitment_fee"
    for k in ("delta", "amount", "exit_fee"):
        if k in p and p[k] is not None:
            p[k] = _Signed(int(p[k])) if k == "delta" else format_fen(int(p[k]))
    if code == "eligibility":
        who = str(p["who"])
        if who not in WHO_EN and who not in WHO_ZH:
            code = "condition"
        p["who"] = WHO_ZH.get(who, who) if lang == "zh" else WHO_EN.get(who, who)
    return NOTES[code][lang].format(**p)
