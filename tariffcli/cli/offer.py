"""The 'offer' command: judge a pitched offer over its full term.

Only typer, the option groups and the standard library are imported here at module
level; the core is imported when the command runs. Also the wrapping of the
verdict's text to the console's width.
"""

# No "from __future__ import annotations": typer reads the command's annotations.
import os
import re
import shutil
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from tariffcli.cli.compare import current_plan, plan_file_inputs, read_history, since_month
from tariffcli.cli.options import (
    DEFAULT_CATALOGUE,
    DEFAULT_OUTPUT,
    DEFAULT_TIMING,
    OUTPUT_MEMBERS,
    TIMING_MEMBERS,
    CatalogueChoice,
    Member,
    OptionGroup,
    Output,
    Timing,
    but,
    catalogue_options,
    output_options,
    timing_options,
    whole_number,
    with_groups,
)
from tariffcli.cli.output import check_outputs, emit_result, guard
from tariffcli.model.errors import UsageError

if TYPE_CHECKING:  # pragma: no cover
    from tariffcli.model.plan import Plan


class OfferFormat(StrEnum):
    text = "text"
    json = "json"


@dataclass(frozen=True)
class OfferTerms:
    """An offer given by flags: what the seller said (every field None when the offer is a file)."""

    fee: str | None = None
    """``--fee``: the standard monthly fee."""
    discount: str | None = None
    """``--discount``: percentage off during the promotion."""
    promo_fee: str | None = None
    """``--promo-fee``: the monthly fee during the promotion."""
    for_months: int | None = None
    """``--for``: months the promotion lasts."""
    from_month: int | None = None
    """``--from-month``: first month of the promotion."""
    voice: str | None = None
    """``--voice``: minutes included."""
    sms: str | None = None
    """``--sms``: SMS included."""
    data: str | None = None
    """``--data``: data included."""
    app_data: str | None = None
    """``--app-data``: app-specific data included."""
    commitment: int | None = None
    """``--commitment``: months of commitment."""
    rates_from: str | None = None
    """``--rates-from``: plan whose out-of-bundle rates apply."""

    def given(self) -> list[str]:
        """The flags given, e.g. ``['--fee', '--for']``, in the order of the help."""
        return [m.decls[0] for m in TERMS_MEMBERS if getattr(self, m.field) is not None]

    def plan(self, rates_from: "Plan", told_on: date) -> "Plan":
        """The offer as a plan, with the out-of-bundle rates of ``rates_from``."""
        from tariffcli.compare.offer import offer_from_terms

        return offer_from_terms(
            fee=str(self.fee), rates_from=rates_from, discount=self.discount, promo_fee=self.promo_fee,
            months=self.for_months, from_month=self.from_month, voice=self.voice, sms=self.sms, data=self.data,
            app_data=self.app_data, commitment=self.commitment, told_on=told_on,
        )


def _term(name: str, decl: str, type_: Any, help: str, **settings: Any) -> Member:
    return Member(name, name, type_, (decl,), None, "Offer by flags: " + help, settings)


TERMS_MEMBERS: tuple[Member, ...] = (
    _term("fee", "--fee", str | None, "the standard monthly fee, e.g. 128."),
    _term("discount", "--discount", str | None, "percentage off during the promotion, e.g. 50%."),
    _term("promo_fee", "--promo-fee", str | None, "the monthly fee during the promotion (instead of --discount)."),
    _term("for_months", "--for", int | None, "months the promotion lasts.", parser=whole_number(1, 600)),
    _term("from_month", "--from-month", int | None, "first month of the promotion (default 1 = the first).",
          parser=whole_number(1, 600)),
    _term("voice", "--voice", str | None, "minutes included, e.g. '500 min'."),
    _term("sms", "--sms", str | None, "SMS included."),
    _term("data", "--data", str | None, "data included, e.g. '30 GB'."),
    _term("app_data", "--app-data", str | None, "app-specific data included, e.g. unlimited."),
    _term("commitment", "--commitment", int | None, "commitment (合约期) in months.", parser=whole_number(1, 120)),
    _term("rates_from", "--rates-from", str | None, "plan whose out-of-bundle rates apply (default: --current)."),
)

NO_TERMS = OfferTerms()
"""The default of the command's terms group parameter (typer passes the options' values instead)."""
OFFER_TERMS: OptionGroup[OfferTerms] = OptionGroup(TERMS_MEMBERS, lambda values: OfferTerms(**values))
OFFER_FORMAT = replace(OUTPUT_MEMBERS["format"], type=OfferFormat | None,
                       help="text or json (default: from the --output file's extension, else text).")


def usage_file(args: list[str], terms: OfferTerms) -> Path:
    """USAGE, the last argument, after checking the offer is given once: as a file OFFER or by flags."""
    by_flags = terms.given()
    if len(args) not in (1, 2):
        raise UsageError("give OFFER USAGE, or USAGE alone with --fee ...", field="OFFER USAGE")
    if len(args) == 2 and by_flags:
        raise UsageError(f"{', '.join(by_flags)}: only for an offer given by flags; the offer file OFFER "
                         "has its own terms (give the offer as a file or by flags, not both)",
                         field=by_flags[0].lstrip("-"))
    if len(args) == 1 and terms.fee is None:
        raise UsageError("give the offer: a plan file before USAGE, or --fee and friends", field="fee")
    usage_path = Path(args[-1])
    if len(args) == 2:
        from tariffcli.cli.sniffing import check_offer_arguments

        check_offer_arguments(args[0], args[1])
    if not os.path.isfile(usage_path) and str(usage_path) != "-":
        raise UsageError(f"USAGE: no such file: {usage_path}", field="USAGE")
    return usage_path


def offered_plan(args: list[str], terms: OfferTerms, catalogue: tuple["Plan", ...], current: "Plan | None",
                 today: date) -> tuple["Plan", str | None]:
    """The offer (from the file OFFER or by flags), and the plan whose rates it borrows (by flags)."""
    from tariffcli.cli.stdin import resolve_plan

    if len(args) == 2:
        try:
            return resolve_plan(args[0], catalogue, option="offer"), None
        except UsageError as exc:  # the offer is the OFFER argument, not an option: name it so
            raise UsageError("; ".join("OFFER: " + p.message.removeprefix("--offer: ") for p in exc.problems),
                             field="OFFER") from None
    base = resolve_plan(terms.rates_from, catalogue, "rates-from") if terms.rates_from else current
    if base is None:
        raise UsageError("an offer by flags needs --current or --rates-from for its out-of-bundle rates",
                         field="rates-from")
    return terms.plan(base, today), base.id


@with_groups
def offer(
    args: Annotated[list[str], typer.Argument(
        metavar="[OFFER] USAGE",
        help="The offer (a plan file or catalogue id) and your monthly usage CSV; "
             "or only the usage CSV, with the offer given by --fee and friends. One of them may be - (stdin).",
    )],
    current: Annotated[str | None, typer.Option(
        "--current", help="Your current plan: a catalogue id or a plan file. "
                           "Default: $TARIFFCLI_CURRENT or the config file.")] = None,
    current_since: Annotated[str | None, typer.Option(
        "--current-since", help="Month your current plan started (YYYY-MM).")] = None,
    term: Annotated[int | None, typer.Option(
        "--term", parser=whole_number(1, 600),
        help="Months to judge over (default: the commitment, or 12 months after the last promotion).")] = None,
    timing: Annotated[Timing, timing_options("start", "today", start=but(
        TIMING_MEMBERS["start"], "Month the offer would start (YYYY-MM; default: next month)."))] = DEFAULT_TIMING,
    terms: Annotated[OfferTerms, OFFER_TERMS] = NO_TERMS,
    eligible: Annotated[list[str] | None, typer.Option(
        "--eligible", help="Conditions you meet (student,elderly,...): the best plan is chosen among these.")] = None,
    catalogue: Annotated[CatalogueChoice, catalogue_options("plans", "province")] = DEFAULT_CATALOGUE,
    out: Annotated[Output, output_options("format", "output", "lang", format=OFFER_FORMAT)] = DEFAULT_OUTPUT,
) -> None:
    """Judge an offer: its cost over the whole term against your plan and the best plan, and what does not fit."""

    def body() -> None:
        from tariffcli.compare.offer import judge_offer
        from tariffcli.compare.ranking import parse_eligible
        from tariffcli.render import offer as render

        now = timing.day()
        usage_path = usage_file(args, terms)
        first, since = timing.first_month(now), since_month(current_since)
        check_outputs(out, [*map(Path, args), *plan_file_inputs(catalogue, current, terms.rates_from)])
        plans = catalogue.load()
        cur = current_plan(current, current_since, plans)
        offered, borrowed = offered_plan(args, terms, plans, cur, now)
        history = read_history(usage_path, out.language)
        verdict = judge_offer(offered, history, plans, start=first, term=term,
                              current=cur, current_since=since,
                              eligible=None if eligible is None else parse_eligible(eligible),
                              province=catalogue.province_name())
        language = out.language

        def text() -> str:
            said = render.render_offer_text(verdict, lang=language, borrowed_from=borrowed)
            if out.output is None or str(out.output) == "-":  # on the console: wrapped to its width (a file keeps one sentence a line)
                said = wrap_text(said, shutil.get_terminal_size().columns, cjk=language == "zh")
            return said

        emit_result(out, {"json": lambda: render.render_offer_json(verdict, lang=language, borrowed_from=borrowed),
                          "text": text})

    guard(body, json_errors=out.json_errors)


def register(app: typer.Typer) -> None:
    """Add the ``offer`` command to the app."""
    app.command("offer")(offer)


_CLOSE = set("，。、；：！？）》」』”’％,.;:!?)]}%")
"""Punctuation that never starts a line: kept with the word before it."""
_OPEN = set("（《「『“‘([{")
"""Punctuation that never ends a line: kept with the word after it."""


def _cells(text: str) -> int:
    """Terminal cells ``text`` takes (Chinese characters take two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _words(line: str, cjk: bool) -> list[tuple[str, bool]]:
    """``line`` as unbreakable pieces, each with whether a space came before it.

    A run of narrow characters (a word, a number such as 2304.00, an id) is one
    piece. With ``cjk`` (Chinese text) a line may also break between two Chinese
    characters; without it a run without spaces (a plan's Chinese name) is kept whole.
    """
    out: list[tuple[str, bool]] = []
    glue = False  # the last piece ended with opening punctuation
    for m in re.finditer(r"(\s*)(\S)", line):
        space, ch = bool(m.group(1)), m.group(2)
        wide = unicodedata.east_asian_width(ch) in "WF"
        prev_wide = bool(out) and unicodedata.east_asian_width(out[-1][0][-1]) in "WF"
        if out and not space and (not cjk or glue or ch in _CLOSE or (not wide and not prev_wide)):
            out[-1] = (out[-1][0] + ch, out[-1][1])
        else:
            out.append((ch, space))
        glue = ch in _OPEN
    return out


def wrap_line(line: str, width: int, *, cjk: bool = False) -> list[str]:
    """One line wrapped to ``width`` cells, never inside a word or a number.

    Continuation lines keep the line's indent ("- " items: two more spaces).
    A piece wider than the width stands on a line of its own.
    """
    body = line.lstrip(" ")
    indent = line[: len(line) - len(body)]
    if _cells(line) <= width or not body:
        return [line]
    more = indent + ("  " if body.startswith("- ") else "")
    lines: list[str] = []
    current, used = indent, _cells(indent)
    start = True
    for word, space in _words(body, cjk):
        add = (" " if space and not start else "") + word
        if not start and used + _cells(add) > width:
            lines.append(current)
            current, used = more + word, _cells(more + word)
        else:
            current, used = current + add, used + _cells(add)
        start = False
    lines.append(current)
    return lines


def wrap_text(text: str, width: int, *, cjk: bool = False) -> str:
    """Every line of ``text`` wrapped to ``width`` cells (at least 20) by :func:`tariffcli.render.layout.wrap`'s
    rules, as compare's footer: East Asian widths, numbers, ids and URLs never broken, closing punctuation never
    starting a line, continuation lines indented two cells under their sentence (``- `` items: under the text).
    ``cjk`` is kept for callers; the rules are the same in both languages."""
    from tariffcli.render.layout import wrap

    width = max(width, 20)
    return "".join(w + "\n" for line in text.splitlines()
                   for w in wrap(line, width, indent="" if line.startswith(("- ", " ")) else "  "))
