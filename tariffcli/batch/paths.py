"""Which files a batch input names: a file, a directory or a glob pattern, each real file once.

:func:`input_files` walks directories itself rather than through :func:`glob.glob`
or :meth:`pathlib.Path.rglob`: it follows symlinks to directories (an extract
split over linked folders is read whole) but enters each real directory once,
so a symlink loop (``a/loop -> ..``) ends, and a file reached under two names
(a symlink, a hard link, a linked folder) is read once, under the first name in
sorted order. Nothing here opens a file.
"""

from __future__ import annotations

import fnmatch
import functools
import os
import re
import stat
from pathlib import Path

from tariffcli.model.errors import UsageError

__all__ = ["MAGIC", "input_files", "match_parts"]

MAGIC = re.compile(r"[*?\[]")
"""A glob pattern has one of these characters."""


def _identity(st: os.stat_result) -> tuple[int, int]:
    return st.st_dev, st.st_ino


def _part_matches(name: str, part: str, hidden: bool) -> bool:
    """One path component against one pattern component, as :mod:`glob` matches it."""
    if not MAGIC.search(part):
        return name == part
    if name.startswith(".") and not hidden and not part.startswith("."):
        return False  # as glob: '*' does not match a hidden name
    return fnmatch.fnmatchcase(name, part)


def match_parts(names: tuple[str, ...], parts: tuple[str, ...], hidden: bool = False) -> bool:
    """Whether the path components ``names`` match the pattern components ``parts`` (``**``: any directories).

    Memoised over positions, so patterns with several ``**`` stay linear in the path's depth times the
    pattern's length.
    """

    @functools.cache
    def at(i: int, j: int) -> bool:
        if j == len(parts):
            return i == len(names)
        if parts[j] == "**":
            if at(i, j + 1):
                return True
            last = j == len(parts) - 1  # a final '**' matches files too, as in glob
            return (i < len(names) - (0 if last else 1) and (hidden or not names[i].startswith("."))
                    and at(i + 1, j))
        return i < len(names) and _part_matches(names[i], parts[j], hidden) and at(i + 1, j + 1)

    return at(0, 0)


def _walk(root: Path, depth: int | None) -> list[tuple[Path, tuple[str, ...]]]:
    """Every regular file under ``root`` (symlinks followed, each real directory entered once), with its
    path components below ``root``; ``depth`` bounds how many directory levels are entered (None: all)."""
    found: list[tuple[Path, tuple[str, ...]]] = []
    try:
        seen = {_identity(root.stat())}
    except OSError:
        return found
    stack: list[tuple[Path, tuple[str, ...]]] = [(root, ())]
    while stack:
        folder, rel = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:  # unreadable, or gone meanwhile: skipped, as glob does
            continue
        below: list[tuple[Path, tuple[str, ...]]] = []
        for entry in entries:
            try:
                st = entry.stat()  # follows symlinks; a loop (ELOOP) or a dangling link raises
            except OSError:
                continue
            here = (*rel, entry.name)
            if stat.S_ISDIR(st.st_mode):
                if (depth is None or len(here) <= depth) and _identity(st) not in seen:
                    seen.add(_identity(st))
                    below.append((Path(entry.path), here))
            elif stat.S_ISREG(st.st_mode):
                found.append((Path(entry.path), here))
        stack.extend(reversed(below))  # depth first, in name order
    return found


def _once(files: list[Path]) -> tuple[Path, ...]:
    """``files`` sorted, each real file once (the first name wins)."""
    out: list[Path] = []
    seen: set[tuple[int, int]] = set()
    for f in sorted(files, key=str):
        try:
            key = _identity(f.stat())
        except OSError:
            continue
        if key not in seen:
            seen.add(key)
            out.append(f)
    return tuple(out)


def _split_pattern(pattern: str) -> tuple[Path, tuple[str, ...]]:
    """(the folder before the first magic component, the components from there on)."""
    parts = Path(pattern).parts
    k = next(i for i, p in enumerate(parts) if MAGIC.search(p))
    root = Path(*parts[:k]) if k else Path(".")
    return root, tuple(p for p in parts[k:] if p not in ("", "."))


def _glob(pattern: str) -> list[Path]:
    root, parts = _split_pattern(pattern)
    recursive = "**" in parts
    found = _walk(root, None if recursive else len(parts) - 1)
    return [path for path, rel in found if match_parts(rel, parts)]


def input_files(pattern: str, wanted: tuple[str, ...]) -> tuple[Path, ...]:
    """A file, every file with a ``wanted`` suffix under a directory, or the files a glob pattern matches.

    Sorted, each real file once; a path that is neither a regular file nor a
    directory (a FIFO, a device) is refused rather than read.
    """
    path = Path(pattern)
    if MAGIC.search(pattern):
        files = _once(_glob(pattern))
        if not files:
            raise UsageError(f"no file matches {pattern!r}", field="input")
        return files
    try:
        st = path.stat()
    except OSError:
        raise UsageError(f"no such file or directory: {pattern}", field="input") from None
    if stat.S_ISDIR(st.st_mode):
        files = _once([f for f, rel in _walk(path, None) if f.name.lower().endswith(wanted)])
        if not files:
            raise UsageError(f"no .csv or .parquet file in {pattern}", field="input")
        return files
    if not stat.S_ISREG(st.st_mode):
        raise UsageError(f"{pattern}: not a regular file (a FIFO, device or socket cannot be read in chunks); "
                         "give a .csv or .parquet file", field="input")
    return (path,)
