"""The Dask engine's no-shuffle path: runs of row groups read by each worker give the local engine's rows.

The partition logic is tested in this process (each part analysed in turn, as a
worker would); one test runs it on a loopback cluster, grouped and not grouped.
"""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from test_batch import CATALOGUE, START, _random_subscribers, run

from tariffcli.batch import files as batch_io
from tariffcli.batch.analyser import Analyser
from tariffcli.batch.dask_parts import analyse_part, plan_parts, repeated_keys
from tariffcli.batch.local import run_local
from tariffcli.batch.summary import Summary
from tariffcli.model.errors import DataError

COLUMNS = ["subscriber", "month", "voice_min", "sms", "data_kb", "app_data_kb", "data_days", "current_plan",
           "current_since"]


def _extract(tmp_path: Path, n: int, seed: int, row_group: int, files: int = 2) -> tuple[Path, pa.Table]:
    table, _ = _random_subscribers(n, seed=seed)
    table = table.rename_columns(COLUMNS)
    src = tmp_path / "extract"
    src.mkdir()
    cut = [table.num_rows * i // files for i in range(files + 1)]
    for i in range(files):
        pq.write_table(table.slice(cut[i], cut[i + 1] - cut[i]), src / f"part-{i}.parquet", row_group_size=row_group)
    return src, table


def _local(src: Path, analyser: Analyser) -> tuple[pa.Table, Summary]:
    spec = batch_io.open_input(str(src / "*.parquet"))
    tables: list[pa.Table] = []
    summary = run_local(batch_io.ChunkReader(spec, 1_000), analyser, tables.append)
    return pa.concat_tables(tables), summary


@pytest.mark.parametrize(("row_group", "wanted"), [(3, 4), (7, 50), (1000, 3), (2, 1)])
def test_parts_of_row_groups_give_the_local_engines_rows_in_order(tmp_path, row_group, wanted):
    src, _ = _extract(tmp_path, 40, seed=12, row_group=row_group)  # subscribers of 1-19 rows straddle groups
    analyser = Analyser(CATALOGUE, start=START, top=2, data_unit="KB", app_data_unit="KB")
    want, want_summary = _local(src, analyser)
    spec = batch_io.open_input(str(src / "*.parquet"))
    parts = plan_parts(spec, wanted)
    assert len(parts) >= min(wanted, 2)
    results = [analyse_part(p, analyser) for p in parts]
    assert not repeated_keys([head.keys for head, _ in results])
    got = pa.concat_tables([table for _, table in results])
    assert got.to_pylist() == want.to_pylist()
    summary = Summary()
    for head, _ in results:
        summary.merge(head.summary)
    assert summary.report(analyser) == want_summary.report(analyser)


def test_rows_not_grouped_by_subscriber_show_as_repeated_keys(tmp_path):
    table, _ = _random_subscribers(30, seed=4)
    table = table.rename_columns(COLUMNS)
    src = tmp_path / "extract"
    src.mkdir()
    pq.write_table(pa.concat_tables([table.slice(40), table.slice(0, 40)]).sort_by("month"), src / "a.parquet",
                   row_group_size=20)
    analyser = Analyser(CATALOGUE, start=START, data_unit="KB", app_data_unit="KB")
    results = [analyse_part(p, analyser) for p in plan_parts(batch_io.open_input(str(src / "*.parquet")), 4)]
    assert repeated_keys([head.keys for head, _ in results])


def test_a_bad_cell_in_a_part_names_the_file_and_row(tmp_path):
    src, table = _extract(tmp_path, 20, seed=5, row_group=4, files=1)
    bad = table.set_column(3, "sms", pa.array([5] * 9 + [-1] + [5] * (table.num_rows - 10), pa.int64()))
    pq.write_table(bad, src / "part-0.parquet", row_group_size=4)
    analyser = Analyser(CATALOGUE, start=START, data_unit="KB", app_data_unit="KB")
    messages = []
    for p in plan_parts(batch_io.open_input(str(src / "*.parquet")), 3):
        try:
            analyse_part(p, analyser)
        except DataError as exc:
            messages += [(str(q.file), q.message) for q in exc.problems]
    assert messages == [(str((src / "part-0.parquet").resolve()), "row 10: sms: -1 is negative")]


def test_dask_engine_grouped_and_not_grouped_equal_the_local_engine(tmp_path):
    from tariffcli.batch.dask_cluster import local_cluster

    grouped, table = _extract(tmp_path, 50, seed=21, row_group=9)
    apart = tmp_path / "apart"
    apart.mkdir()
    pq.write_table(table.sort_by("month"), apart / "a.parquet", row_group_size=30)
    common = ["--start", START, "--top", "2", "-q", "-f", "json"]
    local = run("batch", str(grouped), *common, "--out", str(tmp_path / "local.parquet"))
    assert local.exit_code == 0, local.stderr
    a = pq.read_table(tmp_path / "local.parquet").sort_by("subscriber")
    da = json.loads(local.stdout)
    da.pop("output")
    with local_cluster(2) as cluster:
        for src in (grouped, apart):  # the local engine refuses 'apart': the Dask engine shuffles it
            remote = run("batch", str(src), *common, "--engine", "dask", "--scheduler", cluster.scheduler_address,
                         "--out", str(tmp_path / f"dask-{src.name}.parquet"))
            assert remote.exit_code == 0, remote.stderr
            b = pq.read_table(tmp_path / f"dask-{src.name}.parquet").sort_by("subscriber")
            assert a.num_rows == 50 and a.to_pylist() == b.to_pylist()
            db = json.loads(remote.stdout)
            db.pop("output")
            assert da == db
