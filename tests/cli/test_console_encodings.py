"""A console that is not UTF-8 (GBK on Chinese Windows, cp1252, ASCII) degrades the output, never crashes it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("encoding", ["gbk", "cp1252", "ascii"])
def test_compare_and_plans_list_on_a_legacy_console(encoding: str) -> None:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"PYTHONIOENCODING": encoding,
                                                                      "PYTHONPATH": str(ROOT)}
    code = (
        "import sys\n"
        "from tariffcli.cli import main\n"
        "for argv in (['compare', 'sample_bills/keep-number-abroad.csv', '--top', '2'], ['plans', 'list'],\n"
        "             ['compare', 'sample_bills/heavy-data.csv', '-f', 'markdown', '--top', '1', '--lang', 'zh']):\n"
        "    try:\n"
        "        main(argv)\n"
        "    except SystemExit as exc:\n"
        "        assert exc.code == 0, (argv, exc.code)\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, check=False)
    assert res.returncode == 0, res.stderr.decode(encoding, "replace")
    assert b"Traceback" not in res.stderr
    out = res.stdout.decode(encoding)  # valid in the console's encoding
    assert "228.70" in out  # the figures survive; only characters the encoding lacks become '?'
