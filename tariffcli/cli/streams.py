"""The console streams, made ready before anything is written (no typer or rich needed here)."""

from __future__ import annotations

import sys


def degrade_streams() -> None:
    """On a console that is not UTF-8 (Chinese Windows is GBK, ``> out.txt`` there too), characters the
    encoding lacks are written as ``?`` instead of ending the run with UnicodeEncodeError.

    Files written with ``--output`` are always UTF-8; only the console streams degrade.
    """
    import codecs

    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None) or "utf-8"
        try:
            utf8 = codecs.lookup(encoding).name == "utf-8"
        except LookupError:
            utf8 = False
        reconfigure = getattr(stream, "reconfigure", None)
        if not utf8 and reconfigure is not None:
            reconfigure(errors="replace")
