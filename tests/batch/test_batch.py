"""Batch analysis: the same numbers as ``compare``, whatever the chunking or the engine.

Inputs are written to ``tmp_path`` as CSV or Parquet; amounts are integer fen in
the core and decimals in files. The Dask test starts a LocalCluster on loopback
and checks its output equals the local engine's, row for row.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from conftest import FIXTURE_CATALOGUE, GB, MB, examples, make_history, make_plan
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import DATA_KB, first_months, plan_dicts
from typer.testing import CliRunner

from tariffcli.batch.analyser import Analyser
from tariffcli.batch.chunks import Chunk
from tariffcli.batch.columns import resolve_columns
from tariffcli.batch.local import run_local
from tariffcli.batch.projection import project
from tariffcli.cli.app import app
from tariffcli.compare.ranking import compare, project_usage
from tariffcli.engine import Usage, UsageMatrix, compile_plans, simulate, simulate_totals
from tariffcli.engine.kernels import simulate_totals_stopped
from tariffcli.inputs.files import load_plans
from tariffcli.inputs.usage import UsageHistory
from tariffcli.model.errors import DataError
from tariffcli.model.months import add_months, days_in, month_range, parse_month
from tariffcli.model.provinces import is_nationwide

CATALOGUE = load_plans()
START = "2027-01"
FROZEN = ("--plans", str(FIXTURE_CATALOGUE))
"""The command tests below check formats and sums against figures worked on the frozen test catalogue."""


def run(*args: str) -> object:
    base = {"NO_COLOR": "1", "COLUMNS": "120", "LANG": "C", "LC_ALL": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=base, catch_exceptions=False)


def month_index(m: str) -> int:
    y, mo = parse_month(m)
    return y * 12 + mo - 1


def write_csv(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SMALL = """subscriber,month,voice_min,sms,data_mb,current_plan
a,2026-01,10,1,100,cmcc-8yuan-shenzhen-voice
a,2026-02,20.5,2,200,cmcc-8yuan-shenzhen-voice
b,2026-01,300,3,3000,
b,2026-02,200,4,5000,
b,2026-03,100,5,20000,telecom-5g-changxiang-129
c,2026-03,0,0,0,
"""


# ---------------------------------------------------------------- one code path with compare


def _random_subscribers(n: int, seed: int) -> tuple[pa.Table, dict[str, tuple[UsageHistory, str | None, str | None]]]:
    """``n`` subscribers with random histories (KB columns), current plans and start months."""
    rng = np.random.default_rng(seed)
    ids = [p.id for p in CATALOGUE]
    cols: dict[str, list] = {k: [] for k in ("subscriber", "month", "voice_min", "sms", "data_kb", "app_data_kb",
                                             "data_days", "current_plan", "current_since")}
    people = {}
    for s in range(n):
        k = int(rng.integers(1, 20))
        months = month_range(add_months("2024-01", int(rng.integers(0, 24))), k)
        voice = rng.integers(0, 1500, k).tolist()
        sms = rng.integers(0, 200, k).tolist()
        data = (rng.integers(0, 40 * GB, k) * (rng.random(k) < 0.9)).tolist()
        app = (rng.integers(0, 5 * GB, k) * (rng.random(k) < 0.3)).tolist()
        days: list[int | None] = [int(rng.integers(1, 29)) if rng.random() < 0.6 else None for _ in range(k)]
        current = str(rng.choice(ids)) if rng.random() < 0.7 else None
        since = add_months(START, -int(rng.integers(0, 30))) if current and rng.random() < 0.6 else None
        name = f"s{s:03d}"
        history = UsageHistory.from_rows(list(months), voice, sms, data, app_data_kb=app, data_days=days)
        people[name] = (history, current, since)
        for i, m in enumerate(months):
            cols["subscriber"].append(name)
            cols["month"].append(m)
            cols["voice_min"].append(voice[i])
            cols["sms"].append(sms[i])
            cols["data_kb"].append(data[i])
            cols["app_data_kb"].append(app[i])
            cols["data_days"].append(days[i])
            cols["current_plan"].append(current if i == k - 1 else None)  # given on the latest row only
            cols["current_since"].append(since if i == k - 1 else None)
    table = pa.table(cols)
    names = resolve_columns(table.column_names, "<test>").renames()
    return table.rename_columns([names[c] for c in table.column_names]), people


def test_a_subscribers_batch_result_equals_compare():
    table, people = _random_subscribers(30, seed=3)
    horizon = 13
    out = Analyser(CATALOGUE, start=START, horizon=horizon, top=3, data_unit="KB", app_data_unit="KB").analyse(table)
    rows = {r["subscriber"]: r for r in out.to_pylist()}
    assert list(rows) == list(people)  # one row per subscriber, in input order
    for name, (history, current, since) in people.items():
        cur = next(p for p in CATALOGUE if p.id == current) if current else None
        cmp = compare(CATALOGUE, history, start=START, horizon=horizon, current=cur, current_since=since)
        row = rows[name]
        assert row["months"] == len(history.months)
        for k in range(3):
            assert (row[f"plan_{k + 1}"], row[f"cost_{k + 1}"]) == (cmp.rows[k].plan.id, cmp.rows[k].total), name
        if cur is None:
            assert row["current_plan"] is row["current_cost"] is row["saving"] is None
        else:
            assert cmp.current is not None
            assert (row["current_plan"], row["current_cost"]) == (current, cmp.current.total), name
            assert row["saving"] == cmp.current.total - cmp.rows[0].total


# plans for the ranking rules: a cheap plan whose data is stopped at a volume cap past 15 GB a month, a dearer one
# that covers any usage, a cheap plan sold in Guangdong only and a cheap suspended-line (停机保号) plan
REVIEW_PLANS = [
    make_plan(id="a-capped", monthly_fee="8", allowances={"data": "10 GB"},
              overage={"data": {"rate": "1", "per": "GB", "increment": "GB", "volume_cap": "5 GB"}}),
    make_plan(id="b-nocap", monthly_fee="50", allowances={"data": "100 GB"},
              overage={"data": {"rate": "5", "per": "GB", "increment": "GB"}}),
    make_plan(id="c-guangdong", monthly_fee="20", province="Guangdong", allowances={"data": "100 GB"},
              overage={"data": {"rate": "5", "per": "GB", "increment": "GB"}}),
    make_plan(id="d-suspension", monthly_fee="1", tags=["suspension"]),
]


def _table_of(people: dict[str, UsageHistory]) -> pa.Table:
    """The batch input (canonical column names, KB) of ``people``'s histories."""
    cols: dict[str, list] = {k: [] for k in ("subscriber", "month", "voice_min", "sms", "data", "app_data",
                                             "data_days")}
    for name, h in people.items():
        for i, m in enumerate(h.months):
            for k, v in (("subscriber", name), ("month", m), ("voice_min", h.voice_min[i]), ("sms", h.sms[i]),
                         ("data", h.data_kb[i]), ("app_data", h.app_data_kb[i]), ("data_days", h.data_days[i])):
                cols[k].append(v)
    return pa.table(cols)


@pytest.mark.parametrize("province", [None, "Guangdong", "Shanghai"])
@pytest.mark.parametrize("extra", [[], CATALOGUE], ids=["review-plans", "with-catalogue"])
def test_batch_ranks_stopped_and_suspended_plans_as_compare_does(province, extra):
    # a-capped is the cheapest plan for all but the quiet subscribers, yet its data stops past 15 GB a month, so
    # compare ranks it after every plan that covers the usage (and never moves it first as the nationwide plan);
    # the suspended-line plan is never ranked by either command
    _, people = _random_subscribers(25, seed=21)
    histories = {name: h for name, (h, _, _) in people.items()}
    histories["heavy"] = make_history(voice_min=0, sms=0, data_kb=40 * GB, n=3, start="2026-01")
    histories["light"] = make_history(voice_min=0, sms=0, data_kb=2 * GB, n=3, start="2026-01")
    histories["quiet"] = make_history(voice_min=0, sms=0, data_kb=0, n=3, start="2026-01")
    plans = [*REVIEW_PLANS, *extra]
    horizon = 12
    table = _table_of(histories)
    analysers = [Analyser(plans, start=START, horizon=horizon, top=top, data_unit="KB", app_data_unit="KB",
                          province=province) for top in (1, 3)]  # top 1 takes a shortcut
    assert "d-suspension" not in {p.id for p in analysers[0].candidates}
    assert ("d-suspension", "suspended_line") in {(p.id, why) for p, why in analysers[0].left_out}
    outputs = [{r["subscriber"]: r for r in a.analyse(table).to_pylist()} for a in analysers]
    rows = outputs[1]
    stopped_below = 0
    for name, history in histories.items():
        cmp = compare(plans, history, start=START, horizon=horizon, province=province)
        for analyser, out in zip(analysers, outputs, strict=True):  # (Shanghai: only 2 candidates)
            got = [(out[name][f"plan_{k + 1}"], out[name][f"cost_{k + 1}"]) for k in range(analyser.top)]
            assert got == [(r.plan.id, r.total) for r in cmp.rows[:analyser.top]], (name, analyser.top)
        capped = next(r for r in cmp.rows if r.plan.id == "a-capped")
        stopped_below += any(n.code == "data_stopped" for n in capped.notes) and capped.total < cmp.rows[0].total
    if not extra:
        assert rows["heavy"]["plan_1"] == ("c-guangdong" if province == "Guangdong" else "b-nocap")
        assert (rows["light"]["plan_1"], rows["quiet"]["plan_1"]) == ("a-capped", "a-capped")
    assert stopped_below >= 1  # the rule decided some ranking


@pytest.mark.parametrize("province", [None, "河北", "shanghai"])
def test_batch_of_a_sample_bill_equals_compare(tmp_path, province):
    # the keep-number sample through both commands: the best plan and its total agree to the fen, with the
    # same province rule (without a province the first plan is one sold nationwide)
    history = make_history(voice_min=[35, 41, 28, 60], sms=[12, 9, 3, 0], data_kb=[820 * MB, 1229 * MB, 0, 40 * MB],
                           n=4, start="2026-01")
    lines = ["subscriber,month,voice_min,sms,data_kb"]
    lines += [f"x,{m},{v},{s},{d}" for m, v, s, d in
              zip(history.months, history.voice_min, history.sms, history.data_kb, strict=True)]
    src = write_csv(tmp_path / "one.csv", "\n".join(lines) + "\n")
    where = ("--province", province) if province else ()
    r = run("batch", str(src), "--start", START, "--out", str(tmp_path / "best.jsonl"), "-q", "-f", "json", *where)
    assert r.exit_code == 0, r.stderr
    (row,) = [json.loads(x) for x in (tmp_path / "best.jsonl").read_text("utf-8").splitlines()]
    canonical = {None: None, "河北": "Hebei", "shanghai": "Shanghai"}[province]
    best = compare(CATALOGUE, history, start=START, horizon=12, province=canonical).rows[0]
    assert row["plan_1"] == best.plan.id
    assert Decimal(row["cost_1"]) == Decimal(best.total) / 100
    assert best.plan.status.value == "on-sale"
    if province is None:
        assert is_nationwide(best.plan.province)
    else:
        assert is_nationwide(best.plan.province) or best.plan.province == canonical


# ---------------------------------------------------------------- the projection rule


@st.composite
def histories(draw: st.DrawFn) -> UsageHistory:
    n = draw(st.integers(1, 30))
    start = add_months("2023-01", draw(st.integers(0, 36)))

    def col(values: st.SearchStrategy[int]) -> list[int]:
        return draw(st.lists(values, min_size=n, max_size=n))

    days = draw(st.one_of(st.none(), st.lists(st.one_of(st.none(), st.integers(1, 28)), min_size=n, max_size=n)))
    return UsageHistory.from_rows(list(month_range(start, n)), col(st.integers(0, 3_000)), col(st.integers(0, 500)),
                                  col(st.integers(0, 50 * GB)), app_data_kb=col(st.integers(0, 5 * GB)),
                                  data_days=days)


@settings(max_examples=examples(150))
@given(st.lists(histories(), min_size=1, max_size=4), st.integers(0, 30), st.integers(1, 30))
def test_projection_matches_project_usage(hs, start_offset, horizon):
    months = month_range(add_months("2024-06", start_offset), horizon)
    codes, mi, days = [], [], []
    values: dict[str, list[int]] = {"voice_min": [], "sms": [], "data_kb": [], "app_data_kb": []}
    for s, h in enumerate(hs):
        codes += [s] * len(h.months)
        mi += [month_index(m) for m in h.months]
        days += [-1 if d is None else d for d in h.data_days]
        for k in values:
            values[k] += list(getattr(h, k))
    usage, known = project(np.array(codes, np.int64), np.array(mi, np.int64),
                           {k: np.array(v, np.int64) for k, v in values.items()}, np.array(days, np.int64),
                           len(hs), months)
    for s, h in enumerate(hs):
        expected = project_usage(h, months)
        for k in ("voice_min", "sms", "data_kb", "app_data_kb", "data_days"):
            np.testing.assert_array_equal(getattr(usage, k)[:, s], getattr(expected, k), err_msg=k)
        np.testing.assert_array_equal(known[:, s], expected.data_days_known)


# ---------------------------------------------------------------- the kernel for many subscribers


@settings(max_examples=examples(150))
@given(st.lists(plan_dicts(), min_size=1, max_size=4), st.integers(1, 4), st.integers(1, 5), st.data())
def test_totals_for_many_subscribers_equal_simulate(dicts, H, N, data):
    ps = [make_plan(**{**d, "id": f"plan-{i}"}) for i, d in enumerate(dicts)]
    first = data.draw(st.lists(first_months, min_size=len(ps), max_size=len(ps)), label="first")
    months = month_range("2025-02", H)

    def matrix(values: st.SearchStrategy[int]) -> np.ndarray:
        return np.array(data.draw(st.lists(st.lists(values, min_size=N, max_size=N), min_size=H, max_size=H)), np.int64)

    m = UsageMatrix(months, matrix(st.integers(0, 3_000)), matrix(st.integers(0, 500)), matrix(DATA_KB),
                    matrix(st.one_of(st.just(0), st.integers(0, 5 * GB))), matrix(st.integers(1, 28)))
    compiled = compile_plans(ps, first, H)
    totals = simulate_totals(compiled, m)
    same, stopped = simulate_totals_stopped(compiled, m)
    np.testing.assert_array_equal(same, totals)
    for n in range(N):
        one = Usage(months, m.voice_min[:, n], m.sms[:, n], m.data_kb[:, n], m.app_data_kb[:, n],
                    m.data_days[:, n], np.ones(H, np.bool_))
        res = simulate(ps, one, first)
        np.testing.assert_array_equal(totals[:, n], res.totals)
        np.testing.assert_array_equal(stopped[:, n], res.data_stopped.any(axis=1))


def test_totals_over_catalogue_for_many_subscribers_in_blocks():
    rng = np.random.default_rng(5)
    H, N = 12, 700  # several kernel blocks
    months = month_range(START, H)
    m = UsageMatrix(months, rng.integers(0, 2000, (H, N)), rng.integers(0, 300, (H, N)),
                    rng.integers(0, 80 * GB, (H, N)), rng.integers(0, 6 * GB, (H, N)) * (rng.random((H, N)) < 0.5),
                    np.tile(np.array([days_in(x) for x in months])[:, None], (1, N)))
    first = list(rng.integers(1, 30, len(CATALOGUE)))
    totals = simulate_totals(compile_plans(CATALOGUE, first, H), m)
    for n in range(0, N, 37):
        one = Usage(months, m.voice_min[:, n], m.sms[:, n], m.data_kb[:, n], m.app_data_kb[:, n],
                    m.data_days[:, n], np.zeros(H, np.bool_))
        np.testing.assert_array_equal(totals[:, n], simulate(CATALOGUE, one, first).totals)


# ---------------------------------------------------------------- chunks


def test_chunking_does_not_change_the_result():
    table, _ = _random_subscribers(40, seed=8)
    analyser = Analyser(CATALOGUE, start=START, top=2, data_unit="KB", app_data_unit="KB")
    whole = analyser.analyse(table)
    for size in (1, 7, 50, 10_000):
        parts: list[pa.Table] = []
        chunks = [Chunk(table.slice(i, size), ("in.csv",), (True,), np.zeros(min(size, table.num_rows - i), np.int32),
                        np.arange(i + 1, i + 1 + min(size, table.num_rows - i))) for i in range(0, table.num_rows, size)]
        summary = run_local(chunks, analyser, parts.append)
        assert pa.concat_tables(parts).equals(whole), size
        assert summary.subscribers == 40 and summary.rows == table.num_rows


def test_a_subscriber_whose_rows_are_apart_is_an_error(tmp_path):
    src = write_csv(tmp_path / "apart.csv", SMALL + "a,2026-03,1,1,1,\n")
    r = run("batch", str(src), "--start", START, "-q")
    assert r.exit_code == 1
    assert "apart.csv:8: subscriber 'a' appears again after other subscribers' rows" in r.stderr
    table, _ = _random_subscribers(3, seed=1)
    with pytest.raises(DataError, match="sort the input by subscriber, or use --engine dask"):
        run_local([Chunk(table), Chunk(table.slice(0, 1))],
                  Analyser(CATALOGUE, start=START, data_unit="KB", app_data_unit="KB"), lambda t: None)


# ---------------------------------------------------------------- the command


def test_batch_csv_to_csv_with_top_2(tmp_path):
    src = write_csv(tmp_path / "subs.csv", SMALL)
    out = tmp_path / "best.csv"
    r = run("batch", str(src), "--start", START, "--out", str(out), "--top", "2", "-q", *FROZEN)
    assert r.exit_code == 0, r.stderr
    assert out.read_text("utf-8").splitlines() == [
        '"subscriber","months","current_plan","current_cost","plan_1","cost_1","plan_2","cost_2","saving"',
        # a's line ends in 2026-02, before the input's last month: it has ended, nothing is billed in 2027
        '"a",2,"cmcc-8yuan-shenzhen-voice",,,,,,',
        '"b",3,"telecom-5g-changxiang-129",1552.80,"unicom-tencent-dawangka-19",837.80,'
        '"cmcc-guangdong-39-prepay-return",1398.80,715.00',
        '"c",1,,,"telecom-wuyouka-5",60.00,"unicom-liuliangwang-8-data",96.00,',  # not the 停机保号 plan (68.00)
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["best.csv", "subs.csv"]  # no temporary file left
    assert "3 subscribers" in r.stdout and "715.00" in r.stdout


def test_batch_parquet_in_and_out_and_json_summary(tmp_path):
    src = write_csv(tmp_path / "subs.csv", SMALL)
    pq.write_table(pcsv.read_csv(src), tmp_path / "subs.parquet")
    r = run("batch", str(tmp_path / "subs.parquet"), "--start", START, "--out", str(tmp_path / "best.parquet"),
            "-f", "json", "-q", *FROZEN)
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["subscribers"] == 3 and doc["rows"] == 6 and doc["with_current"] == 2 and doc["would_save"] == 1
    assert (doc["median_saving"], doc["total_saving"]) == ("715.00", "715.00")  # a's line has ended: no saving
    assert [(o["operator"], o["total_saving"]) for o in doc["by_operator"]] == [
        ("China Mobile", "0.00"), ("China Telecom", "715.00")]
    best = pq.read_table(tmp_path / "best.parquet")
    assert best.schema.field("cost_1").type == pa.decimal128(18, 2)
    assert best.column("cost_1").to_pylist() == [None, Decimal("837.80"), Decimal("60.00")]


def test_batch_jsonl_amounts_are_strings(tmp_path):
    src = write_csv(tmp_path / "subs.csv", SMALL)
    r = run("batch", str(src), "--start", START, "--out", str(tmp_path / "best.jsonl"), "-q", *FROZEN)
    assert r.exit_code == 0, r.stderr
    second = json.loads((tmp_path / "best.jsonl").read_text("utf-8").splitlines()[1])
    assert second == {"subscriber": "b", "months": 3, "current_plan": "telecom-5g-changxiang-129",
                      "current_cost": "1552.80", "plan_1": "unicom-tencent-dawangka-19", "cost_1": "837.80",
                      "saving": "715.00"}


def test_bad_rows_are_reported_with_their_lines_and_nothing_is_written(tmp_path):
    src = write_csv(tmp_path / "bad.csv", SMALL + "d,2026-13,5,1,1,\nd,2026-01,-3,1,1,\ne,2026-01,1,1.5,2 GB,nope\n")
    out = tmp_path / "best.csv"
    out.write_text("previous run\n", encoding="utf-8")
    r = run("batch", str(src), "--start", START, "--out", str(out), "-q", "--chunk-rows", "1000")
    assert r.exit_code == 1
    err = r.stderr
    assert "bad.csv:8: month: '2026-13' has month 13" in err
    assert "bad.csv:9: voice_min: -3 is negative" in err
    assert "bad.csv:10: sms: 1.5 is not a whole number of messages" in err
    assert "bad.csv:10: data_mb: '2 GB' is not a plain number" in err
    assert "bad.csv:10: current_plan: no plan with id 'nope'" in err
    assert out.read_text("utf-8") == "previous run\n"  # the old output is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "best.csv"]  # no temporary file left


def test_an_error_in_a_late_chunk_leaves_no_partial_output(tmp_path):
    body = "".join(f"s{i:04d},2026-01,{i},0,{i},\n" for i in range(3000))
    src = write_csv(tmp_path / "late.csv", SMALL.splitlines()[0] + "\n" + body + "z,2026-01,x,0,0,\n")
    r = run("batch", str(src), "--start", START, "--out", str(tmp_path / "best.parquet"), "-q", "--chunk-rows", "1000")
    assert r.exit_code == 1 and "late.csv:3002: voice_min: 'x' is not a plain number" in r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["late.csv"]


def test_header_problems_and_options(tmp_path):
    src = write_csv(tmp_path / "h.csv", "subscriber,month,voice,sms,data\nx,2026-01,1,1,1\n")
    r = run("batch", str(src), "-q")
    assert r.exit_code == 1 and "column 'data' has no unit; name it data_mb" in r.stderr
    src = write_csv(tmp_path / "ok.csv", SMALL)
    assert run("batch", str(src), "--out", str(tmp_path / "x.xlsx")).exit_code == 2
    assert run("batch", str(tmp_path / "missing.csv")).exit_code == 2
    assert run("batch", str(src), "--scheduler", "tcp://127.0.0.1:1").exit_code == 2


def test_progress_bar_and_glob_of_files(tmp_path):
    lines = SMALL.splitlines()
    write_csv(tmp_path / "part-1.csv", "\n".join(lines[:4]) + "\n")  # b's rows go on in the next file
    write_csv(tmp_path / "part-2.csv", "\n".join([lines[0], *lines[4:]]) + "\n")
    r = run("batch", str(tmp_path / "part-*.csv"), "--start", START, "-f", "json", *FROZEN)
    assert r.exit_code == 0, r.stderr
    assert json.loads(r.stdout)["total_saving"] == "715.00"
    assert "rows" in r.stderr  # the progress bar and the closing line


FORMULAS = ['=HYPERLINK("http://evil","x")', "+8613800000000", "-1", "@SUM(A1)", "\tx", "\rx", "plain", "a=b"]


def test_batch_csv_output_neutralises_formulas_as_compare_does(tmp_path):
    import csv

    from tariffcli.render.common import safe_cell

    body = "".join(f'"{sid.replace(chr(34), chr(34) * 2)}",2026-01,10,1,100,\n' for sid in FORMULAS)
    src = write_csv(tmp_path / "subs.csv", "subscriber,month,voice_min,sms,data_mb,current_plan\n" + body)
    for name in ("best.csv", "best.parquet", "best.jsonl"):
        r = run("batch", str(src), "--start", START, "--out", str(tmp_path / name), "-q")
        assert r.exit_code == 0, r.stderr
    with (tmp_path / "best.csv").open(encoding="utf-8", newline="") as fh:
        cells = [row[0] for row in csv.reader(fh)][1:]
    assert cells == [safe_cell(sid) for sid in FORMULAS]
    assert cells[:3] == ["'=HYPERLINK(\"http://evil\",\"x\")", "'+8613800000000", "'-1"]
    # Parquet and JSON lines keep the raw values
    assert pq.read_table(tmp_path / "best.parquet").column("subscriber").to_pylist() == FORMULAS
    lines = (tmp_path / "best.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(line)["subscriber"] for line in lines] == FORMULAS


@pytest.mark.parametrize("kind", [pa.string(), pa.large_string()])
def test_formula_cells_in_every_string_column_and_chunk(kind):
    from tariffcli.batch.files import csv_safe
    from tariffcli.model.cells import FORMULA_START
    from tariffcli.render.common import safe_cell

    values = [*FORMULAS, None, *(c + "1" for c in FORMULA_START)]
    col = pa.chunked_array([pa.array(values[:3], kind), pa.array(values[3:], kind)])
    table = pa.table({"subscriber": col, "months": pa.array(range(len(values)), pa.int32()),
                      "plan_1": pa.array(["-x", *values[1:]], kind)})
    out = csv_safe(table)
    assert out.schema == table.schema
    assert out.column("subscriber").to_pylist() == [None if v is None else safe_cell(v) for v in values]
    assert out.column("plan_1").to_pylist()[0] == "'-x"
    assert out.column("months").to_pylist() == list(range(len(values)))
    clean = pa.table({"subscriber": pa.array(["a", "b"], kind)})
    assert csv_safe(clean) is clean  # nothing to change: the same table


def test_summary_keeps_no_counter_that_it_does_not_report():
    from dataclasses import fields

    from tariffcli.batch.summary import Summary

    table = pcsv.read_csv(pa.py_buffer(SMALL.encode())).rename_columns(
        ["subscriber", "month", "voice_min", "sms", "data", "current_plan"])
    analyser = Analyser(CATALOGUE, start=START, horizon=12, data_unit="MB")
    summary = run_local([Chunk(table)], analyser, lambda t: None)
    report = summary.report(analyser)
    counters = {f.name: getattr(summary, f.name) for f in fields(Summary) if not f.name.startswith("_")}
    assert counters == {"rows": report.rows, "subscribers": report.overall.subscribers}


def test_a_damaged_parquet_file_is_a_data_error(tmp_path):
    from tariffcli.batch import files as batch_io

    src = write_csv(tmp_path / "subs.csv", SMALL)
    good = tmp_path / "subs.parquet"
    pq.write_table(pcsv.read_csv(src), good, compression="zstd")
    data = good.read_bytes()
    cases = {"not.parquet": b"not a parquet file at all",  # ArrowInvalid
             "footer.parquet": data[:-12] + b"\xff\xff\xff\x7f" + b"\x00" * 4 + b"PAR1"}  # OSError (thrift)
    for name, content in cases.items():
        (tmp_path / name).write_bytes(content)
        with pytest.raises(DataError) as exc:
            batch_io.open_input(str(tmp_path / name))
        assert exc.value.problems[0].code == "not_parquet"
    # damaged pages behind a good footer: reported, not a traceback
    pages = bytearray(data)
    meta = pq.ParquetFile(good).metadata.row_group(0)
    for k in range(meta.num_columns):
        col = meta.column(k)
        first = min(o for o in (col.dictionary_page_offset, col.data_page_offset) if o is not None)
        for i in range(first + col.total_compressed_size // 2, first + col.total_compressed_size):
            pages[i] ^= 0x5A
    (tmp_path / "pages.parquet").write_bytes(bytes(pages))
    r = run("batch", str(tmp_path / "pages.parquet"), "--start", START, "-q")
    assert r.exit_code == 1 and "pages.parquet: cannot read the Parquet file" in r.stderr, r.stderr


def test_an_error_that_is_not_a_damaged_file_is_not_reported_as_one(tmp_path, monkeypatch):
    from tariffcli.batch import files as batch_io

    good = tmp_path / "subs.parquet"
    pq.write_table(pcsv.read_csv(write_csv(tmp_path / "subs.csv", SMALL)), good)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug, not a damaged file")

    monkeypatch.setattr(pq, "ParquetFile", broken)
    with pytest.raises(RuntimeError, match="a bug"):
        batch_io.open_input(str(good))


def test_abort_drops_the_partial_output_even_if_closing_fails(tmp_path):
    from tariffcli.batch import files as batch_io

    sink = batch_io.OutputFile(tmp_path / "best.parquet", 1)

    class Failing:
        def close(self):
            raise OSError("disk full")

    sink._writer = Failing()
    sink.abort()  # runs while another error propagates: that one must be the one reported
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- Dask


def test_dask_engine_on_a_loopback_cluster_equals_the_local_engine(tmp_path):
    import contextlib
    import socket

    from tariffcli.batch.dask_cluster import local_cluster

    table, _ = _random_subscribers(60, seed=11)
    table = table.rename_columns(["subscriber", "month", "voice_min", "sms", "data_kb", "app_data_kb", "data_days",
                                  "current_plan", "current_since"])
    src = tmp_path / "extract"
    src.mkdir()
    half = table.num_rows // 2 + 3  # a subscriber straddles the two files
    pq.write_table(table.slice(0, half), src / "a.parquet")
    pq.write_table(table.slice(half), src / "b.parquet")
    common = [str(src / "*.parquet"), "--start", START, "--top", "2", "-q", "-f", "json"]
    local = run("batch", *common, "--out", str(tmp_path / "local.parquet"))
    assert local.exit_code == 0, local.stderr
    port_8787 = socket.socket()  # taken, as by an open Jupyter or Dask dashboard: the cluster must still start
    with contextlib.suppress(OSError):  # already taken by someone else: as good
        port_8787.bind(("127.0.0.1", 8787))
        port_8787.listen()
    with port_8787, local_cluster(2) as cluster:
        remote = run("batch", *common, "--engine", "dask", "--scheduler", cluster.scheduler_address,
                     "--out", str(tmp_path / "dask.parquet"))
    assert remote.exit_code == 0, remote.stderr
    a = pq.read_table(tmp_path / "local.parquet").sort_by("subscriber")
    b = pq.read_table(tmp_path / "dask.parquet").sort_by("subscriber")
    assert a.num_rows == 60
    assert a.to_pylist() == b.to_pylist()
    da, db = json.loads(local.stdout), json.loads(remote.stdout)
    da.pop("output"), db.pop("output")
    assert da == db
