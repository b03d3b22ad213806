"""cli.coercion: every option of the app coerces values exactly as typer's own pydantic adapter does, without it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer import _coercion as typer_coercion
from typer._click import Context
from typer.main import get_command

from tariffcli.cli import coercion
from tariffcli.cli.app import app


def outcome(run: Any) -> tuple[str, Any]:
    try:
        got = run()
    except Exception as exc:  # the error a user would see: its type and message
        return "error", (type(exc).__name__, str(getattr(exc, "message", exc)))
    return "value", (type(got).__name__, got)


def params() -> list[tuple[Any, Context]]:
    root = get_command(app)
    ctx = Context(root)
    coercion.install(root)  # the root's own; each command's are installed as it is built
    found = [(p, ctx) for p in coercion.parameters(root, ctx) if getattr(p, "type_descriptor", None) is not None]
    assert len(found) > 50
    return found


def values(tmp: Path) -> list[Any]:
    (tmp / "f.yaml").write_text("x", encoding="utf-8")
    (tmp / "d").mkdir()
    return ["", "x", "TABLE", "json", "zh", "12", "0", "-3", "1_000", " 7", "2026-12-01", "-",
            str(tmp / "f.yaml"), str(tmp / "d"), str(tmp / "missing"), "a\0b", True, False, 5,
            ("x",), (str(tmp / "f.yaml"), str(tmp / "d")), (str(tmp / "missing"),), ()]


def test_every_option_coerces_as_typer_does(tmp_path: Path) -> None:
    checked = 0
    samples = values(tmp_path)
    for param, ctx in params():
        ours = param._runtime_param
        assert isinstance(ours, coercion.QuickParam), param.name
        theirs = typer_coercion.build_runtime_param(param.type_descriptor)
        for value in samples:
            want = outcome(lambda: theirs.coerce(value, param=param, ctx=ctx))  # noqa: B023
            got = outcome(lambda: ours.coerce(value, param=param, ctx=ctx))  # noqa: B023
            assert got == want, (param.name, param.type_descriptor.annotation, value)
            checked += 1
    assert checked > 1000


def test_plain_values_need_no_adapter(tmp_path: Path) -> None:
    """The point of it: plain values are coerced here, without building typer's adapter."""
    by_name = {p.name: p for p, _ in params()}
    quick = {name: coercion.quick(p.type_descriptor.annotation, p.type_descriptor.parameter_info, v, p, None)
             for name, v in [("plans", (str(tmp_path),)), ("top", "5"), ("lang", "zh"), ("max_fee", "30")]
             if (p := by_name.get(name)) is not None}
    assert quick and all(v is not coercion._NOT for v in quick.values()), quick


@pytest.mark.parametrize("args", [["plans", "list"], ["plans", "list", "--lang", "zh", "--format", "csv"]])
def test_plans_list_imports_no_pydantic(args: list[str]) -> None:
    code = ("import sys; from tariffcli.cli import main\n"
            "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
            "print('typer._adapters' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    assert done.stderr.strip().splitlines()[-1] == "False"
