"""render.plain writes a PlanTable exactly as rich prints it to a pipe (cropped at the width, ends stripped)."""

from __future__ import annotations

import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tariffcli.render.layout import Block, Heading, PlanTable
from tariffcli.render.plain import plain_text


def rich_text(table: object, width: int) -> str:
    """What cli.output.emit_table printed before the fast path: rich to a buffer, each line stripped."""
    from rich.console import Console

    buf = io.StringIO()
    Console(file=buf, width=width, no_color=True, highlight=False, force_terminal=False).print(table)
    return "".join(line.rstrip() + "\n" for line in buf.getvalue().splitlines())


def table(names: list[str], title: str = "Plans (3)") -> PlanTable:
    rows: list[Block | Heading] = [
        Block(str(i + 1), name, ("129.00", "unlimited", "100 GB", "on sale", "2026-11"),
              (f"China Mobile · cmcc-5g-{i} · 广东 {name}",)) for i, name in enumerate(names)]
    rows.insert(1, Heading("其他套餐 Other plans"))
    return PlanTable(title, ("#", "Plan", "Fee", "Min", "Data", "Status", "Checked"), tuple(rows), spaced=False)


NAMES = ["5G 智享套餐 128元档（个人版）", "A plan with a very long name that wraps over several lines at 60 columns",
         "x" * 130, "全国通用流量１００ＧＢ畅享包，含视频会员权益，每月自动续订，直至用户主动取消为止。"]


@pytest.mark.parametrize("width", [1, 8, 20, 39, 40, 60, 80, 120, 200])
def test_same_bytes_as_rich(width: int) -> None:
    t = table(NAMES)
    assert plain_text(t, width) == rich_text(t, width)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=40), min_size=1,
                max_size=4), st.integers(1, 130))
def test_same_bytes_as_rich_or_declines(names: list[str], width: int) -> None:
    t = table(names)
    text = plain_text(t, width)
    assert text is None or text == rich_text(t, width)


def test_declines_what_rich_treats_specially() -> None:
    assert plain_text(table(["bell\x07here"]), 80) is None
    assert plain_text("not a table", 80) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab1. 　\t，（元第") + ["5G", "https://x.cn/a", "  ", "中文"]), max_size=30).map("".join),
       st.integers(1, 40), st.sampled_from(["", "  ", "• "]), st.sampled_from(["", "    "]))
def test_wrap_one_line_shortcut_is_what_the_rules_make(text: str, width: int, first: str, indent: str) -> None:
    from tariffcli.render.layout import wrap

    # with a newline at the end the whole rule set runs (the shortcut takes one paragraph only)
    assert wrap(text, width, first=first, indent=indent) == wrap(text + "\n", width, first=first, indent=indent)[:-1]
