"""Option groups of the history features: your own plan (``--current``, ``--current-since``), re-billing the
months in a file (``--history``, ``--bill``) and the shape of a batch run (``--history``, ``--wide``).

Each group reaches its command as one object (:func:`tariffcli.cli.options.with_groups`).
"""

# No "from __future__ import annotations": typer reads the members' types.
from dataclasses import dataclass
from pathlib import Path

from tariffcli.cli.options import Member, OptionGroup, pick


@dataclass(frozen=True)
class Mine:
    """Your own plan and the month it started."""

    current: str | None = None
    """``--current``: a catalogue id or a plan file."""
    current_since: str | None = None
    """``--current-since`` YYYY-MM."""


@dataclass(frozen=True)
class Rebilling:
    """``--history``: bill the months in the file as they were; ``--bill``: what was paid."""

    history: bool = False
    bill: Path | None = None


@dataclass(frozen=True)
class BatchShape:
    """``batch --history`` (each subscriber's own months) and ``--wide`` (one cost column per plan)."""

    history: bool = False
    wide: bool = False


MEMBERS: dict[str, Member] = {m.name: m for m in (
    Member("current", "current", str | None, ("--current",), None, "Your current plan: a catalogue id or a plan file (- stdin). "
           "Default: $TARIFFCLI_CURRENT or the config file."),
    Member("current_since", "current_since", str | None, ("--current-since",), None,
           "Month your current plan started (YYYY-MM)."),
    Member("history", "history", bool, ("--history",), False,
           "Price the months in the file under every plan (what you would have paid); no projection."),
    Member("bill", "bill", Path | None, ("--bill",), None,
           "With --history: your bill lines CSV (month, item, amount), shown as what you paid.",
           {"exists": True, "dir_okay": False}),
    Member("batch_history", "history", bool, ("--history",), False,
           "Bill each subscriber's own months in the input (what it would have paid); no projection."),
    Member("wide", "wide", bool, ("--wide",), False,
           "Add one cost column per plan to --out, named by plan id (for pandas and spreadsheets)."),
)}

DEFAULT_MINE = Mine()
DEFAULT_REBILLING = Rebilling()
DEFAULT_BATCH_SHAPE = BatchShape()


def mine_options() -> OptionGroup[Mine]:
    return OptionGroup(pick(MEMBERS, ("current", "current_since"), {}), lambda v: Mine(**v))


def rebilling_options() -> OptionGroup[Rebilling]:
    return OptionGroup(pick(MEMBERS, ("history", "bill"), {}), lambda v: Rebilling(**v))


def batch_shape_options() -> OptionGroup[BatchShape]:
    return OptionGroup(pick(MEMBERS, ("batch_history", "wide"), {}), lambda v: BatchShape(**v))
