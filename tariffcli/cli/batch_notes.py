"""What ``batch`` says on stderr, in the user's language: the input's warnings, unused columns, plans left out,
and the closing line (subscribers, rows, time)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from tariffcli.batch.analyser import Analyser
    from tariffcli.batch.files import InputSpec


def say_prepared(spec: InputSpec, analyser: Analyser, lang: str) -> None:
    """On stderr: the input's warnings, the columns not used, and the plans left out (not on sale, other
    provinces, suspended-line plans)."""
    from tariffcli.cli.compare import say_excluded
    from tariffcli.model.sanitise import one_line
    from tariffcli.texts import label

    prefix = label("warning_prefix", lang)
    for warning in spec.warnings:
        print(f"{prefix}{one_line(warning)}", file=sys.stderr)
    for name in spec.columns.ignored:
        print(prefix + label("batch_column_unused", lang, file=spec.files[0], column=one_line(name)), file=sys.stderr)
    say_excluded(analyser.left_out, analyser.start, analyser.province, lang)


def say_done(subscribers: int, rows: int, out: Path | None, elapsed: float, lang: str) -> None:
    """On stderr: how many subscribers and rows were analysed, where to, in how long."""
    from tariffcli.texts import label

    where = label("batch_done_where", lang, file=out) if out is not None else ""
    print(label("batch_done", lang, n=f"{subscribers:,}", rows=f"{rows:,}", where=where, seconds=f"{elapsed:.1f}",
                rate=f"{rows / max(elapsed, 1e-9):,.0f}"), file=sys.stderr)
