"""Conventions people expect (issue 12): --version, completion, - for stdin and stdout, the format from the
--output extension, one vocabulary of options, and defaults set once (environment, config file)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import typer.main
from typer.testing import CliRunner

from tariffcli.cli.app import app

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_bills"
USAGE = SAMPLES / "heavy-data.csv"
PLAN = ROOT / "plans" / "cmcc" / "24jt208005.yaml"
PLAN_ID = "cmcc-24jt208005"
BASE = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb",
        "TARIFFCLI_CONFIG": os.devnull}
COMPARE = ("compare", str(USAGE), "--start", "2027-01", "--top", "3")


def run(*args: str, env: dict[str, str] | None = None, stdin: bytes | str | None = None) -> Any:
    return CliRunner().invoke(app, list(args), env={**BASE, **(env or {})}, input=stdin, catch_exceptions=False)


def process(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | BASE | {"PYTHONPATH": str(ROOT)} | (env or {})
    return subprocess.run([sys.executable, "-m", "tariffcli", *args], env=full, capture_output=True, text=True,
                          check=False, cwd=ROOT)


# ---------------------------------------------------------------- --version, completion


@pytest.mark.parametrize("flag", ["--version", "-V"])
def test_version_names_the_package_version_and_the_catalogue(flag: str) -> None:
    from importlib.metadata import version

    r = run(flag)
    assert r.exit_code == 0
    assert r.stdout.startswith(f"tariffcli {version('tariffcli')} (catalogue: ")
    assert " plans, sources read up to 20" in r.stdout


def test_version_imports_nothing_heavy() -> None:
    code = ("import sys\nfrom tariffcli.cli.app import main\ntry:\n    main(['-V'])\nexcept SystemExit:\n    pass\n"
            "print('HEAVY', sorted(m for m in ('pandas', 'numpy', 'pydantic', 'yaml') if m in sys.modules))\n")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False)
    assert "HEAVY []" in r.stdout, r.stdout + r.stderr


def test_shell_completion_is_installed_and_completes() -> None:
    script = process("--show-completion", "bash")
    assert script.returncode == 0, script.stderr
    assert "_TARIFFCLI_COMPLETE=complete_bash" in script.stdout and "complete " in script.stdout
    assert "--install-completion" in run("--help").stdout
    done = process(env={"_TARIFFCLI_COMPLETE": "complete_bash", "COMP_WORDS": "tariffcli pl", "COMP_CWORD": "1"})
    assert done.stdout.split() == ["plans"], done.stdout + done.stderr
    option = process(env={"_TARIFFCLI_COMPLETE": "complete_bash", "COMP_WORDS": "tariffcli compare u.csv --current-s",
                          "COMP_CWORD": "3"})
    assert option.stdout.split() == ["--current-since"], option.stdout + option.stderr


# ---------------------------------------------------------------- - is stdin


def test_dash_reads_the_usage_file_from_stdin() -> None:
    from_file = run(*COMPARE, "-f", "json")
    from_stdin = run("compare", "-", "--start", "2027-01", "--top", "3", "-f", "json", stdin=USAGE.read_bytes())
    assert from_stdin.exit_code == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout)["plans"] == json.loads(from_file.stdout)["plans"]


def test_stdin_is_decoded_like_a_file_and_named_stdin() -> None:
    gbk = "月份,通话分钟,短信,流量(MB)\n2026-01,10,1,100\n2026-02,12,1,120\n".encode("gbk")
    ok = run("compare", "-", "--start", "2027-01", "--top", "1", stdin=gbk)
    assert ok.exit_code == 0, ok.stderr
    bad = run("compare", "-", stdin="month,voice_min\n2026-01,1\n")
    assert bad.exit_code == 1 and bad.stdout == ""
    assert bad.stderr.startswith("Error: <stdin>:1:")


def test_stdin_keeps_the_size_limit() -> None:
    from tariffcli.inputs.usage import MAX_BYTES

    r = run("compare", "-", stdin=b"x" * (MAX_BYTES + 1))
    assert r.exit_code == 1
    assert f"<stdin>: input is larger than {MAX_BYTES:,} bytes" in r.stderr


def test_dash_reads_a_plan_from_stdin() -> None:
    r = run(*COMPARE, "--current", "-", "-f", "json", stdin=PLAN.read_bytes())
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["current"]["id"] == PLAN_ID
    shown = run("plans", "show", "-", stdin=PLAN.read_bytes())
    assert shown.exit_code == 0 and "# file: <stdin>" in shown.stdout
    checked = run("plans", "validate", "-", stdin=PLAN.read_bytes())
    assert checked.exit_code == 0 and "1 plans OK" in checked.stderr
    offered = run("offer", "-", str(USAGE), "--current", "cmcc-8yuan-shenzhen-voice", stdin=PLAN.read_bytes())
    assert offered.exit_code == 0, offered.stderr
    broken = run("plans", "show", "-", stdin=b"id: x\n\xff\n")
    assert broken.exit_code == 1 and broken.stderr.startswith("Error: <stdin>:2: not UTF-8 text")


def test_read_input_reads_a_file_or_stdin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from tariffcli.cli import stdin
    from tariffcli.model.errors import DataError

    (tmp_path / "bill.csv").write_bytes(b"month,item,amount\n")
    assert stdin.read_input(tmp_path / "bill.csv", 100, "--bill") == (b"month,item,amount\n", str(tmp_path / "bill.csv"))
    stdin.new_run()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a" * 10)))
    assert stdin.read_input("-", 10, "--bill") == (b"a" * 10, "<stdin>")
    stdin.new_run()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"a" * 11)))
    with pytest.raises(DataError, match="larger than 10 bytes"):
        stdin.read_input("-", 10, "--bill")


def test_stdin_is_read_once() -> None:
    r = run("compare", "-", "--current", "-", stdin=PLAN.read_bytes())
    assert r.exit_code == 2 and r.stdout == ""
    assert "only one input can be -" in r.stderr


# ---------------------------------------------------------------- -o - and the format from the extension


def test_dash_output_is_stdout() -> None:
    plain = run(*COMPARE, "-f", "csv")
    dashed = run(*COMPARE, "-f", "csv", "-o", "-")
    assert dashed.exit_code == 0 and dashed.stdout == plain.stdout
    assert run(*COMPARE, "-o", "-").stdout == run(*COMPARE).stdout  # the default format: the table


@pytest.mark.parametrize("name, fmt", [("r.json", "json"), ("r.csv", "csv"), ("r.md", "markdown"),
                                       ("r.txt", "table"), ("R.JSON", "json")])
def test_the_output_extension_picks_the_format(tmp_path: Path, name: str, fmt: str) -> None:
    out, given = tmp_path / name, tmp_path / "given.dat"
    r = run(*COMPARE, "-o", str(out))
    assert r.exit_code == 0 and r.stderr.count("Note") == 0, r.stderr
    assert run(*COMPARE, "-f", fmt, "-o", str(given)).exit_code == 0
    assert out.read_text("utf-8") == given.read_text("utf-8")
    assert out.read_text("utf-8") != run(*COMPARE, "-f", "json" if fmt != "json" else "csv").stdout


@pytest.mark.parametrize("name", ["r.yaml", "result", "r.xlsx"])
def test_an_unknown_extension_is_not_guessed(tmp_path: Path, name: str) -> None:
    r = run(*COMPARE, "-o", str(tmp_path / name))
    assert r.exit_code == 2 and r.stdout == ""
    assert "will not guess the format" in r.stderr and "--format" in r.stderr
    assert list(tmp_path.iterdir()) == []
    assert run(*COMPARE, "-f", "csv", "-o", str(tmp_path / name)).exit_code == 0  # unless --format says


def test_format_wins_over_the_extension_with_a_note(tmp_path: Path) -> None:
    out = tmp_path / "r.csv"
    r = run(*COMPARE, "-f", "json", "-o", str(out))
    assert r.exit_code == 0
    assert json.loads(out.read_text("utf-8"))["version"] == "1"
    assert "Note: --output" in r.stderr and "written as json" in r.stderr


def test_offer_takes_text_or_json_from_the_extension(tmp_path: Path) -> None:
    args = ("offer", str(PLAN), str(USAGE), "--current", "cmcc-8yuan-shenzhen-voice")
    assert run(*args, "-o", str(tmp_path / "v.json")).exit_code == 0
    assert json.loads((tmp_path / "v.json").read_text("utf-8"))["version"] == "1"
    assert run(*args, "-o", str(tmp_path / "v.txt")).exit_code == 0
    assert (tmp_path / "v.txt").read_text("utf-8").startswith("Offer: ")
    r = run(*args, "-o", str(tmp_path / "v.md"))
    assert r.exit_code == 2 and "does not write" in r.stderr and "text|json" in r.stderr


def test_an_implied_json_format_does_not_turn_errors_into_json(tmp_path: Path) -> None:
    r = run(*COMPARE, "--horizon", "3", "--start", "bad", "-o", str(tmp_path / "r.json"))
    assert r.exit_code == 2
    assert '"version"' not in r.stderr


# ---------------------------------------------------------------- one vocabulary


def _commands() -> dict[str, Any]:
    root = typer.main.get_command(app)
    out: dict[str, Any] = {}
    for name, cmd in root.commands.items():  # type: ignore[attr-defined]
        for sub, leaf in (getattr(cmd, "commands", None) or {"": cmd}).items():
            out[f"{name} {sub}".strip()] = leaf
    return out


def _options(cmd: Any) -> set[str]:
    return {o for p in cmd.params for o in p.opts}


def test_output_is_named_output_everywhere_and_format_is_f() -> None:
    for name, cmd in _commands().items():
        opts = _options(cmd)
        if "-o" in opts or "--out" in opts:
            assert "--output" in opts, name
        if "--format" in opts:
            assert "-f" in opts, name
    assert {"--output", "--out", "-o"} <= _options(_commands()["batch"])
    for name in ("plans show", "plans schema", "plans list", "compare", "offer", "baskets", "plans diff"):
        assert "--output" in _options(_commands()[name]), name


def test_your_own_plan_is_current_and_current_since() -> None:
    for name in ("compare", "offer"):
        assert {"--current", "--current-since"} <= _options(_commands()[name]), name


def test_batch_takes_output_and_out(tmp_path: Path) -> None:
    src = tmp_path / "subs.csv"
    src.write_text("subscriber,month,voice_min,sms,data_mb\na,2026-01,10,1,100\n", encoding="utf-8")
    for option in ("--output", "--out"):
        out = tmp_path / f"best{option.count('p')}.csv"
        r = run("batch", str(src), "--start", "2027-01", option, str(out), "-q")
        assert r.exit_code == 0, r.stderr
        assert out.read_text("utf-8").startswith('"subscriber"')


# ---------------------------------------------------------------- defaults set once


def write_config(tmp_path: Path, text: str) -> dict[str, str]:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return {"TARIFFCLI_CONFIG": str(path)}


def test_lang_from_the_config_file_then_the_environment_then_the_option(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'lang = "zh"\n')
    assert "合计" in run(*COMPARE, env=config).stdout
    assert "Total" in run(*COMPARE, env={**config, "TARIFFCLI_LANG": "en"}).stdout
    assert "合计" in run(*COMPARE, "--lang", "zh", env={**config, "TARIFFCLI_LANG": "en"}).stdout
    assert "Total" in run(*COMPARE).stdout  # the built-in default: the locale (C)


def test_plans_and_current_from_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "plan.yaml").write_bytes(PLAN.read_bytes())
    config = write_config(tmp_path, f'plans = "mine"\ncurrent = "{PLAN_ID}"\n')
    r = run(*COMPARE, "-f", "json", env=config)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert [p["id"] for p in doc["plans"]] == [PLAN_ID]  # relative to the config file
    assert doc["current"]["id"] == PLAN_ID
    other = run(*COMPARE, "-f", "json", "--plans", str(ROOT / "plans" / "unicom"), "--current", str(PLAN), env=config)
    assert {p["operator"] for p in json.loads(other.stdout)["plans"]} == {"China Unicom"}  # the options win


def test_plans_from_the_environment(tmp_path: Path) -> None:
    env = {"TARIFFCLI_PLANS": os.pathsep.join([str(PLAN), str(ROOT / "plans" / "unicom" / "none.yaml")])}
    r = run(*COMPARE, "-f", "json", env={"TARIFFCLI_PLANS": str(PLAN)})
    assert [p["id"] for p in json.loads(r.stdout)["plans"]] == [PLAN_ID]
    assert run(*COMPARE, env=env).exit_code == 2  # the second path does not exist: as if typed


def test_config_show_says_where_each_setting_comes_from(tmp_path: Path) -> None:
    config = write_config(tmp_path, 'lang = "zh"\nprovince = "广东"\n')
    r = run("config", "show", "--lang", "en", env={**config, "TARIFFCLI_PROVINCE": "guangdong"})
    assert r.exit_code == 0, r.stderr
    lines = {line.split()[0]: line for line in r.stdout.splitlines() if line.startswith("--")}
    assert set(lines) == {"--plans", "--lang", "--province", "--current"}
    assert "zh" in lines["--lang"] and "config.toml, line 1" in lines["--lang"]
    assert "guangdong" in lines["--province"] and "$TARIFFCLI_PROVINCE" in lines["--province"]
    assert "built-in default" in lines["--current"]
    doc = json.loads(run("config", "show", "-f", "json", env=config).stdout)
    schema = json.loads((ROOT / "tariffcli" / "schemas" / "config.schema.json").read_text("utf-8"))
    jsonschema.validate(doc, schema)
    jsonschema.validate(json.loads(run("config", "show", "-f", "json", env={"TARIFFCLI_PLANS": "a:b"}).stdout), schema)
    assert doc["config_file"] == config["TARIFFCLI_CONFIG"] and doc["config_file_exists"] is True
    assert run("config", "path", env=config).stdout == config["TARIFFCLI_CONFIG"] + "\n"


def test_config_path_defaults_to_the_platform_config_directory() -> None:
    from platformdirs import user_config_path

    env = {k: v for k, v in os.environ.items() if k != "TARIFFCLI_CONFIG"}
    from tariffcli.cli.config import config_path

    assert config_path(env) == user_config_path("tariffcli", appauthor=False) / "config.toml"


@pytest.mark.parametrize("text, line, words", [
    ('lang = "zh\n', 1, "not valid TOML"),
    ('lang = "zh"\nbogus = 1\n', 2, "unknown setting 'bogus'"),
    ('\n\nlang = "fr"\n', 3, "lang 'fr' is not one of en, zh"),
    ('plans = 3\n', 1, "plans must be a path or a list of paths"),
])
def test_a_bad_config_file_names_its_line_and_exits_2(tmp_path: Path, text: str, line: int, words: str) -> None:
    config = write_config(tmp_path, text)
    r = run(*COMPARE, env=config)
    assert r.exit_code == 2 and r.stdout == ""
    assert r.stderr.startswith(f"Error: {config['TARIFFCLI_CONFIG']}:{line}: ") and words in r.stderr
    assert run("compare", "--help", env=config).exit_code == 0  # help still works
    assert run("config", "path", env=config).exit_code == 0
    assert run("config", "show", env=config).exit_code == 2


def test_a_bad_environment_variable_is_named(tmp_path: Path) -> None:
    r = run(*COMPARE, env={"TARIFFCLI_LANG": "fr"})
    assert r.exit_code == 2 and "$TARIFFCLI_LANG: lang 'fr' is not one of en, zh" in r.stderr
