"""The catalogue cache's signature index: a warm load knows an unchanged plan file by its signature (device,
inode, size, mtime_ns, ctime_ns) without reading it, and every change is still seen.

A signature is kept only for a file last changed :data:`SETTLED_NS` before the cache folder's last write by an
earlier run; the tests let time pass by moving the cache files' times forward (:func:`later`), never by waiting.
Reads are observed by counting the calls of ``read_text``; parses as in ``test_catalogue_cache``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import REPO

from tariffcli.inputs import catalogue_cache as cc
from tariffcli.inputs import files
from tariffcli.inputs.catalogue import parse_plan
from tariffcli.inputs.files import load_plans

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
    seen: list[str] = []

    def counting(text: str, source: str):  # type: ignore[no-untyped-def]
        seen.append(source)
        return parse_plan(text, source)

    parse_plan.cache_clear()
    monkeypatch.setattr(cc, "parse_plan", counting)
    return seen


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The plan files read (their text) by every load that follows."""
    seen: list[str] = []
    real = files.read_text

    def counting(path: Path, display: str) -> str:
        seen.append(display)
        return real(path, display)

    monkeypatch.setattr(files, "read_text", counting)
    return seen


def plan_folder(tmp_path: Path, n: int = 3) -> Path:
    folder = tmp_path / "plans"
    folder.mkdir()
    text = OK.read_text(encoding="utf-8")
    for i in range(n):
        (folder / f"p{i}.yaml").write_text(text.replace("id: ok-plan", f"id: ok-plan-{i}"), encoding="utf-8")
    return folder


def later(cache: Path, seconds: float = 10) -> None:
    """Time passes: the cache folder's files look written ``seconds`` from now, so every plan file has settled."""
    ns = time.time_ns() + int(seconds * 1e9)
    for f in cache.glob("catalogue-*"):
        os.utime(f, ns=(ns, ns))


def index(cache: Path) -> dict[str, list[object]]:
    [path] = cache.glob("catalogue-*.files.json")
    doc = json.loads(path.read_bytes())
    assert doc["schema"] == cc.INDEX_SCHEMA
    files_: dict[str, list[object]] = doc["files"]
    return files_


def warm(folder: Path, cache: Path) -> None:
    """Load twice, time passing in between: the index then knows every file."""
    load_plans([folder])
    later(cache)
    load_plans([folder])
    assert len(index(cache)) == len(list(folder.glob("*.yaml")))


def test_a_warm_load_reads_no_file(tmp_path: Path, cache: Path, parses: list[str], reads: list[str]) -> None:
    folder = plan_folder(tmp_path)
    cold = load_plans([folder])
    warm(folder, cache)
    parses.clear()
    reads.clear()
    parse_plan.cache_clear()
    again = load_plans([folder])
    assert reads == [] and parses == []
    assert again == cold
    assert [p.origin for p in again] == [p.origin for p in cold]
    assert [p.model_dump() for p in again] == [p.model_dump() for p in cold]


def test_files_just_written_are_read_every_time(tmp_path: Path, cache: Path, parses: list[str],
                                                reads: list[str]) -> None:
    """Without time passing, no signature is kept (a write in the same clock tick could go unseen): every load
    reads every file, and the plans still come from the cache."""
    folder = plan_folder(tmp_path)
    for _ in range(3):
        load_plans([folder])
    assert index(cache) == {}
    assert len(reads) == 9 and len(parses) == 3


def test_an_edit_of_the_same_size_and_time_is_seen(tmp_path: Path, cache: Path, parses: list[str],
                                                   reads: list[str]) -> None:
    folder = plan_folder(tmp_path)
    warm(folder, cache)
    target = folder / "p1.yaml"
    before = target.stat()
    time.sleep(0.05)  # past the tick of the file's last change: what the settling rule makes sure of
    text = target.read_text(encoding="utf-8")
    edited = text.replace("monthly_fee: 8.00", "monthly_fee: 9.50")
    assert edited != text and len(edited) == len(text)
    target.write_text(edited, encoding="utf-8")
    os.utime(target, ns=(before.st_atime_ns, before.st_mtime_ns))  # an editor keeping the time: ctime still moves
    assert target.stat().st_size == before.st_size and target.stat().st_mtime_ns == before.st_mtime_ns
    parses.clear()
    reads.clear()
    plans = {p.id: p for p in load_plans([folder])}
    assert reads == [str(target)] and parses == [str(target)]
    assert str(plans["ok-plan-1"].monthly_fee) == "9.50"
    assert str(plans["ok-plan-0"].monthly_fee) == "8.00"


def test_a_file_replaced_by_another_is_seen(tmp_path: Path, cache: Path, parses: list[str],
                                            reads: list[str]) -> None:
    """A file renamed over another (a new inode), same size and time: read again."""
    folder = plan_folder(tmp_path)
    warm(folder, cache)
    target = folder / "p2.yaml"
    before = target.stat()
    other = tmp_path / "new.yaml"
    other.write_text(target.read_text(encoding="utf-8").replace("monthly_fee: 8.00", "monthly_fee: 7.25"),
                     encoding="utf-8")
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, target)
    parses.clear()
    reads.clear()
    plans = {p.id: p for p in load_plans([folder])}
    assert reads == [str(target)] and parses == [str(target)]
    assert str(plans["ok-plan-2"].monthly_fee) == "7.25"


def test_added_and_removed_files_are_seen(tmp_path: Path, cache: Path, parses: list[str], reads: list[str]) -> None:
    folder = plan_folder(tmp_path)
    warm(folder, cache)
    (folder / "p3.yaml").write_text(OK.read_text(encoding="utf-8").replace("id: ok-plan", "id: ok-plan-3"),
                                    encoding="utf-8")
    (folder / "p0.yaml").unlink()
    parses.clear()
    reads.clear()
    assert [p.id for p in load_plans([folder])] == ["ok-plan-1", "ok-plan-2", "ok-plan-3"]
    assert reads == parses == [str(folder / "p3.yaml")]
    assert sorted(index(cache)) == [str(folder / f"p{i}.yaml") for i in (1, 2, 3)]  # the removed file's dropped
    reads.clear()
    load_plans([folder])
    assert reads == []


def test_a_broken_file_is_read_and_reported_every_time(tmp_path: Path, cache: Path, parses: list[str],
                                                       reads: list[str]) -> None:
    from tariffcli.model.errors import DataError

    folder = plan_folder(tmp_path, 2)
    (folder / "bad.yaml").write_bytes(BAD.read_bytes())
    messages = []
    for _ in range(3):
        later(cache)
        parse_plan.cache_clear()
        with pytest.raises(DataError) as err:
            load_plans([folder])
        messages.append([(p.file, p.line, p.field, p.message) for p in err.value.problems])
    assert messages[0] == messages[1] == messages[2] and messages[0]
    assert reads.count(str(folder / "bad.yaml")) == parses.count(str(folder / "bad.yaml")) == 3
    assert str(folder / "bad.yaml") not in index(cache)


def test_a_plan_the_cache_lost_is_read_again(tmp_path: Path, cache: Path, parses: list[str],
                                            reads: list[str]) -> None:
    """The index names a key the plans' cache no longer holds (another run wrote it): the file is read."""
    folder = plan_folder(tmp_path)
    warm(folder, cache)
    [path] = cache.glob("catalogue-*.bin")
    entries = cc.decode(path.read_bytes(), cc.package_version(), cc.loader_code())
    lost = index(cache)[str(folder / "p0.yaml")][6]
    del entries[lost]  # type: ignore[arg-type]
    path.write_bytes(cc.encode(entries, cc.package_version(), cc.loader_code()))
    os.chmod(path, 0o600)
    parses.clear()
    reads.clear()
    assert [p.id for p in load_plans([folder])] == ["ok-plan-0", "ok-plan-1", "ok-plan-2"]
    assert reads == parses == [str(folder / "p0.yaml")]


@pytest.mark.parametrize("damage", [b"", b"garbage", b'{"schema": 1, "files": []}',
                                    b'{"schema": 1, "files": {"x": 1}}', "wrong entries", "other schema"])
def test_a_damaged_index_falls_back_to_reading(tmp_path: Path, cache: Path, parses: list[str], reads: list[str],
                                               damage: bytes | str) -> None:
    folder = plan_folder(tmp_path)
    expected = load_plans([folder])
    warm(folder, cache)
    [path] = cache.glob("catalogue-*.files.json")
    if damage == "wrong entries":
        doc = json.loads(path.read_bytes())
        doc["files"] = {k: [*v[:5], "12", 3] for k, v in doc["files"].items()}
        path.write_text(json.dumps(doc), encoding="ascii")
    elif damage == "other schema":
        doc = json.loads(path.read_bytes())
        doc["schema"] = cc.INDEX_SCHEMA + 1
        path.write_text(json.dumps(doc), encoding="ascii")
    else:
        assert isinstance(damage, bytes)
        path.write_bytes(damage)
    os.chmod(path, 0o600)
    reads.clear()
    parses.clear()
    assert load_plans([folder]) == expected
    assert len(reads) == 3 and parses == []  # the plans still come from the cache


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX permissions")
def test_an_index_others_could_write_is_ignored(tmp_path: Path, cache: Path, reads: list[str]) -> None:
    folder = plan_folder(tmp_path)
    warm(folder, cache)
    [path] = cache.glob("catalogue-*.files.json")
    os.chmod(path, 0o666)
    reads.clear()
    load_plans([folder])
    assert len(reads) == 3


def test_concurrent_loads_agree(tmp_path: Path, cache: Path) -> None:
    """Threads loading at once, some after an edit: each sees the files as they are; the index left is whole,
    and no temporary file is left behind."""
    folder = plan_folder(tmp_path, 4)
    warm(folder, cache)
    target = folder / "p3.yaml"
    time.sleep(0.05)
    target.write_text(target.read_text(encoding="utf-8").replace("monthly_fee: 8.00", "monthly_fee: 6.00"),
                      encoding="utf-8")
    later(cache)
    results: list[list[str]] = []

    def run() -> None:
        results.append([f"{p.id}:{p.monthly_fee}" for p in load_plans([folder])])

    threads = [threading.Thread(target=run) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and all(r == results[0] for r in results)
    assert "ok-plan-3:6.00" in results[0]
    assert len(index(cache)) == 4
    assert not list(cache.glob(".catalogue-*.tmp"))


def test_concurrent_processes_agree_after_an_edit(tmp_path: Path, cache: Path) -> None:
    folder = plan_folder(tmp_path, 6)
    warm(folder, cache)
    target = folder / "p5.yaml"
    time.sleep(0.05)
    target.write_text(target.read_text(encoding="utf-8").replace("monthly_fee: 8.00", "monthly_fee: 5.50"),
                      encoding="utf-8")
    later(cache)
    code = ("import sys; from pathlib import Path; from tariffcli.inputs.files import load_plans; "
            "print(','.join(p.id + ':' + str(p.monthly_fee) for p in load_plans([Path(sys.argv[1])])))")
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for _ in range(2):
        procs = [subprocess.Popen([sys.executable, "-c", code, str(folder)], env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True) for _ in range(4)]
        outs = [p.communicate(timeout=120) for p in procs]
        assert all(p.returncode == 0 for p in procs), [o[1] for o in outs]
        assert len({o[0] for o in outs}) == 1 and "ok-plan-5:5.50" in outs[0][0]
    assert len(index(cache)) == 6


# ---------------------------------------------------------------- equal parts of plans, written once


def test_equal_parts_of_plans_are_one_object_in_a_warm_load(tmp_path: Path, cache: Path) -> None:
    folder = plan_folder(tmp_path)
    cold = load_plans([folder])
    parse_plan.cache_clear()
    warm = load_plans([folder])
    assert warm == cold
    assert [p.model_dump() for p in warm] == [p.model_dump() for p in cold]
    assert [p.origin for p in warm] == [p.origin for p in cold]
    assert cold[0].overage is not cold[1].overage
    assert warm[0].overage is warm[1].overage is warm[2].overage
    assert warm[0].sources[0] is warm[1].sources[0]
    assert warm[0] is not warm[1] and warm[0].id != warm[1].id


def test_parts_written_differently_stay_apart(tmp_path: Path, cache: Path) -> None:
    """A rate of 0.10 and one of 0.1 are equal, but each plan gets back the one its file gave."""
    folder = plan_folder(tmp_path, 2)
    target = folder / "p1.yaml"
    target.write_text(target.read_text(encoding="utf-8").replace("sms: {rate: 0.10}", "sms: {rate: 0.1}"),
                      encoding="utf-8")
    cold = load_plans([folder])
    parse_plan.cache_clear()
    warm = load_plans([folder])
    assert [str(p.overage.sms.rate) for p in warm] == [str(p.overage.sms.rate) for p in cold] == ["0.10", "0.1"]
    assert warm[0].overage is not warm[1].overage
    assert warm[0].overage.voice is warm[1].overage.voice  # the parts that are the same are still shared
    assert [p.model_dump() for p in warm] == [p.model_dump() for p in cold]


def test_shared_parts_copy_the_plans(tmp_path: Path, cache: Path) -> None:
    """Sharing parts never changes the plans given: it works on copies."""
    plans = load_plans([plan_folder(tmp_path)])
    entries = {str(i): (p, None) for i, p in enumerate(plans)}
    shared = cc.shared_parts(entries)
    assert [e[0] for e in shared.values()] == list(plans)
    assert all(a is not b[0] for a, b in zip(plans, shared.values(), strict=True))
    assert plans[0].overage is not plans[1].overage


def test_no_signatures_where_ctime_is_not_the_last_change(tmp_path: Path, cache: Path, parses: list[str],
                                                          reads: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Where a file's ctime is when it was made (Windows), no file is known by its signature."""
    folder = plan_folder(tmp_path)
    warm(folder, cache)
    monkeypatch.setattr(cc, "SIGNATURES", False)
    reads.clear()
    parses.clear()
    for _ in range(2):
        later(cache)
        load_plans([folder])
    assert len(reads) == 6 and parses == []  # read every time; the plans still come from the cache
