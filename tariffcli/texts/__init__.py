"""Output labels and note texts in English and Chinese, one table per job.

Plan names are never translated: they stay as the operator writes them.
:data:`LABELS` and :data:`NOTES` merge the per-job tables (``texts.compare``,
``texts.baskets``, ``texts.charts``, ``texts.offer``, ``texts.analyze``, ``texts.history`` and the
shared ``texts.common``); :func:`label` and :func:`note_text` look a text up in
them. This package imports nothing from tariffcli but ``tariffcli.model``.
"""

from __future__ import annotations

from typing import Any

from tariffcli.model.money import format_fen
from tariffcli.texts import analyze, baskets, charts, common, compare, history, notices, offer
from tariffcli.texts.analyze import ANALYZE_MONEY, analyze_text
from tariffcli.texts.common import LANGS, SignedFen, Table, default_lang, operator_name, province_name
from tariffcli.texts.compare import WHO_EN, WHO_ZH

__all__ = [
    "ANALYZE_MONEY", "LABELS", "LANGS", "NOTES", "WHO_EN", "WHO_ZH", "Notice",
    "analyze_text", "default_lang", "label", "note_text", "operator_name", "province_name", "say",
]


def _merge(*tables: Table) -> Table:
    merged: Table = {}
    for t in tables:
        twice = merged.keys() & t.keys()
        if twice:  # a programming error: checked at import, whatever -O says
            raise RuntimeError(f"text keys defined twice: {sorted(twice)}")
        merged.update(t)
    return merged


LABELS = _merge(compare.LABELS, common.LABELS, baskets.LABELS, charts.LABELS, offer.LABELS, analyze.LABELS,
                history.LABELS, notices.LABELS)
NOTES = _merge(compare.NOTES, baskets.NOTES, offer.NOTES)


def label(key: str, lang: str, **params: Any) -> str:
    """The label ``key`` in ``lang``, with ``params`` filled in."""
    return LABELS[key][lang].format(**params)


def note_text(code: str, params: dict[str, Any], lang: str) -> str:
    """Render a note in ``lang``; money parameters are fen and shown as decimals."""
    p = dict(params)
    if code == "commitment" and p.get("exit_fee") is not None:
        code = "commitment_fee"
    for k in ("delta", "amount", "exit_fee"):
        if k in p and p[k] is not None:
            p[k] = SignedFen(int(p[k])) if k == "delta" else format_fen(int(p[k]))
    if "province" in p and isinstance(p["province"], str):
        p["province"] = province_name(p["province"], lang)
    if "operator" in p and isinstance(p["operator"], str):
        p["operator"] = operator_name(p["operator"], lang)
    if code == "eligibility":
        who = str(p["who"])
        if who not in WHO_EN and who not in WHO_ZH:
            code = "condition"
        p["who"] = WHO_ZH.get(who, who) if lang == "zh" else WHO_EN.get(who, who)
    return NOTES[code][lang].format(**p)


class Notice(str):
    """A warning the core returns for the user: a string (its English text, so code that reads warnings as
    text keeps working) that remembers its label ``key`` and ``params``, so the command line can say it in the
    user's language (:meth:`text`)."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, **params: Any) -> Notice:
        obj = super().__new__(cls, label(key, "en", **params))
        obj.key, obj.params = key, params
        return obj

    def text(self, lang: str) -> str:
        """The notice in ``lang``."""
        return label(self.key, lang, **self.params)


def say(warning: object, lang: str) -> str:
    """A warning in ``lang`` when it is a :class:`Notice`, else as it is (a text from a file's reader)."""
    return warning.text(lang) if isinstance(warning, Notice) else str(warning)
