"""Batch imports no pandas where it needs none: Parquet/JSON lines/CSV out, table or JSON summary (local engine)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pytest

from tariffcli.batch.arrowtext import json_lines, without_pandas

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import sys
from tariffcli.cli import main
sys.argv = ["tariffcli", *sys.argv[1:]]
try:
    main()
finally:
    print("PANDAS-IMPORTED" if "pandas" in sys.modules else "PANDAS-NOT-IMPORTED", file=sys.stderr)
"""

CSV = "subscriber,month,voice_min,sms,data_mb,current_plan\n" + "".join(
    f'"s""{k}\\x",2026-{mo:02d},{k * 37 % 900},{k % 50},{k * 811 % 20000},{"" if k % 3 else "cmcc-huanxiaoka-2024-19"}\n'
    for k in range(20) for mo in range(1, 7))


@pytest.mark.parametrize(("suffix", "fmt", "source"), [
    ("parquet", "table", "parquet"), ("jsonl", "json", "parquet"), ("csv", "json", "csv"), (None, "table", "csv")])
def test_a_batch_run_imports_no_pandas(tmp_path, suffix, fmt, source):
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    src = tmp_path / "subs.csv"
    src.write_text(CSV, encoding="utf-8")
    if source == "parquet":
        pq.write_table(pcsv.read_csv(src), tmp_path / "subs.parquet")
        src = tmp_path / "subs.parquet"
    out = [] if suffix is None else ["--out", str(tmp_path / f"best.{suffix}")]
    env = dict(os.environ, PYTHONPATH=str(ROOT), TARIFFCLI_TODAY="2026-12-01", NO_COLOR="1")
    r = subprocess.run([sys.executable, "-c", PROBE, "batch", str(src), "--start", "2027-01", "-q", "-f", fmt, *out],
                       capture_output=True, text=True, env=env, timeout=300, check=False)
    assert r.returncode == 0, r.stderr
    assert "PANDAS-NOT-IMPORTED" in r.stderr, r.stderr
    if suffix == "jsonl":
        rows = [json.loads(x) for x in (tmp_path / "best.jsonl").read_text("utf-8").splitlines()]
        assert len(rows) == 20 and rows[0]["subscriber"] == 's"0\\x'


def test_json_lines_escape_text_as_json_does():
    texts = ['plain', 'quote " and \\ backslash', "tab\tnew\nline\r", "bell\x07 and \x1f", "中文 ✓", "/slash", None]
    table = pa.table({"subscriber": pa.array(texts, pa.string()), "months": pa.array(range(7), pa.int32()),
                      "saving": pa.array(["1.00", None, "-2.50", "0.00", "3.10", "4.00", "5.00"], pa.string())})
    lines = json_lines(table).decode("utf-8").splitlines()
    assert [json.loads(x) for x in lines] == table.to_pylist()
    assert lines[4] == '{"subscriber":"中文 ✓","months":4,"saving":"3.10"}'  # non-ASCII kept, no spaces
    assert json_lines(table.slice(0, 0)) == b""


def test_inside_the_block_pandas_cannot_be_imported_and_after_it_can():
    code = """
import sys
from tariffcli.batch.arrowtext import without_pandas
with without_pandas():
    try:
        import pandas
    except ImportError as exc:
        print("refused:", exc)
import pandas
print("after:", pandas.__name__)
"""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True, timeout=120)
    assert "refused: pandas is not imported" in r.stdout
    assert "after: pandas" in r.stdout
    with without_pandas():  # pandas is already imported in this process: nothing to refuse
        import pandas  # noqa: F401
