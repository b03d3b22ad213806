"""Line breaking for the terminal: East Asian widths, numbers, ids and URLs kept whole, CJK punctuation rules.

:func:`wrap` breaks a text into lines of at most ``width`` terminal cells (rich's cell measure: a Chinese
character is two cells). The rules (README, "Reading it in a terminal"):

* a break goes at a space (dropped) or between two Chinese characters; never inside a run of
  letters, digits and ASCII punctuation, so a number (``1192.10``), a plan id (``cmcc-25jt215455``) or a
  URL is never split; a run longer than the line stands alone on its line, whole;
* a number stays with the word after it (``12 months``, ``50.58 GB``, ``5. text``) and, in Chinese, with
  the characters on both sides (``第 1 名``, ``129元``);
* closing punctuation (``。，、；：）」`` ...) never starts a line and opening punctuation (``（「`` ...)
  never ends one;
* continuation lines carry their own indent (a hanging indent under a bullet).

Pure functions: no terminal is read here; the caller gives the width.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

CLOSING = set("，。、；：！？）》」』】〕〉”’％,.;:!?)]}%")
"""Characters that never start a line."""
OPENING = set("（《「『【〔〈“‘([{")
"""Characters that never end a line."""

_WIDE = "\u1100-\u115f\u2e80-\u303e\u3040-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
_WIDE_RANGES = ((0x1100, 0x115F), (0x2E80, 0x303E), (0x3040, 0xA4CF), (0xAC00, 0xD7A3), (0xF900, 0xFAFF),
                (0xFE30, 0xFE4F), (0xFF00, 0xFF60), (0xFFE0, 0xFFE6))
""":data:`_WIDE` as (first, last) code points: :func:`_wide` tests a character without a regular expression."""
_URL = r"https?://[^\s，。；、（）「」《》]+"
_ATOM_PATTERN = rf"{_URL}|\s+|[{_WIDE}]|[^\s{_WIDE}]+"
"""The atoms of a text: a URL, a run of space, one wide character, or a run of anything else. Compiled on first
use (:func:`_atoms`): its large character classes take milliseconds to compile, and most texts fit on their line."""
_NUMBER = re.compile(r"[#(+-]?\d[\d.,:/%-]*[.)]?")
"""A number, a month or a list number: it stays with the word after it."""
_UNEVEN_SPACE = re.compile(r"[^\S ]| {2}")
"""Space that :func:`wrap` would change (a tab, a run of spaces): a text without it and short enough is kept as it is."""
_MARKER = re.compile(r"(• |- |\* |\d+\. )")
"""A list item's marker: its continuation lines are indented under the text after it."""
_compiled: list[re.Pattern[str]] = []


_ROUGH = re.compile(r"\s+|[\x00-\x08\x0e-\x1b!-\x7f]+|\S")
"""A run of space, a run of ASCII characters that are not space, or any one other character."""


def _atoms(text: str) -> list[str]:
    """The atoms of ``text`` (:data:`_ATOM_PATTERN`). A text without a URL is cut by the small pattern
    :data:`_ROUGH`, and the pieces that are not wide characters are joined back into runs."""
    if "://" in text:
        if not _compiled:
            _compiled.append(re.compile(_ATOM_PATTERN))
        return _compiled[0].findall(text)
    atoms: list[str] = []
    run = ""
    for piece in _ROUGH.findall(text):
        if piece.isspace() or _wide(piece):
            if run:
                atoms.append(run)
                run = ""
            atoms.append(piece)
        else:
            run += piece
    if run:
        atoms.append(run)
    return atoms


MIN_SPLIT_CELLS = 20
"""A run split because it is longer than the terminal is wide keeps its indent when this many cells are left."""


def cells(text: str) -> int:
    """Terminal cells ``text`` takes (rich's measure: two for a wide character)."""
    if text.isascii() and text.isprintable():  # one cell a character, as rich counts them
        return len(text)
    n = _measured.get(text)
    if n is None:
        if not _cell_len:
            from rich.cells import cell_len

            _cell_len.append(cell_len)
        n = _cell_len[0](text)
        if len(_measured) < 8192:
            _measured[text] = n
    return n


_cell_len: list[Any] = []
"""rich's ``cell_len``, imported on the first text that is not plain ASCII."""
_measured: dict[str, int] = {}
"""Texts that are not plain ASCII, measured: a plan's name is measured several times as its table is laid out."""


@dataclass
class _Unit:
    text: str
    space: str
    """The space before it ('' when it follows the previous unit directly)."""
    parts: list[tuple[str, str]] = field(default_factory=list)
    """(space, atom) it is glued from: where it may still break when it is wider than a whole line."""


def _wide(atom: str) -> bool:
    """Whether ``atom`` is one wide character (one of :data:`_WIDE`)."""
    if len(atom) != 1 or atom < "\u1100":
        return False
    code = ord(atom)
    return any(first <= code <= last for first, last in _WIDE_RANGES)


def _glued(prev: str, space: str, nxt: str) -> bool:
    """No break may go between the atoms ``prev`` and ``nxt`` (``space`` between them)."""
    if nxt[0] in CLOSING or prev[-1] in OPENING or nxt == "·":
        return True
    if not space:  # '129元', '第1', '1.5GB流量'; two Chinese characters may part, and so may a URL
        return (not _wide(prev) and prev[-1].isdigit() and _letter(nxt)) or \
               (not _wide(nxt) and nxt.lstrip("-+#(")[:1].isdigit() and _letter(prev))
    if prev in ("•", "-", "*", "·") or _NUMBER.fullmatch(prev):
        return True  # '12 months', '5. text', '• text'
    return bool(_NUMBER.fullmatch(nxt)) and _letter(prev)  # '第 1 名'


def _letter(atom: str) -> bool:
    """A Chinese character that is not punctuation."""
    return _wide(atom) and atom not in CLOSING and atom not in OPENING and not ("\u3000" <= atom <= "\u303f")


def _units(text: str) -> list[_Unit]:
    units: list[_Unit] = []
    space = ""
    prev = ""
    for atom in _atoms(text):
        if atom.isspace():
            space = " "
            continue
        if units and _glued(prev, space, atom):
            units[-1].text += space + atom
            units[-1].parts.append((space, atom))
        else:
            units.append(_Unit(atom, space if units else "", [("", atom)]))
        prev, space = atom, ""
    return units


def _unglue(unit: _Unit) -> list[_Unit]:
    """``unit`` parted where only a number held it together; punctuation stays with its neighbour."""
    out: list[_Unit] = []
    for sp, atom in unit.parts:
        if out and (atom[0] in CLOSING or out[-1].text[-1] in OPENING):
            out[-1].text += sp + atom
        else:
            out.append(_Unit(atom, sp if out else unit.space, [("", atom)]))
    return out


def wrap(text: str, width: int, *, first: str = "", indent: str = "") -> list[str]:
    """``text`` as lines of at most ``width`` cells; the first line starts with ``first``, the others with
    ``indent``. A unit that cannot be broken and is wider than the line stands alone on its line."""
    if "\n" not in text and not _UNEVEN_SPACE.search(text.lstrip(" ").rstrip()) and cells(first + text.rstrip()) <= width:
        return [(first + text.rstrip()).rstrip()]  # fits on one line: what the rules below would make of it
    lines: list[str] = []
    for para in text.split("\n"):
        body = para.lstrip(" ")
        lead = para[: len(para) - len(body)]
        marker = _MARKER.match(body)
        hang = indent + lead + " " * (len(marker.group(0)) if marker else 0)
        line, empty = (first if not lines else indent) + lead, True
        used = cells(line)
        todo = _units(body)
        todo.reverse()
        while todo:
            u = todo.pop()
            w = cells(u.text)
            if w > width - cells(hang) and len(u.parts) > 1:  # too wide for any line: break at its soft glue
                pieces = _unglue(u)
                if len(pieces) > 1:
                    todo += reversed(pieces)
                    continue
            if not empty and used + len(u.space) + w <= width:
                line, used = line + u.space + u.text, used + len(u.space) + w
                continue
            if not empty:
                lines.append(line)
                line, used = hang, cells(hang)
            empty = False
            if used + w <= width:
                line, used = line + u.text, used + w
            elif w <= width:  # fits only without the indent
                line, used = u.text, w
            else:  # wider than the terminal: split at its edge, never cut off (indented when room is left)
                lead_in = line if width - cells(line) >= MIN_SPLIT_CELLS else ""
                parts = [lead_in + x for x in _hard_split(u.text, width - cells(lead_in))]
                lines += parts[:-1]
                line, used = parts[-1], cells(parts[-1])
        lines.append(line.rstrip())
    return lines


def fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with '…' (never half a wide character), then padded to ``width``."""
    text = _cut(text, width)
    return text + " " * max(width - cells(text), 0)


def fit_keeping_tail(text: str, tail: str, width: int) -> str:
    """``text`` + ``tail`` in ``width`` cells: the text is cut ('…'), the tail (a plan id that tells two
    plans of the same name apart) is kept whole when it leaves room for a few cells of text."""
    if cells(text + tail) <= width or width - cells(tail) < 4:
        return fit(text + tail, width)
    return fit(_cut(text, width - cells(tail)) + tail, width)


def _cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells, ending in '…' when cut."""
    if cells(text) <= width:
        return text
    cut, used = "", 0
    for c in text:
        if used + cells(c) > width - 1:
            break
        cut, used = cut + c, used + cells(c)
    return cut + "…"


# ---------------------------------------------------------------- a ranked table that wraps by these rules


@dataclass(frozen=True)
class Block:
    """One plan in a :class:`PlanTable`: rank, name and amounts on the first line, details under the name."""

    rank: str
    name: str
    numbers: tuple[str, ...]
    details: tuple[str, ...] = ()
    """Lines under the name, each wrapped to the right edge with a hanging indent."""
    style: str | None = None
    dim_first_detail: bool = True


@dataclass(frozen=True)
class Heading:
    """A section heading inside a :class:`PlanTable` (spans the name and amount columns)."""

    text: str


@dataclass(frozen=True)
class PlanTable:
    """A ranked plan table for the terminal, laid out at the width rich gives it (:func:`wrap`'s rules).

    Rank column, name column (the rest of the width) and right-aligned amount columns; each plan's details
    (operator, id, notes) go under its name and may use the full width to the right of the rank, so a note
    wraps at the terminal's edge, not at the name column's."""

    title: str
    headers: tuple[str, ...]
    """Rank, name, then one per amount column."""
    rows: tuple[Block | Heading, ...]
    caption: str = ""
    footer: tuple[str, ...] = field(default=())
    spaced: bool = True
    """A blank line between plans (the plan list, with two lines a plan, goes without)."""

    def lines(self, width: int) -> list[tuple[str, str | None]]:
        """The table as (line, style) pairs for ``width`` cells."""
        blocks = [b for b in self.rows if isinstance(b, Block)]
        rank_w = max([cells(self.headers[0])] + [cells(b.rank) for b in blocks])
        num_ws = []
        for i, h in enumerate(self.headers[2:]):
            word = max(cells(w) for w in h.split()) if h.split() else 0
            num_ws.append(max([word] + [cells(b.numbers[i]) for b in blocks]))
        left = rank_w + 2 if rank_w else 0
        name_w = max(width - left - sum(w + 2 for w in num_ws), 10)
        out: list[tuple[str, str | None]] = [(x, "bold") for x in wrap(self.title, width)] if self.title else []
        if self.title:
            out.append(("", None))
        heads = [wrap(h, w) for h, w in zip(self.headers[2:], num_ws, strict=True)]
        depth = max([len(h) for h in heads] + [1])
        for k in range(depth):
            line = _pad_to(" " * left + (self.headers[1] if k == depth - 1 else ""), left + name_w)
            for head, w in zip(heads, num_ws, strict=True):
                part = head[k - (depth - len(head))] if k >= depth - len(head) else ""
                line += "  " + " " * (w - cells(part)) + part
            if k == depth - 1:
                line = " " * (rank_w - cells(self.headers[0])) + self.headers[0] + line[rank_w:]
            out.append((line.rstrip(), "bold"))
        out.append(("─" * width, None))
        for row in self.rows:
            if self.spaced or isinstance(row, Heading):
                out.append(("", None))
            if isinstance(row, Heading):  # a section: a rule, then its heading
                out.append(("─" * width, None))
                out += [(x, "bold") for x in wrap(row.text, width, first=" " * left, indent=" " * left)]
                continue
            names = wrap(row.name, name_w)
            first = _pad_to(" " * (rank_w - cells(row.rank)) + row.rank, left) + _pad_to(names[0], name_w)
            for n, w in zip(row.numbers, num_ws, strict=True):
                first += "  " + " " * (w - cells(n)) + n
            out.append((first, "bold " + row.style if row.style else "bold"))
            out += [(" " * left + n, row.style) for n in names[1:]]
            under = " " * (left or 2)
            for i, d in enumerate(row.details):
                style = "dim" if i == 0 and row.dim_first_detail else row.style
                out += [(x, style) for x in wrap(d, width, first=under, indent=under)]
        if self.caption or self.footer:
            out.append(("", None))
        out += [(x, None) for t in ((self.caption,) if self.caption else ()) + self.footer for x in wrap(t, width)]
        return out

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.text import Text

        for line, style in self.lines(options.max_width):
            yield Text(line, style=style or "", no_wrap=True, overflow="ignore", end="\n")


def _pad_to(text: str, width: int) -> str:
    return text + " " * max(width - cells(text), 0)


def _hard_split(text: str, width: int) -> list[str]:
    """``text`` (wider than ``width``) in pieces of at most ``width`` cells: the last resort for a URL or id
    longer than the terminal is wide, which a terminal would otherwise cut off."""
    parts, cur = [], ""
    for c in text:
        if cur and cells(cur + c) > width:
            parts.append(cur)
            cur = ""
        cur += c
    return parts + [cur]


@dataclass(frozen=True)
class Paragraphs:
    """Sentences for the terminal, each wrapped at its width by :func:`wrap`'s rules (indents kept)."""

    texts: tuple[str, ...]
    style: str = ""
    indent: str = ""
    """Added to the indent of every continuation line (a hanging indent)."""

    def __rich_console__(self, console: Any, options: Any) -> Iterator[Any]:
        from rich.text import Text

        for t in self.texts:
            for line in wrap(t, options.max_width, indent=self.indent):
                yield Text(line, style=self.style, no_wrap=True, overflow="ignore", end="\n")


def text_block(text: str) -> Paragraphs:
    """Lines of plain text (a ``--cite`` sources footer, an offer's sentences) for the terminal: each wrapped at
    its width by :func:`wrap`'s rules with a hanging indent of two cells, so a URL stays whole on its own indented
    line when it fits and is split only when it is longer than the terminal is wide."""
    return Paragraphs(tuple(text.split("\n")), indent="  ")
