"""The catalogue cache: what a warm cache gives equals what parsing gives, and every change is seen.

Each test points ``$TARIFFCLI_CACHE_DIR`` at its own folder. A cache hit is observed by
counting the calls of ``parse_plan`` made through the cache (the in-process memo of
``parse_plan`` is cleared first).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import REPO

from tariffcli.inputs import catalogue_cache as cc
from tariffcli.inputs.catalogue import parse_plan
from tariffcli.inputs.files import MAX_PLAN_FILE_BYTES, catalogue_dir, load_plans
from tariffcli.inputs.yaml_located import MAX_BYTES
from tariffcli.model.errors import DataError

OK = REPO / "tests" / "bad_inputs" / "plans" / "ok" / "ok-plan.yaml"
BAD = REPO / "tests" / "bad_inputs" / "plans" / "near-miss.yaml"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv(cc.CACHE_DIR_ENV, str(folder))
    monkeypatch.delenv(cc.NO_CACHE_ENV, raising=False)
    return folder


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources parsed (not read from the cache) by every load that follows."""
    seen: list[str] = []

    def counting(text: str, source: str):  # type: ignore[no-untyped-def]
        seen.append(source)
        return parse_plan(text, source)

    parse_plan.cache_clear()
    monkeypatch.setattr(cc, "parse_plan", counting)
    return seen


def plan_folder(tmp_path: Path, n: int = 3) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    text = OK.read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"p{i}.yaml").write_text(text.replace("id: ok-plan", f"id: ok-plan-{i}"), encoding="utf-8")
    return folder


def cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("catalogue-*.bin"))


def test_the_bundled_catalogue_from_the_cache_equals_the_parsed_one(cache: Path, parses: list[str]) -> None:
    cold = load_plans()
    assert len(parses) == len(cold) and cache_files(cache)
    parses.clear()
    parse_plan.cache_clear()
    warm = load_plans()
    assert parses == []  # every plan came from the cache
    assert warm == cold
    assert [p.origin for p in warm] == [p.origin for p in cold]
    assert [p.model_dump() for p in warm] == [p.model_dump() for p in cold]


def test_plans_from_the_cache_come_with_their_terms(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The engine's integer terms of each plan are stored with it: a warm catalogue compiles without working
    them out again, and they equal the terms worked out afresh."""
    from tariffcli.model import terms

    load_plans()
    parse_plan.cache_clear()
    warm = load_plans()
    worked_out: list[object] = []
    with monkeypatch.context() as m:
        m.setattr(terms, "_terms", lambda plan: worked_out.append(plan))
        stored = [terms.plan_terms(p) for p in warm]
    assert worked_out == []
    assert stored == [terms._terms(p) for p in warm]


def test_an_edited_file_is_parsed_again(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    folder = plan_folder(tmp_path)
    load_plans([folder])
    target = folder / "p1.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("monthly_fee: 8.00", "monthly_fee: 9.50"),
                      encoding="utf-8")
    parses.clear()
    plans = {p.id: p for p in load_plans([folder])}
    assert parses == [str(target)]
    assert str(plans["ok-plan-1"].monthly_fee) == "9.50"
    assert str(plans["ok-plan-0"].monthly_fee) == "8.00"


def test_added_and_removed_files_are_seen(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    folder = plan_folder(tmp_path)
    load_plans([folder])
    (folder / "p3.yaml").write_text(OK.read_text(encoding="utf-8").replace("id: ok-plan", "id: ok-plan-3"),
                                    encoding="utf-8")
    (folder / "p0.yaml").unlink()
    parses.clear()
    assert [p.id for p in load_plans([folder])] == ["ok-plan-1", "ok-plan-2", "ok-plan-3"]
    assert parses == [str(folder / "p3.yaml")]
    entries = cc.decode(cache_files(cache)[0].read_bytes(), cc.package_version(), cc.loader_code())
    assert len(entries) == 3  # the removed file's entry was dropped


def test_problems_read_the_same_with_a_warm_cache(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    folder = plan_folder(tmp_path, 2)
    (folder / "bad.yaml").write_bytes(BAD.read_bytes())
    messages = []
    for _ in range(3):
        parse_plan.cache_clear()
        with pytest.raises(DataError) as err:
            load_plans([folder])
        messages.append([(p.file, p.line, p.field, p.message) for p in err.value.problems])
    assert messages[0] == messages[1] == messages[2]
    assert messages[0] and all(m[0] == str(folder / "bad.yaml") and m[1] for m in messages[0])
    assert parses.count(str(folder / "bad.yaml")) == 3  # a file with a problem is never a cache hit
    assert parses.count(str(folder / "p0.yaml")) == 1


def test_a_duplicate_id_is_reported_with_a_warm_cache(tmp_path: Path, cache: Path) -> None:
    folder = plan_folder(tmp_path, 2)
    load_plans([folder])
    (folder / "p9.yaml").write_text(OK.read_text(encoding="utf-8").replace("id: ok-plan", "id: ok-plan-0"),
                                    encoding="utf-8")
    with pytest.raises(DataError, match="ok-plan-0"):
        load_plans([folder])


@pytest.mark.parametrize("damage", [b"", b"garbage", b"tariffcli-catalogue-cache\n{}\n", "truncate", "flip"])
def test_a_damaged_cache_falls_back_to_parsing(tmp_path: Path, cache: Path, parses: list[str],
                                               damage: bytes | str) -> None:
    folder = plan_folder(tmp_path)
    expected = load_plans([folder])
    [path] = cache_files(cache)
    data = path.read_bytes()
    if damage == "truncate":
        path.write_bytes(data[: len(data) * 2 // 3])
    elif damage == "flip":
        path.write_bytes(data[:-40] + bytes(b ^ 0x5A for b in data[-40:]))
    else:
        assert isinstance(damage, bytes)
        path.write_bytes(damage)
    parses.clear()
    assert load_plans([folder]) == expected
    assert len(parses) == 3
    parses.clear()
    assert load_plans([folder]) == expected  # and the cache was written again
    assert parses == []


def test_a_cache_of_another_loader_is_not_used(tmp_path: Path, cache: Path, parses: list[str]) -> None:
    folder = plan_folder(tmp_path)
    load_plans([folder])
    [path] = cache_files(cache)
    plans = cc.decode(path.read_bytes(), cc.package_version(), cc.loader_code())
    path.write_bytes(cc.encode(plans, cc.package_version(), cc.loader_code() + "-changed"))
    with pytest.raises(cc.CacheMiss):
        cc.decode(path.read_bytes(), cc.package_version(), cc.loader_code())
    with pytest.raises(cc.CacheMiss):
        cc.decode(cc.encode(plans, "0.0.0-other", cc.loader_code()), cc.package_version(), cc.loader_code())
    parses.clear()
    load_plans([folder])
    assert len(parses) == 3


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_a_cache_file_others_could_write_is_ignored(tmp_path: Path, cache: Path) -> None:
    folder = plan_folder(tmp_path, 1)
    [plan] = load_plans([folder])
    [path] = cache_files(cache)
    [key] = cc.decode(path.read_bytes(), cc.package_version(), cc.loader_code())
    forged = plan.model_copy(update={"name": "forged"})
    path.write_bytes(cc.encode({key: (forged, None)}, cc.package_version(), cc.loader_code()))
    os.chmod(path, 0o600)
    parse_plan.cache_clear()
    assert load_plans([folder])[0].name == "forged"  # the cache is really read...
    os.chmod(path, 0o666)
    parse_plan.cache_clear()
    assert load_plans([folder])[0].name == plan.name  # ...but not when anyone could have written it


def test_no_cache_when_turned_off(tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(cc.NO_CACHE_ENV, "1")
    load_plans([plan_folder(tmp_path)])
    assert not cache.exists()


def test_an_unwritable_cache_folder_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv(cc.CACHE_DIR_ENV, str(blocker / "cache"))
    monkeypatch.delenv(cc.NO_CACHE_ENV, raising=False)
    assert [p.id for p in load_plans([plan_folder(tmp_path)])] == ["ok-plan-0", "ok-plan-1", "ok-plan-2"]


def test_the_user_cache_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(cc.CACHE_DIR_ENV, raising=False)
    monkeypatch.delenv(cc.NO_CACHE_ENV, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    if sys.platform not in ("win32", "darwin"):
        assert cc.cache_dir() == tmp_path / "tariffcli"
    monkeypatch.setenv(cc.NO_CACHE_ENV, "0")
    assert cc.cache_dir() is not None
    monkeypatch.setenv(cc.NO_CACHE_ENV, "yes")
    assert cc.cache_dir() is None


def test_concurrent_writers_leave_a_whole_cache(tmp_path: Path, cache: Path) -> None:
    """Many threads write different caches of the same inputs at once: the file left is one of them, whole."""
    folder = plan_folder(tmp_path, 4)
    plans = load_plans([folder])
    writers = []
    for i in range(8):
        c = cc.CatalogueCache.open([folder])
        assert c is not None
        c.used = {f"key-{i}-{k}": (p, None) for k, p in enumerate(plans[: 1 + i % 4])}
        writers.append(c)
    threads = [threading.Thread(target=c.save) for c in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    [path] = cache_files(cache)
    entries = cc.decode(path.read_bytes(), cc.package_version(), cc.loader_code())
    assert any(entries.keys() == w.used.keys() for w in writers)
    assert all(e[0] == w.used[k][0] for w in writers if w.used.keys() == entries.keys() for k, e in entries.items())
    assert not list(cache.glob(".catalogue-*.tmp"))  # no temporary file left behind


def test_concurrent_processes_agree(tmp_path: Path, cache: Path) -> None:
    folder = plan_folder(tmp_path, 6)
    code = ("import sys; from pathlib import Path; from tariffcli.inputs.files import load_plans; "
            "print(','.join(p.id + ':' + str(p.monthly_fee) for p in load_plans([Path(sys.argv[1])])))")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    procs = [subprocess.Popen([sys.executable, "-c", code, str(folder)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
    assert len({o[0] for o in outs}) == 1
    [path] = cache_files(cache)
    assert len(cc.decode(path.read_bytes(), cc.package_version(), cc.loader_code())) == 6


def test_the_plan_file_bound_is_the_yaml_readers() -> None:
    assert MAX_PLAN_FILE_BYTES == MAX_BYTES


def test_each_set_of_inputs_has_its_own_cache_file(tmp_path: Path, cache: Path) -> None:
    load_plans([plan_folder(tmp_path, 1)])
    load_plans([catalogue_dir()])
    assert len(cache_files(cache)) == 2
