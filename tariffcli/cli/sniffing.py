"""Arguments in the wrong place: a usage CSV where a plan file belongs, or a plan file given as usage.

The error then says what the argument should be, instead of the reader's complaint about the
wrong file (an encoding hint, "no month column", "a plan file must be a mapping").
"""

from __future__ import annotations

import os
from pathlib import Path

from tariffcli.model.errors import UsageError


def file_head(path: Path) -> bytes | None:
    """The first bytes of a regular file; None when it is not one or cannot be read (the reader says why)."""
    from tariffcli.inputs.sniff import HEAD_BYTES

    try:
        if not os.path.isfile(path):
            return None
        with open(path, "rb") as f:
            return f.read(HEAD_BYTES)
    except OSError:
        return None


def check_usage_argument(path: Path, argument: str = "USAGE", what: str = "a usage CSV",
                         plan_options: str = "--plans or --current") -> None:
    """A plan file given where a CSV (usage, records or bill) belongs is a usage error that says so."""
    from tariffcli.inputs.sniff import looks_like_plan, looks_like_usage

    head = file_head(path)
    if head is None or looks_like_usage(head) or not looks_like_plan(head, path.name):
        return
    raise UsageError(f"{argument} {path}: looks like a plan file, not {what}; give plan files with {plan_options}",
                     field=argument.lstrip("-"))


def check_offer_arguments(offer: str, usage: str) -> None:
    """``offer USAGE OFFER`` (swapped) is a usage error naming the right order."""
    from tariffcli.inputs.sniff import looks_like_plan, looks_like_usage

    first, second = file_head(Path(offer)), file_head(Path(usage))
    if first is None or looks_like_plan(first, Path(offer).name) or not looks_like_usage(first, Path(offer).name):
        return
    hint = (f"; did you mean: tariffcli offer {usage} {offer}" if second is not None
            and looks_like_plan(second, Path(usage).name) else "")
    raise UsageError(f"OFFER {offer}: looks like a usage CSV; the first argument should be a plan file "
                     f"(or catalogue id) and the second your usage CSV{hint}", field="OFFER")


__all__ = ["check_offer_arguments", "check_usage_argument", "file_head"]
