"""Batch against hostile inputs and outputs (issue 15): held to the rules of the other readers, bounded, safe.

Outputs: ``--out`` that names an input (directly, through a symlink, a hard
link), a directory, a FIFO or a device is refused before any work; a write
error (``ulimit -f``, a folder that takes no file) is one message, no
traceback, no partial output and no temporary file; SIGTERM and SIGHUP
mid-run leave no temporary file. Memory: the kernel bills subscribers in
blocks of ``cells // horizon``. Inputs: encodings and separators as the usage
reader reads them, NUL bytes, the month range 1990-2100, integers too large
for int64, nested Parquet types, globs through symlink loops. Last, Hypothesis
fuzzes the CSV and Parquet readers: any input is a result or a
DataError/UsageError, never another exception.
"""

from __future__ import annotations

import datetime as dt
import errno
import itertools
import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from conftest import FIXTURE_CATALOGUE, examples
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffcli.batch import files as batch_io
from tariffcli.batch import projection
from tariffcli.batch.analyser import Analyser
from tariffcli.batch.chunks import Chunk
from tariffcli.batch.local import MAX_ROWS_PER_SUBSCRIBER, run_local
from tariffcli.cli.app import app
from tariffcli.inputs.files import load_plans
from tariffcli.model.errors import DataError, TariffError, UsageError

START = "2027-01"
PLANS = load_plans([FIXTURE_CATALOGUE])
ONE_PLAN = sorted(FIXTURE_CATALOGUE.rglob("*.yaml"))[0]
HEADER = "subscriber,month,voice_min,sms,data_mb\n"
ROWS = "a,2026-01,10,1,100\na,2026-02,20,2,200\nb,2026-01,300,3,3000\n"


def run(*args: str) -> object:
    env = {"NO_COLOR": "1", "COLUMNS": "120", "LANG": "C", "LC_ALL": "", "TERM": "dumb"}
    return CliRunner().invoke(app, ["batch", *args, "--start", START, "-q", "--plans", str(ONE_PLAN)],
                              env=env, catch_exceptions=False)


def refused(r: object, code: int, *words: str) -> None:
    """Exit ``code``, nothing on stdout, no traceback, and each of ``words`` in the message."""
    assert r.exit_code == code, (r.exit_code, r.stdout, r.stderr)
    assert r.stdout == ""
    assert "Traceback" not in r.stderr
    for w in words:
        assert w in r.stderr, r.stderr


def files_in(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.fixture()
def src(tmp_path: Path) -> Path:
    path = tmp_path / "x.csv"
    path.write_text(HEADER + ROWS, encoding="utf-8")
    return path


# ---------------------------------------------------------------- outputs


def test_out_that_is_the_input_is_refused_before_any_work(tmp_path, src):
    before = src.read_bytes()
    (tmp_path / "alias.csv").symlink_to(src)
    os.link(src, tmp_path / "hard.csv")
    for target in (src, tmp_path / "alias.csv", tmp_path / "hard.csv", tmp_path / "." / "x.csv"):
        refused(run(str(src), "--out", str(target)), 2, "--out", "is the input", "destroy")
    assert src.read_bytes() == before
    r = run(str(tmp_path / "*.csv"), "--out", str(tmp_path / "alias.csv"))  # an input found by a glob
    refused(r, 2, "is the input")
    assert files_in(tmp_path) == ["alias.csv", "hard.csv", "x.csv"]


def test_out_that_is_a_directory_fifo_or_device_is_refused(tmp_path, src):
    (tmp_path / "dir.csv").mkdir()
    os.mkfifo(tmp_path / "pipe.csv")
    (tmp_path / "null.csv").symlink_to(os.devnull)
    refused(run(str(src), "--out", str(tmp_path / "dir.csv")), 2, "directory")
    refused(run(str(src), "--out", str(tmp_path / "pipe.csv")), 2, "FIFO")
    refused(run(str(src), "--out", str(tmp_path / "null.csv")), 2, "device")
    assert (tmp_path / "null.csv").is_symlink() and Path(os.devnull).is_char_device()
    refused(run(str(src), "--out", str(tmp_path / "no" / "such" / "out.csv")), 2, "--out", "No such file or directory")
    refused(run(str(src), "--out", "/proc/self/out.csv"), 2, "--out", "cannot write")
    assert files_in(tmp_path) == ["dir.csv", "null.csv", "pipe.csv", "x.csv"]


@pytest.mark.parametrize("suffix", ["parquet", "csv", "jsonl"])
def test_a_write_error_is_one_message_and_leaves_nothing(tmp_path, src, monkeypatch, suffix):
    """EFBIG (past ``ulimit -f``) from the writer of each format, simulated by a hook on the file it writes."""
    out = tmp_path / f"best.{suffix}"
    out.write_text("previous run\n")
    real = batch_io.OutputFile._write

    def too_large(self, table):
        real(self, table)
        raise OSError(errno.EFBIG, os.strerror(errno.EFBIG))

    monkeypatch.setattr(batch_io.OutputFile, "_write", too_large)
    refused(run(str(src), "--out", str(out)), 2, f"--out {out}: cannot write (File too large)")
    assert out.read_text() == "previous run\n"
    assert files_in(tmp_path) == [out.name, "x.csv"]


def _child(*code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "\n".join(code)], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "NO_COLOR": "1"})


def test_past_ulimit_f_a_real_write_error_is_reported(tmp_path):
    """A real EFBIG: the child may write 4 KiB per file, the output needs more."""
    src = tmp_path / "many.csv"
    src.write_text(HEADER + "".join(f"s{i:05d},2026-01,{i},1,{i}\n" for i in range(2000)), encoding="utf-8")
    out = tmp_path / "best.csv"
    r = _child("import resource, sys",
               "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))",
               "from tariffcli.cli.app import app",
               f"sys.argv = ['tariffcli', 'batch', {str(src)!r}, '--out', {str(out)!r}, '-q', '--start', {START!r},"
               f" '--plans', {str(ONE_PLAN)!r}]",
               "app()")
    assert r.returncode == 2, r.stderr
    assert f"--out {out}: cannot write (File too large)" in r.stderr and "Traceback" not in r.stderr
    assert r.stdout == ""
    assert files_in(tmp_path) == ["many.csv"]


@pytest.mark.parametrize("sig", ["SIGTERM", "SIGHUP"])
def test_a_signal_mid_run_leaves_no_temporary_file(tmp_path, src, sig):
    """The child sends itself ``sig`` after the first rows reach the temporary file, then dies of it."""
    out = tmp_path / "best.parquet"
    r = _child("import os, signal, sys",
               "from tariffcli.batch import files",
               "real = files.OutputFile._write",
               "def hooked(self, table):",
               "    real(self, table)",
               "    assert self.tmp.exists()",
               "    print('temporary file written', file=sys.stderr, flush=True)",
               f"    os.kill(os.getpid(), signal.{sig})",
               "files.OutputFile._write = hooked",
               "from tariffcli.cli.app import app",
               f"sys.argv = ['tariffcli', 'batch', {str(src)!r}, '--out', {str(out)!r}, '-q', '--start', {START!r},"
               f" '--plans', {str(ONE_PLAN)!r}]",
               "app()")
    assert r.returncode == -getattr(signal, sig), (r.returncode, r.stderr)
    assert "temporary file written" in r.stderr
    assert files_in(tmp_path) == ["x.csv"]


# ---------------------------------------------------------------- memory: rows x horizon


def _subscribers(n: int, months: int = 3) -> pa.Table:
    rng = np.random.default_rng(7)
    return pa.table({
        "subscriber": [f"s{i:03d}" for i in range(n) for _ in range(months)],
        "month": [f"2026-{m + 1:02d}" for _ in range(n) for m in range(months)],
        "voice_min": rng.integers(0, 500, n * months), "sms": rng.integers(0, 50, n * months),
        "data": rng.integers(0, 20_000, n * months),
    })


@pytest.mark.parametrize("horizon", [1, 12, 600])
def test_the_kernel_bills_subscribers_in_blocks_of_cells_over_horizon(monkeypatch, horizon):
    """With a budget of 1,200 subscriber-months the projection never holds more, whatever the horizon,
    and the result equals that of one block."""
    table = _subscribers(40)
    whole = Analyser(PLANS, start=START, horizon=horizon).analyse(table)
    seen: list[tuple[int, int]] = []
    real = projection.project

    def spy(codes, month, values, days, subscribers, months):
        seen.append((subscribers, len(months)))
        return real(codes, month, values, days, subscribers, months)

    monkeypatch.setattr("tariffcli.batch.history.project", spy)
    small = Analyser(PLANS, start=START, horizon=horizon, cells=1_200)
    assert small.block_subscribers == max(1, 1_200 // horizon)
    assert small.analyse(table).equals(whole)
    assert all(n * h <= max(1_200, h) for n, h in seen)
    assert sum(n for n, _ in seen) == 40 and len(seen) == -(-40 // small.block_subscribers)


def test_one_subscribers_rows_are_not_carried_without_bound():
    """Rows of one subscriber past the months 1990-2100 can only repeat a month: reported, not carried on."""
    analyser = Analyser(PLANS, start=START, horizon=1)
    pulled = itertools.count()

    def chunks():
        while True:  # an endless input of one subscriber
            next(pulled)
            yield Chunk(pa.table({"subscriber": ["a"] * 500, "month": ["2026-01"] * 500, "voice_min": [1] * 500,
                                  "sms": [1] * 500, "data": [1] * 500}))

    with pytest.raises(DataError) as exc:
        run_local(chunks(), analyser, lambda t: None)
    assert "two rows for 2026-01" in str(exc.value.problems[0])
    assert next(pulled) <= MAX_ROWS_PER_SUBSCRIBER // 500 + 2


# ---------------------------------------------------------------- inputs: encodings, separators, NUL


def test_utf16_and_other_encodings_are_one_error_naming_the_encoding(tmp_path):
    text = HEADER + ROWS
    cases = {"bom16.csv": (text.encode("utf-16"), "UTF-16"),
             "le16.csv": (text.encode("utf-16-le"), "UTF-16"),
             "latin1.csv": ((HEADER + "café,2026-01,1,1,1\n").encode("latin-1"), "neither UTF-8 nor GB18030")}
    for name, (data, words) in cases.items():
        (tmp_path / name).write_bytes(data)
        r = run(str(tmp_path / name))
        refused(r, 1, words)
        assert r.stderr.count("Error:") == 1, r.stderr


def test_a_gbk_file_is_read_and_bad_bytes_past_the_sample_are_an_encoding_error(tmp_path):
    gbk = ("用户,月份,通话分钟,短信,流量(MB)\n" + ROWS).encode("gb18030")
    (tmp_path / "gbk.csv").write_bytes(gbk)
    assert run(str(tmp_path / "gbk.csv")).exit_code == 0
    filler = "".join(f"s{i:05d},2026-01,1,1,1\n" for i in range(5000)).encode()  # past the 64 KiB sample
    for name, head, tail in (("late-utf8.csv", HEADER.encode(), b"z\xff\xfe,2026-01,1,1,1\n"),
                             ("late-gbk.csv", gbk, b"z\xff,2026-01,1,1,1\n")):
        (tmp_path / name).write_bytes(head + filler + tail)
        refused(run(str(tmp_path / name)), 1, "is not", "throughout", "save the whole file as CSV in UTF-8")


@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separated_files_read_as_comma_separated(tmp_path, src, sep):
    (tmp_path / "sep.csv").write_text((HEADER + ROWS).replace(",", sep), encoding="utf-8")
    a = run(str(src), "-f", "json")
    b = run(str(tmp_path / "sep.csv"), "-f", "json")
    assert a.exit_code == b.exit_code == 0, b.stderr
    assert a.stdout == b.stdout


def test_a_nul_byte_in_a_subscriber_id_is_refused_with_its_line(tmp_path):
    (tmp_path / "nul.csv").write_bytes((HEADER + ROWS).encode() + b"c\x00d,2026-01,1,1,1\n")
    refused(run(str(tmp_path / "nul.csv")), 1, "nul.csv:5: subscriber: 'c\\x00d' holds a NUL byte")
    (tmp_path / "nulhead.csv").write_bytes(b"subscriber\x00,month,voice_min,sms,data_mb\n" + ROWS.encode())
    refused(run(str(tmp_path / "nulhead.csv")), 1, "NUL bytes")
    pq.write_table(pa.table({"subscriber": ["a\x00"], "month": ["2026-01"], "voice_min": [1], "sms": [1],
                             "data_mb": [1]}), tmp_path / "nul.parquet")
    refused(run(str(tmp_path / "nul.parquet")), 1, "row 1: subscriber:", "NUL byte")
    pq.write_table(pa.table({"subscriber": ["a"], "month": ["2026-01"], "voice_min": [1], "sms": [1],
                             "data_mb": [1], "current_plan": ["x\x00"]}), tmp_path / "plan.parquet")
    refused(run(str(tmp_path / "plan.parquet")), 1, "current_plan:", "NUL byte")


def test_a_header_past_the_sample_and_too_many_columns_are_refused(tmp_path):
    (tmp_path / "wide.csv").write_text(HEADER.strip() + "," + ",".join(f"c{i}" for i in range(2000)) + "\n",
                                       encoding="utf-8")
    refused(run(str(tmp_path / "wide.csv")), 1, "2,005 columns; a batch input has at most 1,000")
    (tmp_path / "long.csv").write_text("subscriber," + "x" * 70_000 + "\n" + "y\n" * 10, encoding="utf-8")
    refused(run(str(tmp_path / "long.csv")), 1, "the first line is longer than 65,536 bytes")


# ---------------------------------------------------------------- inputs: values


def _parquet(path: Path, **columns: pa.Array | list) -> Path:
    base = {"subscriber": ["a"], "month": ["2026-01"], "voice_min": [1], "sms": [1], "data_mb": [1]}
    pq.write_table(pa.table({**base, **columns}), path)
    return path


def test_parquet_months_hold_the_range_1990_to_2100(tmp_path):
    cases = {
        "date-0001.parquet": pa.array([dt.date(1, 1, 1)]),
        "date-9999.parquet": pa.array([dt.date(9999, 12, 1)]),
        "ts.parquet": pa.array([dt.datetime(2200, 1, 1)], pa.timestamp("s")),
        "int.parquet": pa.array([999912], pa.int64()),
        "uint.parquet": pa.array([2**64 - 1], pa.uint64()),
        "text.parquet": ["0001-01"],
    }
    for name, month in cases.items():
        r = run(str(_parquet(tmp_path / name, month=month)))
        refused(r, 1, f"{name}: row 1: month:")
        assert "1990" in r.stderr and "2100" in r.stderr, r.stderr
    ok = run(str(_parquet(tmp_path / "ok.parquet", month=pa.array([dt.date(2026, 1, 1)]))))
    assert ok.exit_code == 0, ok.stderr


def test_integers_too_large_for_int64_are_too_large_not_negative(tmp_path):
    cases = {
        "voice.parquet": {"voice_min": pa.array([2**64 - 1], pa.uint64())},
        "sms.parquet": {"sms": pa.array([2**63 + 5], pa.uint64())},
        "data.parquet": {"data_mb": pa.array([2**64 - 1], pa.uint64())},
        "float.parquet": {"sms": pa.array([1e300])},
        "days.parquet": {"data_days": pa.array([1e30])},
    }
    for name, cols in cases.items():
        r = run(str(_parquet(tmp_path / name, **cols)))
        refused(r, 1, "row 1:")
        assert "negative" not in r.stderr and ("too large" in r.stderr or "implausibly" in r.stderr
                                               or "more minutes" in r.stderr), r.stderr
    (tmp_path / "big.csv").write_text(HEADER + "a,2026-01,18446744073709551615,1,1\n", encoding="utf-8")
    refused(run(str(tmp_path / "big.csv")), 1, "big.csv:2: voice_min:")


NESTED = {
    "list": pa.array([["a"]]),
    "struct": pa.array([{"x": 1}]),
    "map": pa.array([[("k", 1)]], pa.map_(pa.string(), pa.int64())),
}


@pytest.mark.parametrize("kind", NESTED)
@pytest.mark.parametrize("column", ["subscriber", "month", "voice_min", "data_mb", "current_plan"])
def test_nested_parquet_types_are_refused_naming_the_column(tmp_path, kind, column):
    extra = {} if column != "current_plan" else {"current_plan": ["x"]}
    r = run(str(_parquet(tmp_path / "n.parquet", **{**extra, column: NESTED[kind]})))
    refused(r, 1, f"column '{column}' holds", "nested type")


def test_odd_id_types_in_a_table_are_problems_not_tracebacks():
    """What the Parquet check cannot see (a table from Dask, or dictionary-encoded columns) the analyser refuses."""
    analyser = Analyser(PLANS, start=START)
    base = {"month": ["2026-01"], "voice_min": [1], "sms": [1], "data": [1]}
    for ids in (pa.array([["a"]]), pa.array([{"x": 1}]), pa.array([True]), pa.array([b"\xff"], pa.binary()),
                pa.array([dt.date(2026, 1, 1)])):
        with pytest.raises(DataError) as exc:
            analyser.analyse(pa.table({"subscriber": ids, **base}))
        assert exc.value.problems[0].field == "subscriber"
    with pytest.raises(DataError) as exc:
        analyser.analyse(pa.table({"subscriber": ["a"], **base, "current_plan": pa.array([{"x": 1}])}))
    assert exc.value.problems[0].field == "current_plan"
    out = analyser.analyse(pa.table({"subscriber": pa.array([b"ok"], pa.binary()), **base}))
    assert out.column("subscriber").to_pylist() == ["ok"]


# ---------------------------------------------------------------- globs


def _tree(root: Path) -> None:
    (root / "a" / "b").mkdir(parents=True)
    (root / "c").mkdir()
    (root / "a" / "one.csv").write_text(HEADER + ROWS, encoding="utf-8")
    (root / "a" / "b" / "two.csv").write_text(HEADER + "z,2026-01,1,1,1\n", encoding="utf-8")
    (root / "a" / "b" / "loop").symlink_to("..")  # a/b/loop/b/loop/... without end
    (root / "a" / "b" / "self").symlink_to("self")  # a link that cannot be resolved (ELOOP)
    (root / "c" / "alias").symlink_to("../a")  # the same folder under a second name
    (root / "c" / "same.csv").symlink_to("../a/one.csv")  # the same file under a second name


def test_globs_and_folders_end_on_symlink_loops_and_read_each_file_once(tmp_path):
    _tree(tmp_path)
    names = {
        f"{tmp_path}/**/*.csv": ["a/b/two.csv", "a/one.csv"],
        f"{tmp_path}/**": ["a/b/two.csv", "a/one.csv"],
        f"{tmp_path}/*/*.csv": ["a/one.csv"],
        f"{tmp_path}/c/*.csv": ["c/same.csv"],
        str(tmp_path): ["a/b/two.csv", "a/one.csv"],
    }
    for pattern, expected in names.items():
        found = [str(p.relative_to(tmp_path)) for p in batch_io.input_files(pattern)]
        assert found == expected, pattern
    r = run(f"{tmp_path}/**/*.csv", "-f", "json")
    assert r.exit_code == 0, r.stderr
    assert '"rows": 4' in r.stdout  # a's and b's 3 rows and z's one, each read once


def test_hidden_files_follow_glob_and_a_fifo_input_is_refused(tmp_path):
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "h.csv").write_text(HEADER + ROWS, encoding="utf-8")
    with pytest.raises(UsageError, match="no file matches"):
        batch_io.input_files(f"{tmp_path}/**/*.csv")
    assert [p.name for p in batch_io.input_files(f"{tmp_path}/.*/*.csv")] == ["h.csv"]
    os.mkfifo(tmp_path / "pipe.csv")
    refused(run(str(tmp_path / "pipe.csv")), 2, "not a regular file")


# ---------------------------------------------------------------- fuzzing




@pytest.fixture(scope="module")
def work(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One folder for every fuzz example (module-scoped: Hypothesis runs many examples per test call)."""
    return tmp_path_factory.mktemp("fuzz")


def _read_all(path: Path) -> None:
    """What ``batch`` does with an input, in this process: a result, or a DataError/UsageError."""
    try:
        spec = batch_io.open_input(str(path))
        analyser = Analyser(PLANS, start=START, horizon=3, top=2, data_unit=spec.columns.data_unit,
                            app_data_unit=spec.columns.app_data_unit, labels=spec.columns.names)
        run_local(batch_io.ChunkReader(spec, 1_000), analyser, lambda t: batch_io.csv_safe(batch_io.for_files(t, 2)))
    except (DataError, UsageError) as exc:
        assert isinstance(exc, TariffError) and exc.problems


CELLS = st.one_of(
    st.sampled_from(["a", "b", "2026-01", "2026-02", "202601", "0001-01", "9999-12", "2026-13", "1", "0", "-1",
                     "1.5", "1e400", "nan", "18446744073709551615", "2 GB", "", " ", '"', '"a,b"', "x\x00y",
                     "cmcc-8yuan-shenzhen-voice", "=1+1", "\u7528\u6237", "\ufeff"]),
    st.text(max_size=6),
)
HEADERS = st.lists(st.sampled_from(["subscriber", "month", "voice_min", "sms", "data_mb", "data_gb", "app_data_kb",
                                    "data_days", "current_plan", "current_since", "data", "用户", "月份", "x",
                                    "subscriber"]), min_size=0, max_size=9)


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    header = draw(st.one_of(st.just(["subscriber", "month", "voice_min", "sms", "data_mb"]), HEADERS))
    rows = draw(st.lists(st.lists(CELLS, min_size=len(header), max_size=len(header)), max_size=8))
    sep = draw(st.sampled_from([",", ";", "\t"]))
    end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = end.join(sep.join(r) for r in [header, *rows]) + end
    data = text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"])), errors="replace")
    for _ in range(draw(st.integers(0, 3))):  # stray bytes, cuts, repeats
        at = draw(st.integers(0, len(data)))
        how = draw(st.sampled_from(["byte", "cut", "dup"]))
        if how == "byte":
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at:]
        elif how == "cut":
            data = data[:at]
        else:
            data = data + data[at:]
    return data


@settings(max_examples=examples(200))
@given(data=csv_files())
def test_fuzz_batch_csv_reader(work, data):
    path = work / "fuzz.csv"
    path.write_bytes(data)
    _read_all(path)


INTS = st.sampled_from([pa.int8(), pa.int64(), pa.uint32(), pa.uint64()])
COLUMN_TYPES = st.sampled_from(["string", "int", "float", "date", "timestamp", "list", "struct", "map", "null",
                                "binary", "bool", "decimal", "dict"])


@st.composite
def parquet_columns(draw: st.DrawFn, n: int) -> pa.Array:
    kind = draw(COLUMN_TYPES)
    if kind == "string":
        return pa.array(draw(st.lists(CELLS, min_size=n, max_size=n)), pa.string())
    if kind == "int":
        t = draw(INTS)
        info = np.iinfo(t.to_pandas_dtype())
        edges = [v for v in (0, 1, 202601, 2**63 - 1, 2**63 + 5, int(info.max)) if v <= info.max]
        return pa.array(draw(st.lists(st.one_of(st.integers(int(info.min), int(info.max)), st.sampled_from(edges)),
                                      min_size=n, max_size=n)), t)
    if kind == "float":
        return pa.array(draw(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=n, max_size=n)))
    if kind == "date":
        return pa.array(draw(st.lists(st.dates(), min_size=n, max_size=n)), pa.date32())
    if kind == "timestamp":
        return pa.array(draw(st.lists(st.integers(-(2**40), 2**40), min_size=n, max_size=n)), pa.timestamp("s"))
    if kind == "list":
        return pa.array([["a"]] * n)
    if kind == "struct":
        return pa.array([{"x": 1}] * n)
    if kind == "map":
        return pa.array([[("k", 1)]] * n, pa.map_(pa.string(), pa.int64()))
    if kind == "null":
        return pa.nulls(n)
    if kind == "binary":
        return pa.array(draw(st.lists(st.binary(max_size=4), min_size=n, max_size=n)), pa.binary())
    if kind == "bool":
        return pa.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    if kind == "decimal":
        return pa.array([draw(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-10**30,
                                          max_value=10**30)) for _ in range(n)], pa.decimal128(38, 2))
    return pa.array(draw(st.lists(st.sampled_from(["a", "b", "2026-01"]), min_size=n, max_size=n))).dictionary_encode()


@st.composite
def parquet_files(draw: st.DrawFn) -> bytes:
    n = draw(st.integers(1, 6))
    names = ["subscriber", "month", "voice_min", "sms", "data_mb",
             *draw(st.lists(st.sampled_from(["app_data_mb", "data_days", "current_plan", "current_since"]),
                            unique=True, max_size=4))]
    plain = {"subscriber": pa.array(["a"] * n), "month": pa.array([f"2026-{k % 12 + 1:02d}" for k in range(n)]),
             "voice_min": pa.array([1] * n), "sms": pa.array([1] * n), "data_mb": pa.array([1] * n),
             "app_data_mb": pa.array([1] * n), "data_days": pa.array([1] * n),
             "current_plan": pa.array(["cmcc-8yuan-shenzhen-voice"] * n), "current_since": pa.array(["2026-01"] * n)}
    odd = draw(st.lists(st.sampled_from(names), unique=True, max_size=3))
    cols = {c: draw(parquet_columns(n)) if c in odd else plain[c] for c in names}
    sink = pa.BufferOutputStream()
    pq.write_table(pa.table(cols), sink)
    data = sink.getvalue().to_pybytes()
    if draw(st.booleans()):  # damage a few bytes, the footer included
        buf = bytearray(data)
        for _ in range(draw(st.integers(1, 4))):
            buf[draw(st.integers(0, len(buf) - 1))] ^= draw(st.integers(1, 255))
        data = bytes(buf)
    return data


@settings(max_examples=examples(200))
@given(data=parquet_files())
def test_fuzz_batch_parquet_reader(work, data):
    path = work / "fuzz.parquet"
    path.write_bytes(data)
    _read_all(path)

