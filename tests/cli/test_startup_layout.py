"""The line breaker's quicker paths (start-up time) cut and measure texts exactly as before."""

from __future__ import annotations

import random
import re

from tariffcli.render import layout


def test_wide_by_code_point_is_the_character_class() -> None:
    wide = re.compile(f"[{layout._WIDE}]")
    for code in range(0x10000 + 64):
        c = chr(code)
        assert layout._wide(c) == bool(wide.fullmatch(c)), hex(code)
    for text in ("", "ab", "中文", "中a"):
        assert layout._wide(text) == bool(wide.fullmatch(text))


def test_atoms_of_a_text_without_a_url_are_the_full_pattern_s() -> None:
    full = re.compile(layout._ATOM_PATTERN)
    pool = [chr(c) for c in range(0x80)] + list("中文，。（）「」《》、；：！？·•’“”é\u3000\xa0\u2028\u303f\u1100\u115f"
                                                "\u2e80\uff01\uffe6\uffe7\U0001F600ÄßЖ") + ["ab", "12", "http"]
    rnd = random.Random(14)
    for _ in range(20000):
        text = "".join(rnd.choice(pool) for _ in range(rnd.randint(0, 14)))
        assert layout._atoms(text) == full.findall(text), repr(text)
    for code in range(0x0, 0x20000, 7):
        c = chr(code)
        for text in (c, f"a{c}b", f"中{c}文", c + c, f"1 {c}"):
            assert layout._atoms(text) == full.findall(text), repr(text)


def test_atoms_with_a_url() -> None:
    text = "见 https://example.com/资费?a=1，或 http://x.cn 。"
    assert layout._atoms(text) == re.findall(layout._ATOM_PATTERN, text)


def test_cells_remembered_are_rich_s() -> None:
    from rich.cells import cell_len

    for text in ("中文", "动感地带潮玩卡-79元", "a\tb", "é", "abc", ""):
        assert layout.cells(text) == cell_len(text)
        assert layout.cells(text) == cell_len(text)
