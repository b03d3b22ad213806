"""The root group builds each command on first use: a run imports only its own command's module."""

from __future__ import annotations

import subprocess
import sys

from typer.main import get_command
from typer.testing import CliRunner

from tariffcli.cli.app import COMMANDS, app

OTHERS = ("tariffcli.cli.compare", "tariffcli.cli.analyze", "tariffcli.cli.batch", "tariffcli.cli.offer", "tariffcli.cli.baskets")
"""Commands plans list has no use for (config gives every run its defaults)."""


def test_plans_list_imports_no_other_command() -> None:
    code = ("import sys; from tariffcli.cli import main\n"
            "try:\n    main(['plans', 'list'])\nexcept SystemExit:\n    pass\n"
            f"print([m for m in {OTHERS!r} if m in sys.modules], file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_every_command_is_known_before_it_is_built() -> None:
    root = get_command(app)
    assert list(root.commands) == [name for name, _ in COMMANDS]
    assert not root.commands.loaded  # type: ignore[attr-defined]
    assert root.commands["plans"].name == "plans"
    assert list(root.commands.loaded) == ["plans"]  # type: ignore[attr-defined]


def test_a_typo_still_gets_a_suggestion() -> None:
    r = CliRunner().invoke(app, ["compar"], env={"NO_COLOR": "1", "COLUMNS": "80", "TERM": "dumb"})
    assert r.exit_code == 2 and "Did you mean 'compare'" in r.stderr


def test_plans_names_as_many_left_out_plans_as_compare() -> None:
    from tariffcli.cli import compare, plans

    assert plans.MAX_IDS_SHOWN == compare.MAX_IDS_SHOWN
