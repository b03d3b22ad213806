"""The 'offer' command: judge a pitched offer over its full term (typer and the standard library only here)."""

# No "from __future__ import annotations": typer reads the annotations of the command
# defined inside register(), which refer to names imported there.
import re
import shutil
import sys
import unicodedata
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer


class OfferFormat(StrEnum):
    text = "text"
    json = "json"


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    from tariffcli.cli.options import LangOpt, OutputOpt, PlansOpt, parse_day, resolve_lang
    from tariffcli.cli.output import emit, guard
    from tariffcli.model.errors import UsageError

    @app.command("offer")
    def offer(
        args: Annotated[list[str], typer.Argument(
            metavar="[OFFER] USAGE",
            help="The offer (a plan file or catalogue id) and your monthly usage CSV; "
                 "or only the usage CSV, with the offer given by --fee and friends.",
        )],
        current: Annotated[str | None, typer.Option(
            "--current", help="Your current plan: a catalogue id or a plan file.")] = None,
        current_since: Annotated[str | None, typer.Option(
            "--current-since", help="Month your current plan started (YYYY-MM).")] = None,
        term: Annotated[int | None, typer.Option(
            "--term", min=1, max=600,
            help="Months to judge over (default: the commitment, or 12 months after the last promotion).")] = None,
        start: Annotated[str | None, typer.Option(
            "--start", help="Month the offer would start (YYYY-MM; default: next month).")] = None,
        fee: Annotated[str | None, typer.Option("--fee", help="Offer by flags: the standard monthly fee, e.g. 128.")] = None,
        discount: Annotated[str | None, typer.Option(
            "--discount", help="Offer by flags: percentage off during the promotion, e.g. 50%.")] = None,
        promo_fee: Annotated[str | None, typer.Option(
            "--promo-fee", help="Offer by flags: the monthly fee during the promotion (instead of --discount).")] = None,
        for_months: Annotated[int | None, typer.Option(
            "--for", min=1, max=600, help="Offer by flags: months the promotion lasts.")] = None,
        from_month: Annotated[int | None, typer.Option(
            "--from-month", min=1, max=600,
            help="Offer by flags: first month of the promotion (default 1 = the first).")] = None,
        voice: Annotated[str | None, typer.Option("--voice", help="Offer by flags: minutes included, e.g. '500 min'.")] = None,
        sms: Annotated[str | None, typer.Option("--sms", help="Offer by flags: SMS included.")] = None,
        data: Annotated[str | None, typer.Option("--data", help="Offer by flags: data included, e.g. '30 GB'.")] = None,
        app_data: Annotated[str | None, typer.Option(
            "--app-data", help="Offer by flags: app-specific data included, e.g. unlimited.")] = None,
        commitment: Annotated[int | None, typer.Option(
            "--commitment", min=1, max=120, help="Offer by flags: commitment (合约期) in months.")] = None,
        rates_from: Annotated[str | None, typer.Option(
            "--rates-from", help="Offer by flags: plan whose out-of-bundle rates apply (default: --current).")] = None,
        eligible: Annotated[list[str] | None, typer.Option(
            "--eligible", help="Conditions you meet (student,elderly,...): the best plan is chosen among these.")] = None,
        plans: PlansOpt = None,
        fmt: Annotated[OfferFormat, typer.Option("--format", "-f", help="text or json.")] = OfferFormat.text,
        output: OutputOpt = None,
        lang: LangOpt = None,
        today: Annotated[str | None, typer.Option(
            "--today", help="Pretend today is YYYY-MM-DD (for reproducible runs).", hidden=True)] = None,
    ) -> None:
        """Judge an offer: its cost over the whole term against your plan and the best plan, and what does not fit."""

        def body() -> None:
            from tariffcli.compare.offer import judge_offer, offer_from_terms
            from tariffcli.compare.ranking import parse_eligible
            from tariffcli.inputs import files as tio
            from tariffcli.model.months import next_month
            from tariffcli.render import compare as render

            now = parse_day(today, "today")
            # every option that only applies to an offer given by flags
            flags = {"--fee": fee, "--discount": discount, "--promo-fee": promo_fee, "--for": for_months,
                     "--from-month": from_month, "--voice": voice, "--sms": sms, "--data": data,
                     "--app-data": app_data, "--commitment": commitment, "--rates-from": rates_from}
            by_flags = [name for name, value in flags.items() if value is not None]
            if len(args) not in (1, 2):
                raise UsageError("give OFFER USAGE, or USAGE alone with --fee ...", field="OFFER USAGE")
            if len(args) == 2 and by_flags:
                raise UsageError(f"{', '.join(by_flags)}: only for an offer given by flags; the offer file OFFER "
                                 "has its own terms (give the offer as a file or by flags, not both)",
                                 field=by_flags[0].lstrip("-"))
            if len(args) == 1 and fee is None:
                raise UsageError("give the offer: a plan file before USAGE, or --fee and friends", field="fee")
            usage_path = Path(args[-1])
            if not usage_path.is_file():
                raise UsageError(f"USAGE: no such file: {usage_path}", field="USAGE")
            catalogue = tio.load_plans(plans)
            cur = tio.resolve_plan(current, catalogue) if current else None
            if current_since and cur is None:
                raise UsageError("--current-since needs --current", field="current-since")
            borrowed = None
            if len(args) == 2:
                try:
                    offered = tio.resolve_plan(args[0], catalogue, option="offer")
                except UsageError as exc:  # the offer is the OFFER argument, not an option: name it so
                    raise UsageError("; ".join("OFFER: " + p.message.removeprefix("--offer: ") for p in exc.problems),
                                     field="OFFER") from None
            else:
                base = tio.resolve_plan(rates_from, catalogue, option="rates-from") if rates_from else cur
                if base is None:
                    raise UsageError("an offer by flags needs --current or --rates-from for its out-of-bundle rates",
                                     field="rates-from")
                borrowed = base.id
                offered = offer_from_terms(
                    fee=str(fee), rates_from=base, discount=discount, promo_fee=promo_fee, months=for_months,
                    from_month=from_month, voice=voice, sms=sms, data=data, app_data=app_data,
                    commitment=commitment, told_on=now,
                )
            history = tio.read_usage(usage_path)
            for w in getattr(history, "warnings", ()):
                print(f"Warning: {w}", file=sys.stderr)
            verdict = judge_offer(offered, history, catalogue, start=start or next_month(now), term=term,
                                  current=cur, current_since=current_since,
                                  eligible=None if eligible is None else parse_eligible(eligible))
            language = resolve_lang(lang)
            if fmt is OfferFormat.json:
                emit(render.render_offer_json(verdict, lang=language, borrowed_from=borrowed), output)
            else:
                text = render.render_offer_text(verdict, lang=language, borrowed_from=borrowed)
                if output is None:  # on the console: wrapped to its width (a file keeps one sentence a line)
                    text = wrap_text(text, shutil.get_terminal_size().columns, cjk=language == "zh")
                emit(text, output)

        guard(body, json_errors=fmt is OfferFormat.json)


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
    """Every line of ``text`` wrapped to ``width`` cells (at least 20); ``cjk``: Chinese text (see :func:`_words`)."""
    width = max(width, 20)
    return "".join(w + "\n" for line in text.splitlines() for w in wrap_line(line, width, cjk=cjk))
