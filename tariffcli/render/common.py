"""What every renderer shares: the JSON version, the CSV and Markdown cell guards, plan names and citations.

Pure functions and small value helpers only; nothing here computes a tariff. Text
from a file is shown through :mod:`tariffcli.model.sanitise` (docs/hardening.md,
"Nothing injected"): :func:`shown` for one line of text, :func:`rich_text` for a
rich cell, :func:`md_escape` for Markdown, :func:`shown_text` over a whole text,
CSV or Markdown output. JSON keeps the raw text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tariffcli.model.cells import neutralise_formula
from tariffcli.model.sanitise import md_link, md_text, one_line, text_block
from tariffcli.texts import label, note_text, operator_name, province_name

if TYPE_CHECKING:  # pragma: no cover
    from collections.abc import Iterable

    from tariffcli.compare.results import Comparison, Row
    from tariffcli.model.plan import Addon, Plan, Source


JSON_VERSION = "1"
"""Version of the JSON output format (docs/json-output.md); bumped on breaking changes."""


def safe_cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula (the rule is :mod:`tariffcli.model.cells`')."""
    return neutralise_formula(value)


def md_escape(text: str) -> str:
    """``text`` as one Markdown table cell: ``\\ | [ ]`` escaped, ``& < >`` as entities, line breaks as spaces,
    control characters escaped (:func:`tariffcli.model.sanitise.md_text`)."""
    return md_text(text)


def shown(text: str) -> str:
    """File text for one line of terminal or plain-text output: control and bidi characters escaped."""
    return one_line(text)


def shown_text(text: str) -> str:
    """A whole rendered text, CSV or Markdown document: control and bidi characters escaped, newline and tab kept.

    Every non-JSON renderer passes its result through this last, so no file text can reach the output raw."""
    return text_block(text)


def rich_text(text: str) -> str:
    """File text for a rich cell: control characters escaped, then rich markup (``[bold]``) escaped."""
    from rich.markup import escape

    return escape(one_line(text))


def shown_params(params: Any) -> Any:
    """Note or finding parameters with every string made :func:`shown` (for the sentences built from them)."""
    if isinstance(params, str):
        return one_line(params)
    if isinstance(params, dict):
        return {k: shown_params(v) for k, v in params.items()}
    if isinstance(params, list | tuple):
        return type(params)(shown_params(v) for v in params)
    return params


def note_sentence(code: str, params: dict[str, Any], lang: str) -> str:
    """A note as a sentence, with the file text in its parameters escaped (:func:`shown_params`)."""
    return note_text(code, shown_params(params), lang)


def source_dicts(sources: Iterable[Source]) -> list[dict[str, Any]]:
    """Sources as JSON objects (url, retrieved, tag)."""
    return [{"url": s.url, "retrieved": s.retrieved.isoformat(), "tag": s.tag} for s in sources]


def visible_rows(cmp: Comparison, top: int | None) -> tuple[Row, ...]:
    """The ranked rows shown: all of them, or the first ``top``."""
    return cmp.rows if top is None else cmp.rows[:top]


# ---------------------------------------------------------------- plan names


def packs_text(packs: Iterable[tuple[Addon, int]], lang: str = "en") -> str:
    """'1GB流量包' or '2 × 1GB流量包 + 短信包' for chosen optional packs (names :func:`shown`)."""
    return label("plus", lang).join(one_line(a.name) if k == 1 else f"{k} × {one_line(a.name)}" for a, k in packs)


def plan_label(row: Row, lang: str = "en") -> str:
    """The plan's name, with the packs it is ranked with: '8元套餐 + 1GB流量包' (file text :func:`shown`)."""
    if not row.packs:
        return one_line(row.plan.name)
    return one_line(row.plan.name) + label("plus", lang) + packs_text(row.packs, lang)


def display_name(row: Row, cmp: Comparison, lang: str = "en") -> str:
    """:func:`plan_label`, with the plan id added when another plan in the comparison has the same name."""
    everyone = list(cmp.rows) + ([cmp.current] if cmp.current is not None else [])
    same = sum(1 for r in everyone if r.plan.name == row.plan.name and r.plan.id != row.plan.id)
    return plan_label(row, lang) + (f" ({row.plan.id})" if same else "")


# ---------------------------------------------------------------- citations (--cite)


def source_text(plan: Plan, lang: str = "en", *, markdown: bool = False) -> str:
    """Every source of a plan: 'url (retrieved 2026-11-21, tag C); ...'.

    As Markdown (``markdown``) the text is escaped and only an http(s) address is a ``<url>`` link; else the url is
    :func:`shown`."""
    parts = []
    for s in plan.sources:
        meta = [label("retrieved", lang, date=s.retrieved.isoformat())]
        if s.tag:
            meta.append(label("source_tag", lang, tag=s.tag))
        url = md_link(s.url) if markdown else one_line(s.url)
        said = ("，" if lang == "zh" else ", ").join(meta)
        o, c = ("（", "）") if lang == "zh" else (" (", ")")
        parts.append(f"{url}{o}{md_escape(said) if markdown else said}{c}")
    return "; ".join(parts)


def plan_citation(plan: Plan, lang: str = "en") -> str:
    """A footnote for a plan, as Markdown: name, id, province and confidence, then its sources."""
    what = label(f"confidence_{plan.confidence.value}", lang)
    where = f"{operator_name(plan.operator, lang)}{label('list_comma', lang)}{province_name(plan.province, lang)}"
    head = md_escape(f"{plan.name} ({plan.id}; {where}; {what})")
    return f"{head}: {source_text(plan, lang, markdown=True)}"


class Footnotes:
    """Numbered Markdown footnotes ``[^n]``, one per cited thing, in order of first use."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._texts: list[str] = []

    def ref(self, key: str, text: str) -> str:
        """The marker for ``key`` (numbered on first use; ``text``, Markdown with its file text escaped, is its
        footnote)."""
        if key not in self._numbers:
            self._texts.append(text)
            self._numbers[key] = len(self._texts)
        return f"[^{self._numbers[key]}]"

    def plan(self, plan: Plan, lang: str) -> str:
        return self.ref(f"plan:{plan.id}", plan_citation(plan, lang))

    def lines(self, lang: str) -> list[str]:
        """The footnotes block (empty when nothing was cited)."""
        if not self._texts:
            return []
        out = ["", f"**{label('sources', lang)}**", ""]
        out += [f"[^{i}]: {t}" for i, t in enumerate(self._texts, 1)]
        return out


# ---------------------------------------------------------------- terminal cells


def cell_width(text: str) -> int:
    """Terminal cells ``text`` takes: two for a wide (Chinese) character, one otherwise."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def fit_cells(text: str, width: int) -> str:
    """``text`` cut or padded to ``width`` terminal cells (Chinese characters are two cells)."""
    if cell_width(text) > width:
        cut, used = "", 0
        for c in text:
            if used + cell_width(c) > width - 1:
                break
            cut, used = cut + c, used + cell_width(c)
        text = cut + "…"
    return text + " " * max(width - cell_width(text), 0)
