"""The catalogue's plans as :class:`~tariffcli.model.plan_facts.PlanFacts`, straight from the catalogue
cache's facts file (:mod:`tariffcli.inputs.catalogue_facts`): what ``tariffcli plans list`` needs, read
without the YAML reader, the plan model or pydantic.

Each plan file is found by its key (its name and text, :func:`~tariffcli.inputs.catalogue_facts.entry_key`).
To skip reading the text, the facts file also keeps each file's signature (device, inode, size, and the
times of its last change in nanoseconds, ``mtime`` and ``ctime``, which no user can set back) beside its key:
a file whose signature is the same was not written since, so its key holds. A signature is kept only for a
file last changed more than :data:`SETTLED_NS` before it was taken, so that a write in the same tick of a
coarse file-system clock cannot go unseen (git's "racy" entries).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tariffcli.inputs.catalogue_facts import cache_file, entry_key, read_facts_file, write_facts
from tariffcli.inputs.files import catalogue_dir, plan_files, read_text
from tariffcli.model.errors import DataError, UsageError
from tariffcli.model.plan_facts import PlanFacts

SETTLED_NS = 3_000_000_000
"""How long before a signature is taken a file must have last changed for the signature to be kept."""


class KnownText(str):
    """Stands for the text of a plan file whose signature matched: as long as the text (``plan_files`` counts
    characters), with the text's key."""

    key: str


def _signature(st: os.stat_result) -> list[int]:
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def load_plan_facts(paths: Sequence[Path] | None, now_ns: int) -> tuple[PlanFacts, ...] | None:
    """The facts of the plans :func:`load_plans` would give (:class:`~tariffcli.model.plan_facts.PlanFacts`,
    same order), from the catalogue cache's facts file without parsing or importing the plan model; None when
    that cannot answer (cache off or cold, a file changed, added or unreadable, two plans with one id):
    then :func:`load_plans` reads the plans and reports any problem. ``now_ns``: the time now in nanoseconds since the epoch
    (the caller reads the clock), to tell a file that has settled from one that may still be being written."""
    inputs = list(paths) if paths else [catalogue_dir()]
    base = cache_file(inputs)
    doc = None if base is None else read_facts_file(base)
    if base is None or doc is None:
        return None
    rows, known = doc["plans"], doc["files"]
    seen: dict[str, Any] = {}
    now = now_ns

    def read(path: Path, display: str) -> str:
        st = os.stat(path)
        sig = _signature(st)
        entry = known.get(display)
        if isinstance(entry, list) and len(entry) == 7 and entry[:5] == sig and isinstance(entry[6], str) \
                and isinstance(entry[5], int) and 0 <= entry[5] <= st.st_size:
            known_text = KnownText(" " * entry[5])
            known_text.key = entry[6]
            seen[display] = entry
            return known_text
        text = read_text(path, display)
        if now - max(st.st_mtime_ns, st.st_ctime_ns) > SETTLED_NS:
            seen[display] = [*sig, len(text), entry_key(display, text)]
        return text

    try:
        files, problems = plan_files(inputs, read)
        keys = [text.key if isinstance(text, KnownText) else entry_key(source, text) for source, text in files]
        facts = [PlanFacts.from_row(rows[k]) for k in keys]
    except (OSError, DataError, UsageError, KeyError, ValueError, TypeError, ArithmeticError):
        return None
    if problems or len({f.id for f in facts}) != len(facts):
        return None
    if seen != known:  # signatures first taken, or changed: kept for the next run
        write_facts(base, rows, seen)
    return tuple(sorted(facts, key=lambda f: (f.id, f.origin or "")))
