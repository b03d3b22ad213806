"""plans list from the cache's facts file: the same output as from the plans, and every change seen."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import FIXTURE_CATALOGUE, REPO
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.inputs import catalogue_facts as cf
from tariffcli.inputs.files import load_plans
from tariffcli.inputs.plan_listing import load_plan_facts
from tariffcli.model.plan_facts import PlanFacts

BASE = {"NO_COLOR": "1", "COLUMNS": "80", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cf.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(cf.NO_CACHE_ENV, raising=False)
    return folder


@pytest.fixture
def catalogue(tmp_path: Path) -> Path:
    return Path(shutil.copytree(FIXTURE_CATALOGUE, tmp_path / "plans"))


def listing(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    r = CliRunner().invoke(app, ["plans", "list", *args], env={**BASE, **(env or {})}, catch_exceptions=False)
    return r.exit_code, r.stdout, r.stderr


def test_facts_are_the_plans_facts() -> None:
    plans = load_plans(None)
    for p in plans:
        f = PlanFacts.of(p)
        assert PlanFacts.from_row(json.loads(json.dumps(f.to_row()))) == f
        for day in ("2020-01-01", "2026-12-01", "2031-06-30"):
            from datetime import date

            assert f.on_sale(date.fromisoformat(day)) == p.on_sale(date.fromisoformat(day))


def test_no_facts_before_the_plans_were_read(cache: Path, catalogue: Path) -> None:
    assert load_plan_facts([catalogue], time.time_ns()) is None
    plans = load_plans([catalogue])
    facts = load_plan_facts([catalogue], time.time_ns())
    assert facts == tuple(PlanFacts.of(p) for p in plans)


@pytest.mark.parametrize("args", [(), ("--format", "csv"), ("--format", "markdown"), ("--lang", "zh"), ("--all",),
                                  ("--operator", "cmcc"), ("--max-fee", "30"), ("--tag", "5g"),
                                  ("--province", "广东"), ("--date", "2020-01-01"), ("--format", "json")])
def test_same_output_from_the_facts(cache: Path, catalogue: Path, args: tuple[str, ...]) -> None:
    cold = listing("--plans", str(catalogue), *args, env={cf.NO_CACHE_ENV: "1"})
    listing("--plans", str(catalogue))  # fills the cache
    assert load_plan_facts([catalogue], time.time_ns()) is not None
    assert listing("--plans", str(catalogue), *args) == cold


def test_an_edited_or_broken_file_is_read_again(cache: Path, catalogue: Path) -> None:
    listing("--plans", str(catalogue))
    plan = sorted(catalogue.rglob("*.yaml"))[0]
    text = plan.read_text("utf-8")
    plan.write_text(text.replace("name: ", "name: Edited ", 1), "utf-8")
    assert load_plan_facts([catalogue], time.time_ns()) is None
    code, out, _ = listing("--plans", str(catalogue), "--all")
    assert code == 0 and "Edited" in out
    plan.write_text(text.replace("monthly_fee:", "monthly_fee: nonsense\nx:", 1), "utf-8")
    code, _, err = listing("--plans", str(catalogue))
    assert code == 1 and plan.name in err


def test_a_damaged_or_foreign_facts_file_is_not_used(cache: Path, catalogue: Path) -> None:
    listing("--plans", str(catalogue))
    (facts,) = cache.glob("*.facts.json")
    doc = json.loads(facts.read_text("utf-8"))
    for bad in ('{"stamp": 1', json.dumps({**doc, "stamp": {**doc["stamp"], "code": "other"}}),
                json.dumps({**doc, "plans": {k: [*v[:-1], 5] for k, v in doc["plans"].items()}})):
        facts.write_text(bad, "utf-8")
        assert load_plan_facts([catalogue], time.time_ns()) is None
    facts.write_text(json.dumps(doc), "utf-8")
    assert load_plan_facts([catalogue], time.time_ns()) is not None
    if hasattr(os, "getuid"):
        facts.chmod(0o666)
        assert load_plan_facts([catalogue], time.time_ns()) is None


def test_plans_list_on_a_warm_cache_imports_no_plan_model(cache: Path) -> None:
    code = ("import sys; from tariffcli.cli import main\n"
            "try:\n    main(['plans', 'list'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('pydantic', 'yaml', 'tariffcli.model.plan') if m in sys.modules), file=sys.stderr)")
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    for _ in range(2):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert done.stderr.strip().splitlines()[-1] == "[]"


def test_a_settled_file_is_known_by_its_signature(cache: Path, catalogue: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from tariffcli.inputs import files, plan_listing

    monkeypatch.setattr(plan_listing, "SETTLED_NS", -1)
    listing("--plans", str(catalogue))
    first = load_plan_facts([catalogue], time.time_ns())  # reads every file, keeps the signatures
    reads: list[str] = []
    real = files.read_text

    def counting(path: Path, display: str) -> str:
        reads.append(display)
        return real(path, display)

    monkeypatch.setattr(plan_listing, "read_text", counting)
    assert load_plan_facts([catalogue], time.time_ns()) == first and reads == []
    # the same size and modification time, other text: the change time gives it away
    plan = sorted(catalogue.rglob("*.yaml"))[0]
    st = plan.stat()
    text = plan.read_text("utf-8")
    assert text.endswith("\n")
    plan.write_text(text.replace("name: ", "name:  ", 1)[:-1], "utf-8")
    assert plan.stat().st_size == st.st_size
    os.utime(plan, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert load_plan_facts([catalogue], time.time_ns()) is None and reads
    code, out, _ = listing("--plans", str(catalogue), "--all")
    assert code == 0 and load_plan_facts([catalogue], time.time_ns()) is not None


def test_a_fresh_file_is_read_every_time(cache: Path, catalogue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tariffcli.inputs import plan_listing

    monkeypatch.setattr(plan_listing, "SETTLED_NS", 10**18)  # every file changed just now
    listing("--plans", str(catalogue))
    assert load_plan_facts([catalogue], time.time_ns()) is not None
    (facts,) = cache.glob("*.facts.json")
    assert json.loads(facts.read_text("utf-8"))["files"] == {}
