"""Placeholder: the 'baskets' command is being built; until then this registers nothing."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
