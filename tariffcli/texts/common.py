"""What every text table shares: the languages, the locale default, signed amounts, and the labels
that several outputs use (citations, the plan list's left-out line, the catalogue diff).
"""

from __future__ import annotations

import os

from tariffcli.model.money import format_fen

LANGS = ("en", "zh")

Table = dict[str, dict[str, str]]
"""A text table: key -> language -> format string."""


def default_lang(env: dict[str, str] | None = None) -> str:
    """'zh' when the locale says Chinese (LC_ALL, LC_MESSAGES, LANG), else 'en'."""
    env = dict(os.environ) if env is None else env
    for key in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(key)
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


class SignedFen:
    """A fen amount formatted as a decimal, with a sign for '{delta:+}'."""

    def __init__(self, fen: int) -> None:
        self.fen = fen

    def __format__(self, spec: str) -> str:
        text = format_fen(self.fen)
        if "+" in spec and self.fen >= 0:
            return "+" + text
        return text


LABELS: Table = {
    "left_out": {"en": "{n} plan(s) left out: {items}", "zh": "已排除 {n} 个套餐：{items}"},
    "reason_not_on_sale": {"en": "not on sale on {day}", "zh": "{day} 不在售"},
    "reason_suspended_line": {"en": "a suspended line carries no usage", "zh": "停机保号线路无法使用"},
    "reason_other_province": {"en": "not sold in {province}", "zh": "{province}不可办理"},
    "sources": {"en": "Sources", "zh": "来源"},
    "retrieved": {"en": "retrieved {date}", "zh": "检索于 {date}"},
    "source_tag": {"en": "tag {tag}", "zh": "可信度 {tag}"},
    "confidence_example": {"en": "example figures", "zh": "示例资费"},
    "confidence_official-copy": {"en": "copied from the operator's tariff card", "zh": "运营商资费公示副本"},
    "confidence_reported": {"en": "reported figures", "zh": "媒体报道资费"},
    "confidence_verified": {"en": "verified figures", "zh": "已核实资费"},
    "diff_summary": {"en": "{added} added, {removed} removed, {changed} changed, {unchanged} unchanged",
                     "zh": "新增 {added} 个，删除 {removed} 个，变更 {changed} 个，未变 {unchanged} 个"},
    "diff_none": {"en": "(none)", "zh": "（无）"},
}
