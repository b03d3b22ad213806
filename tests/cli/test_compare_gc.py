"""``compare`` pauses the cyclic garbage collector while it ranks (its objects live to the end of the run), keeps
it on while the catalogue loads (parsing plan files leaves cycles), and leaves it as it found it."""

from __future__ import annotations

import gc
import threading
import weakref
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffcli.cli import options
from tariffcli.cli.app import app
from tariffcli.cli.compare import without_gc

SAMPLE = Path(__file__).resolve().parents[2] / "sample_bills" / "keep-number-abroad.csv"


def run_compare(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> tuple[int, list[bool]]:
    seen: list[bool] = []
    real = options.CatalogueChoice.load

    def load(self: options.CatalogueChoice):  # type: ignore[no-untyped-def]
        seen.append(gc.isenabled())
        return real(self)

    monkeypatch.setattr(options.CatalogueChoice, "load", load)
    env = {"TARIFFCLI_CACHE_DIR": str(tmp_path / "cache"), "TARIFFCLI_TODAY": "2026-12-01"}
    result = CliRunner().invoke(app, ["compare", str(SAMPLE), "--top", "3"], env=env, catch_exceptions=False)
    return result.exit_code, seen


def test_the_collector_is_on_while_loading_and_as_it_was_after(monkeypatch: pytest.MonkeyPatch,
                                                                tmp_path: Path) -> None:
    assert gc.isenabled()
    code, seen = run_compare(monkeypatch, tmp_path)
    assert code == 0 and seen == [True]
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_a_collector_paused_by_the_caller_stays_paused(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    gc.disable()
    try:
        code, seen = run_compare(monkeypatch, tmp_path)
        assert code == 0 and seen == [False]  # the caller's choice holds, while loading too
        assert not gc.isenabled() and gc.get_freeze_count() == 0
    finally:
        gc.enable()


def test_the_collector_comes_back_after_an_error() -> None:
    states: list[bool] = []

    def body() -> None:
        states.append(gc.isenabled())
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        without_gc(body)()
    assert states == [False] and gc.isenabled()


def test_garbage_made_while_paused_is_still_collected_later() -> None:
    class Node:
        other: object = None

    gone: list[weakref.ref[Node]] = []

    def body() -> None:
        a, b = Node(), Node()
        a.other, b.other = b, a
        gone.append(weakref.ref(a))
        del a, b
        assert gone[0]() is not None  # paused: the cycle is still there

    without_gc(body)()
    assert gc.isenabled()
    gc.collect()
    assert gone[0]() is None  # now in the oldest generation, it goes at the next full collection


def test_runs_in_threads_share_one_pause() -> None:
    """Two runs overlapping in two threads: the collector stays paused until the last one ends, then is on."""
    first_in, second_done = threading.Event(), threading.Event()
    states: list[bool] = []

    def first() -> None:
        first_in.set()
        second_done.wait(10)
        states.append(gc.isenabled())

    def second() -> None:
        first_in.wait(10)
        states.append(gc.isenabled())

    t = threading.Thread(target=without_gc(first))
    t.start()
    without_gc(second)()
    assert not gc.isenabled()  # the first run still holds the pause
    second_done.set()
    t.join(10)
    assert states == [False, False] and gc.isenabled()
