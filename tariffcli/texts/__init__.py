"""Output labels and note texts in English and Chinese, one table per job.

Plan names are never translated: they stay as the operator writes them.
:data:`LABELS` and :data:`NOTES` merge the per-job tables (``texts.compare``,
``texts.baskets``, ``texts.charts``, ``texts.offer``, ``texts.analyze``, ``texts.history`` and the
shared ``texts.common``); :func:`label` and :func:`note_text` look a text up in
them. This package imports nothing from tariffcli but ``tariffcli.model``.

A table is imported when a text is first looked up in it (start-up time: ``plans list`` needs only
``texts.common``); :data:`LABELS`, :data:`NOTES` and the other tables' names are loaded on first use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from tariffcli.texts import common
from tariffcli.texts.common import LANGS, SignedFen, Table, default_lang, operator_name, province_name

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.texts.analyze import ANALYZE_MONEY, analyze_text
    from tariffcli.texts.compare import WHO_EN, WHO_ZH

    LABELS: Table
    NOTES: Table

__all__ = [
    "ANALYZE_MONEY", "LABELS", "LANGS", "NOTES", "WHO_EN", "WHO_ZH", "Notice",
    "analyze_text", "default_lang", "label", "note_text", "operator_name", "province_name", "say",
]

_LABEL_TABLES = ("compare", "common", "baskets", "charts", "offer", "analyze", "history", "notices")
"""The modules whose ``LABELS`` make :data:`LABELS`, in its order."""
_NOTE_TABLES = ("compare", "baskets", "offer")
"""The modules whose ``NOTES`` make :data:`NOTES`, in its order."""
_LOOKUP_ORDER = ("common", "compare", "notices", "history", "baskets", "charts", "offer", "analyze")
"""The order :func:`label` looks in the tables (a key is in one table only: :func:`_merge` checks)."""
_FROM = {"ANALYZE_MONEY": "analyze", "analyze_text": "analyze", "WHO_EN": "compare", "WHO_ZH": "compare"}
"""Names of the tables' modules this package gives, by module."""

_labels_found: dict[str, dict[str, str]] = {}


def _merge(*tables: Table) -> Table:
    merged: Table = {}
    for t in tables:
        twice = merged.keys() & t.keys()
        if twice:  # a programming error: checked when the tables are merged, whatever -O says
            raise RuntimeError(f"text keys defined twice: {sorted(twice)}")
        merged.update(t)
    return merged


def _table(module: str, kind: str) -> Table:
    table: Table = getattr(importlib.import_module(f"{__name__}.{module}"), kind)
    return table


def __getattr__(name: str) -> Any:
    if name in ("LABELS", "NOTES"):
        merged = _merge(*(_table(m, name) for m in (_LABEL_TABLES if name == "LABELS" else _NOTE_TABLES)))
        globals()[name] = merged
        return merged
    if name in _FROM:
        return getattr(importlib.import_module(f"{__name__}.{_FROM[name]}"), name)
    if name in _LABEL_TABLES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _label_texts(key: str) -> dict[str, str]:
    """The texts of the label ``key``: from the first table that has it, importing the tables as needed."""
    found = _labels_found.get(key)
    if found is None:
        for module in _LOOKUP_ORDER:
            table = common.LABELS if module == "common" else _table(module, "LABELS")
            if key in table:
                found = _labels_found[key] = table[key]
                break
        else:
            raise KeyError(key)
    return found


def label(key: str, lang: str, **params: Any) -> str:
    """The label ``key`` in ``lang``, with ``params`` filled in."""
    return _label_texts(key)[lang].format(**params)


def note_text(code: str, params: dict[str, Any], lang: str) -> str:
    """Render a note in ``lang``; money parameters are fen and shown as decimals."""
    from tariffcli.model.money import format_fen
    from tariffcli.texts.compare import WHO_EN, WHO_ZH

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
    notes: Table = globals().get("NOTES") or __getattr__("NOTES")
    return notes[code][lang].format(**p)


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
