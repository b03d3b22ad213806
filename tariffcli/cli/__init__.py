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
        try:
            if help_cache.replay(["--help"]):
                sys.stdout.flush()
                sys.exit(0)
        except OSError as exc:  # as typer's own help ends: a closed pipe quietly (exit 1), another error said
            from tariffcli.cli.output import quiet_stdout

            quiet_stdout()
            if isinstance(exc, BrokenPipeError):
                sys.exit(1)
            print(f"Error: cannot write to standard output: {exc.strerror or exc}", file=sys.stderr)
            sys.exit(2)
    from tariffcli.cli.app import main as run

    run(argv)
