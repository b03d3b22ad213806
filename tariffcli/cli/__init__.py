"""The command line: thin commands over the core library.

``main`` imports the app on first use, so importing :mod:`tariffcli.cli`
costs nothing.
"""

from __future__ import annotations


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``tariffcli`` command."""
    from tariffcli.cli.app import main as run

    run(argv)
