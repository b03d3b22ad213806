"""Text from a file, made safe to show: nothing in a plan, bill or basket can drive a terminal or inject markup.

Plan files, bills, records and baskets are written by anyone. Their text is
kept exactly as read (the model and JSON hold it raw: it is data); the
renderers pass it through this module before it reaches a terminal, a text
file, a CSV or Markdown:

- **Control characters are shown escaped**, never sent: C0 (U+0000-U+001F,
  ESC, BEL, BS, CR, NUL ...), DEL (U+007F) and C1 (U+0080-U+009F, e.g. the
  one-byte CSI U+009B), so no escape sequence (CSI, OSC such as a window
  title or OSC 52 clipboard write, DCS) can start. ``\\n``, ``\\t`` and
  ``\\r`` are written so; others as ``\\x1b``.
- **Characters that reorder or split what is shown** are escaped too: the
  bidirectional embeddings and overrides U+202A-U+202E, the isolates
  U+2066-U+2069 (``\\u202e``) and the line and paragraph separators
  U+2028-U+2029.
- :func:`one_line` escapes them all (a name, an operator, a note inside a
  sentence: a newline in it cannot fake a line of output); :func:`text_block`
  keeps newline and tab (a whole rendered text, a multi-line CSV cell).
- Markdown (:func:`md_text`, :func:`md_link`): the above, then the characters
  that make markup: ``\\ | [ ]`` are backslash-escaped and ``& < >`` become
  entities, so ``<script>``, ``<img onerror=...>``, raw HTML, autolinks and
  ``[text](javascript:...)`` stay text. Only ``http(s)`` addresses become links.

Normal text (letters of any script, punctuation, emoji) is returned unchanged,
so the output of ordinary plans does not change by a byte.
"""

from __future__ import annotations

import re

__all__ = ["escape_controls", "is_web_url", "md_link", "md_text", "one_line", "text_block"]

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Every character that is escaped: C0, DEL, C1, line/paragraph separators, bidi embeddings, overrides, isolates."""
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
_MD_SPECIAL = re.compile(r"[\\|\[\]&<>]")
_MD_REPLACE = {"\\": "\\\\", "|": "\\|", "[": "\\[", "]": "\\]", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
_WEB_URL = r"https?://[^\s<>\\|`\"'\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]+"
"""A web address (compiled by :mod:`re` on first use, ignoring case: start-up time)."""


def _escaped(c: str) -> str:
    if c in _NAMED:
        return _NAMED[c]
    n = ord(c)
    return f"\\x{n:02x}" if n < 0x100 else f"\\u{n:04x}"


def escape_controls(text: str, keep: str = "") -> str:
    """``text`` with every control, bidi-override and separator character written as an escape (``\\x1b``,
    ``\\u202e``), except the characters in ``keep``. Text without such characters is returned as it is."""
    if _UNSAFE.search(text) is None:
        return text
    return _UNSAFE.sub(lambda m: m.group() if m.group() in keep else _escaped(m.group()), text)


def one_line(text: str) -> str:
    """File text for one line of output: every control character escaped, newline and tab included."""
    return escape_controls(text)


def text_block(text: str) -> str:
    """A whole rendered text: every control character escaped except newline and tab."""
    return escape_controls(text, keep="\n\t")


def md_text(text: str) -> str:
    """Text as Markdown that shows it literally, on one line (a table cell, a list item, a footnote):
    ``\\ | [ ]`` escaped with a backslash, ``& < >`` as entities, a line break as a space, controls escaped."""
    text = _MD_SPECIAL.sub(lambda m: _MD_REPLACE[m.group()], text).replace("\r\n", " ").replace("\n", " ")
    return one_line(text)


def is_web_url(url: str) -> bool:
    """An ``http://`` or ``https://`` address with nothing in it that could end a Markdown link or hide text."""
    return re.fullmatch(_WEB_URL, url, re.IGNORECASE) is not None


def md_link(url: str) -> str:
    """``<url>`` (a Markdown autolink) for an http(s) address; anything else (``javascript:``, ``data:``,
    ``file:``, text with spaces or brackets) as escaped text that no renderer turns into a link."""
    return f"<{url}>" if is_web_url(url) else md_text(url)
