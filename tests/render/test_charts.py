"""Charts: SVG or PNG by suffix, matplotlib only when asked for, a clear warning without a Chinese font.

These tests pass whether or not a font with Chinese characters is installed:
the font search is replaced where the outcome matters.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.render import charts

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "sample_bills"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
BARS = [charts.Bar("1. 8元套餐（飞享/自由选）", 2000, "China Mobile"),
        charts.Bar("2. 腾讯大王卡", 4900, "China Unicom")]


def run(*args: str):
    env = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb"}
    return CliRunner().invoke(app, list(args), env=env, catch_exceptions=False)


def test_png_and_svg_by_suffix(tmp_path: Path) -> None:
    png, svg = tmp_path / "b.png", tmp_path / "b.svg"
    r = run("baskets", "--date", "2027-01-01", "--basket", "itu-2025-low", "--format", "json", "--chart", str(png))
    assert r.exit_code == 0, r.stderr
    assert png.read_bytes().startswith(PNG_MAGIC)
    assert f"chart written to {png}" in r.stderr
    r = run("compare", str(SAMPLES / "heavy-data.csv"), "--start", "2027-01", "--top", "3", "--chart", str(svg),
            "--format", "csv")
    assert r.exit_code == 0, r.stderr
    text = svg.read_text("utf-8")
    assert text.startswith("<?xml") and "<svg" in text
    assert r.stdout.startswith("rank,id")  # the chart does not replace the data on stdout


def test_wrong_suffix_is_a_usage_error_before_any_work(tmp_path: Path) -> None:
    r = run("baskets", "--chart", str(tmp_path / "chart.jpg"))
    assert r.exit_code == 2 and "must end in .svg or .png" in r.stderr
    assert not (tmp_path / "chart.jpg").exists()


def test_no_chinese_font_warns_clearly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "find_cjk_font", lambda *a, **k: None)
    data, problems = charts.bar_chart(BARS, title="最便宜套餐", xlabel="CNY", fmt="png")
    assert data.startswith(PNG_MAGIC) and problems == ["cjk_font_missing"]  # and no glyph warnings (-W error)
    out = tmp_path / "c.png"
    r = run("baskets", "--date", "2027-01-01", "--basket", "itu-2024-voice", "--format", "csv", "--chart", str(out))
    assert r.exit_code == 0, r.stderr
    assert "no font with Chinese characters was found" in r.stderr and "fonts-noto-cjk" in r.stderr
    assert out.read_bytes().startswith(PNG_MAGIC)


def test_latin_labels_need_no_chinese_font() -> None:
    _, problems = charts.bar_chart([charts.Bar("plan a", 100, "Op A")], title="t", xlabel="x", fmt="svg",
                                   find_font=False)
    assert problems == []


def test_a_found_chinese_font_is_used_without_warning() -> None:
    font = charts.find_cjk_font()
    if font is None:
        pytest.skip("no font with Chinese characters on this machine (the fallback is tested above)")
    data, problems = charts.bar_chart(BARS, title="最便宜套餐", xlabel="CNY", fmt="svg")
    assert problems == [] and b"<svg" in data


def test_svg_is_deterministic() -> None:
    bars = [charts.Bar("1. plan a", 2000, "Op A"), charts.Bar("2. plan b", 4900, "Op B")]
    a, _ = charts.bar_chart(bars, title="t", xlabel="x", fmt="svg", font="DejaVu Sans")
    b, _ = charts.bar_chart(bars, title="t", xlabel="x", fmt="svg", font="DejaVu Sans")
    assert a == b


def test_basket_bars_are_the_cheapest_plan_per_operator() -> None:
    from datetime import date

    from tariffcli.compare import baskets as bk
    from tariffcli.inputs.files import load_plans

    report = bk.price_baskets(load_plans(), [bk.builtin("itu-2025-low")], day=date(2027, 1, 1))
    bars = charts.basket_bars(report)
    assert [b.fen for b in bars] == [r.cheapest.price for r in report.rows]
    assert all(b.label.startswith("itu-2025-low · ") for b in bars)


def test_matplotlib_is_imported_only_for_a_chart(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from tariffcli.cli.app import main\n"
        "sys.argv = ['tariffcli', 'baskets', '--date', '2027-01-01', '--format', 'json']\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print('MPL', 'matplotlib' in sys.modules, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(ROOT)
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    assert "MPL False" in r.stderr, r.stderr
