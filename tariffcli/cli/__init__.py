"""The command line: thin commands over the core library.

``main`` imports the app on first use, so importing :mod:`tariffcli.cli`
costs nothing.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``tariffcli`` command. ``tariffcli --help`` is written from the cache when it holds
    the help for this terminal and code (:mod:`tariffcli.cli.help_cache`), before typer is even imported."""
    import sys

    if (sys.argv[1:] if argv is None else argv) == ["--help"]:
        from tariffcli.cli import help_cache
        from tariffcli.cli.streams import degrade_streams

        degrade_streams()
        if help_cache.replay(["--help"]):
            try:
                sys.stdout.flush()
            except OSError:
                from tariffcli.cli.app import flushed_exit_code

                sys.exit(flushed_exit_code(0))
            sys.exit(0)
    from tariffcli.cli.app import main as run

    run(argv)
