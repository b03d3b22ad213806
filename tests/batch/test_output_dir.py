"""``batch --out DIR/``: Parquet parts written by the Dask workers (or one per chunk locally), all or nothing.

Reading DIR back with ``pyarrow.parquet.read_table`` gives the single-file output's rows.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_batch import START, run
from test_dask_parts import _extract

from tariffcli.batch.outdir import OutputDir

COMMON = ["--start", START, "--top", "2", "-q", "-f", "json"]


def _rows(path: Path) -> list[dict[str, object]]:
    return pq.read_table(path).sort_by("subscriber").to_pylist()


def _single(src: Path, tmp_path: Path) -> tuple[list[dict[str, object]], dict[str, object]]:
    res = run("batch", str(src), *COMMON, "--out", str(tmp_path / "single.parquet"))
    assert res.exit_code == 0, res.stderr
    doc = json.loads(res.stdout)
    doc.pop("output")
    return _rows(tmp_path / "single.parquet"), doc


def _parts(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_dask_workers_write_parts_that_read_back_as_the_single_file(tmp_path):
    from tariffcli.batch.dask_cluster import local_cluster

    grouped, table = _extract(tmp_path, 60, seed=5, row_group=7)
    apart = tmp_path / "apart"
    apart.mkdir()
    pq.write_table(table.sort_by("month"), apart / "a.parquet", row_group_size=40)
    want, doc = _single(grouped, tmp_path)
    assert len(want) == 60
    with local_cluster(2) as cluster:
        for src in (grouped, apart):  # no shuffle (workers read row groups), and shuffled
            out = tmp_path / f"parts-{src.name}"
            res = run("batch", str(src), *COMMON, "--engine", "dask", "--scheduler", cluster.scheduler_address,
                      "--out", f"{out}/")
            assert res.exit_code == 0, res.stderr
            names = _parts(out)
            assert len(names) > 1 and names == [f"part-{k:05d}.parquet" for k in range(len(names))]
            assert _rows(out) == want
            got = json.loads(res.stdout)
            got.pop("output")
            assert got == doc
        bad = tmp_path / "bad.csv"  # a bad row on one worker: the other workers' parts are removed too
        bad.write_text("subscriber,month,voice_min,sms,data_mb\n" + "".join(
            f"s{k},2026-01,{'x' if k == 37 else k},1,100\n" for k in range(60)))
        res = run("batch", str(bad), *COMMON, "--engine", "dask", "--scheduler", cluster.scheduler_address,
                  "--out", f"{tmp_path / 'parts-bad'}/")
        assert res.exit_code == 1
        assert not (tmp_path / "parts-bad").exists()


def test_local_engine_writes_one_part_per_chunk(tmp_path):
    src, _ = _extract(tmp_path, 40, seed=8, row_group=5)
    want, _ = _single(src, tmp_path)
    out = tmp_path / "parts"
    out.mkdir()  # an existing empty directory is taken, with or without the slash
    res = run("batch", str(src), *COMMON, "--chunk-rows", "1000", "--out", str(out))
    assert res.exit_code == 0, res.stderr
    assert _parts(out)[0] == "part-00000.parquet"
    assert _rows(out) == want


def test_a_non_empty_or_input_directory_is_refused_and_left_alone(tmp_path):
    src, _ = _extract(tmp_path, 10, seed=2, row_group=5)
    out = tmp_path / "taken"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    res = run("batch", str(src), *COMMON, "--out", f"{out}/")
    assert res.exit_code == 2 and "not empty" in res.stderr
    assert _parts(out) == ["notes.txt"]
    res = run("batch", str(src), *COMMON, "--out", f"{src}/")
    assert res.exit_code == 2 and "holds the input" in res.stderr
    res = run("batch", str(src), *COMMON, "--out", f"{tmp_path / 'no' / 'such'}/")
    assert res.exit_code == 2 and "no such directory" in res.stderr
    res = run("batch", str(src), *COMMON, "--out", f"{tmp_path / 'best.csv'}/")  # parts are Parquet only
    assert res.exit_code == 2 and "Parquet parts" in res.stderr
    assert not (tmp_path / "best.csv").exists()


def test_bad_input_leaves_no_parts_and_no_new_directory(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_text("subscriber,month,voice_min,sms,data_mb\na,2026-01,10,1,100\nb,2026-01,x,1,100\n")
    out = tmp_path / "new"
    res = run("batch", str(src), *COMMON, "--out", f"{out}/")
    assert res.exit_code == 1
    assert not out.exists()
    out.mkdir()  # a directory that was there stays, empty
    res = run("batch", str(src), *COMMON, "--out", str(out))
    assert res.exit_code == 1
    assert _parts(out) == []


def test_abort_removes_written_and_temporary_parts(tmp_path):
    out = tmp_path / "d"
    empty = pa.table({"subscriber": pa.array([], pa.string())})
    sink = OutputDir(out, 1, (), empty)
    sink.write(pa.table({"subscriber": ["a"]}))
    sink.reserve(3)
    Path(sink.writer.temp(2)).write_bytes(b"half")  # a worker's part, not yet reported
    sink.abort()
    assert not out.exists()


@pytest.mark.parametrize("existing", [False, True])
def test_no_rows_gives_one_empty_part_with_the_columns(tmp_path, existing):
    out = tmp_path / "d"
    if existing:
        out.mkdir()
    sink = OutputDir(out, 1, (), pa.table({"subscriber": pa.array([], pa.string())}))
    sink.commit()
    assert _parts(out) == ["part-00000.parquet"]
    assert pq.read_table(out).column_names == ["subscriber"]
