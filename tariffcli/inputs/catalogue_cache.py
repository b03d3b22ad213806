"""The catalogue cache: plans already parsed, kept in the user's cache folder, keyed by the text they came from.

Part of the file side, with :mod:`tariffcli.inputs.files` (whose ``load_plans`` is the
only user): the core never sees the cache. One cache file per set of plan inputs
(the bundled catalogue, or the ``--plans`` given) holds one entry per plan file that
parsed cleanly. A file with a problem is never in it, so its problems are found by
parsing it again and read exactly as without a cache.

* An entry's key is a hash of the file's name as shown in messages and of its text:
  an edited or added file has no entry and is parsed; a removed file's entry is
  unused, and dropped when the cache is written back.
* The whole file records the loader's schema version (:data:`SCHEMA_VERSION`), the
  package version and a fingerprint of the loader's code, Python and pydantic; it is
  ignored when any of them differs.
* It is written to a temporary file in the cache folder and renamed over the old one,
  so concurrent runs never see a torn file (the last one to finish wins).
* Beside it, a signature index (``catalogue-<inputs>.files.json``, :class:`SignatureIndex`) gives the key of
  each plan file whose signature (device, inode, size, ``mtime_ns``, ``ctime_ns``) has not changed since it was
  read, so that a warm run neither reads nor hashes the files: see :meth:`CatalogueCache.read`.
* ``$TARIFFCLI_CACHE_DIR`` names the folder; ``$TARIFFCLI_NO_CACHE=1`` turns the cache
  off. A folder that cannot be written, or a file that is damaged, foreign (another
  owner, writable by others) or too large, is left out silently: the plans are parsed.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import pickle
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tariffcli.inputs.catalogue import parse_plan
from tariffcli.inputs.catalogue_facts import CACHE_DIR_ENV as CACHE_DIR_ENV  # the names this module always had
from tariffcli.inputs.catalogue_facts import (
    LOADER_MODULES,
    CacheMiss,
    cache_file,
    entry_key,
    package_version,
    read_facts,
    read_own_stat,
    write_atomically,
    write_facts,
)
from tariffcli.inputs.catalogue_facts import MAX_CACHE_BYTES as MAX_CACHE_BYTES
from tariffcli.inputs.catalogue_facts import NO_CACHE_ENV as NO_CACHE_ENV
from tariffcli.inputs.catalogue_facts import cache_dir as cache_dir
from tariffcli.model.plan import Plan
from tariffcli.model.plan_facts import PlanFacts
from tariffcli.model.terms import PhaseTerms, PlanTerms, plan_terms, remember

Entry = tuple[Plan, PlanTerms | None]
"""A cache entry: a plan, and its terms as integers (:mod:`tariffcli.model.terms`; None if they could not be had)."""

SCHEMA_VERSION = 2
"""Bumped whenever what the loader makes of a plan file changes in a way the code fingerprint would miss."""
MAGIC = b"tariffcli-catalogue-cache\n"
"""The first bytes of every cache file."""
INDEX_SCHEMA = 1
"""Bumped whenever the signature index (:class:`SignatureIndex`) changes shape."""
SETTLED_NS = 3_000_000_000
"""How long before the cache folder's last write (by an earlier run) a plan file must have last changed for its
signature to be kept in the index: a write in the same tick of a coarse file-system clock (2 s on FAT) cannot
go unseen (git's "racy" entries)."""


SIGNATURES = sys.platform != "win32"
"""Whether plan files may be known by their signatures: not on Windows, whose ``st_ctime`` is when a file was
made, not when it last changed (an edit keeping the time and size would go unseen)."""


class KnownText(str):
    """Stands for the text of a plan file known by its signature: as long as the text (``plan_files`` counts
    characters), with the text's key. It is never parsed: the cache holds the plan under that key."""

    key: str


def signature(st: os.stat_result) -> list[int]:
    """What tells that a file was not written since: device, inode, size, and the times of its last change in
    nanoseconds (``mtime``, and ``ctime``, which no user can set back)."""
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def stamp(version: str, code: str) -> dict[str, object]:
    """What a cache must have been written by to be used: schema version, package version, loader code."""
    return {"schema": SCHEMA_VERSION, "version": version, "code": code}


def encode(entries: Mapping[str, Entry], version: str, code: str) -> bytes:
    """The bytes of a cache holding ``entries`` (key -> plan and terms), written by ``version`` with loader ``code``.

    Equal parts of different plans (a source, a rounding rule, a data rate...) are written once
    (:func:`shared_parts`), so that reading the cache makes each of them once."""
    header = json.dumps(stamp(version, code), sort_keys=True).encode("ascii")
    return MAGIC + header + b"\n" + pickle.dumps(shared_parts(entries), protocol=pickle.HIGHEST_PROTOCOL)


def shared_parts(entries: Mapping[str, Entry]) -> dict[str, Entry]:
    """``entries`` with their plans' parts (every model inside a plan, at any depth) that are equal made one
    object: copies of the plans, each part replaced by the first part of its kind with the same state.

    Parts are immutable (frozen models), so plans may share them, as ``model_copy`` already makes them do;
    two parts are the same when they pickle to the same bytes (same class, fields, and fields set), so parts
    that merely compare equal (``8`` and ``8.00``) stay apart. A real catalogue repeats most of its parts
    (sources, rates, rounding rules): its cache holds about a third as many objects."""
    from pydantic import BaseModel

    seen: dict[tuple[type, bytes], BaseModel] = {}

    def with_fields(model: BaseModel, fields: dict[str, object]) -> BaseModel:
        copy = type(model).__new__(type(model))
        copy.__setstate__({**model.__getstate__(), "__dict__": fields})  # exactly what unpickling does
        return copy

    def part(value: object) -> object:
        if isinstance(value, tuple | list):
            parts = [part(v) for v in value]
            if all(a is b for a, b in zip(parts, value, strict=True)):
                return value
            return type(value)(parts) if type(value) in (tuple, list) else value  # (a named tuple is left whole)
        if isinstance(value, BaseModel):
            copy = with_fields(value, {k: part(v) for k, v in value.__dict__.items()})
            return seen.setdefault((type(value), pickle.dumps(copy, protocol=pickle.HIGHEST_PROTOCOL)), copy)
        return value

    return {key: (with_fields(plan, {k: part(v) for k, v in plan.__dict__.items()}), terms)  # type: ignore[misc]
            for key, (plan, terms) in entries.items()}


def decode(data: bytes, version: str, code: str) -> dict[str, Entry]:
    """The entries of cache bytes written by ``version`` with loader ``code``; :class:`CacheMiss` otherwise.

    Damaged bytes of any kind raise :class:`CacheMiss`, never another error.
    """
    if not data.startswith(MAGIC):
        raise CacheMiss("not a catalogue cache")
    end = data.find(b"\n", len(MAGIC))
    try:
        header = json.loads(data[len(MAGIC):end]) if end > 0 else None
    except ValueError:
        header = None
    if header != stamp(version, code):
        raise CacheMiss("written by another version")
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes tens of thousands of containers and no garbage: collections would only rescan them
    try:
        entries = pickle.loads(memoryview(data)[end + 1:])
    except Exception as exc:  # a damaged pickle can raise almost anything
        raise CacheMiss(f"damaged: {type(exc).__name__}") from None
    finally:
        if not gc.get_freeze_count():  # (a program that freezes objects itself, before forking, is left alone)
            gc.freeze()  # the plans join the oldest generation at once: no young collection walks them all
            gc.unfreeze()
        if collecting:
            gc.enable()
    if not isinstance(entries, dict) or not all(isinstance(k, str) and _is_entry(v) for k, v in entries.items()):
        raise CacheMiss("damaged: unexpected contents")
    return entries


def _is_entry(value: object) -> bool:
    if type(value) is not tuple or len(value) != 2 or type(value[0]) is not Plan:
        return False
    terms = value[1]
    return terms is None or (type(terms) is PlanTerms and all(type(p) is PhaseTerms for p in terms.phases))


def terms_of(plan: Plan) -> PlanTerms | None:
    """The terms of a plan to store with it; None for a plan whose terms cannot be worked out (the engine will
    say why when it is compiled)."""
    try:
        return plan_terms(plan)
    except (ValueError, ArithmeticError, KeyError, AttributeError, TypeError):
        return None


def loader_code() -> str:
    """A fingerprint of the loader's code (size and time of each module), of Python and of pydantic."""
    import pydantic

    here = Path(__file__).resolve().parent.parent
    parts = [sys.version, pydantic.VERSION]
    for name in LOADER_MODULES:
        with contextlib.suppress(OSError):
            st = os.stat(here / name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


class CatalogueCache:
    """The cache file of one set of plan inputs: read once, written back when it should change."""

    def __init__(self, path: Path, version: str, code: str, entries: dict[str, Entry]) -> None:
        self.path, self.version, self.code = path, version, code
        self.entries = entries
        """The entries read from the file (empty when there was none, or it could not be used)."""
        self.used: dict[str, Entry] = {}
        """The entries of every plan file read in this run: what is written back."""
        self.index: dict[str, object] = {}
        """The signature index read (display name -> the file's :func:`signature`, its length and key)."""
        self.settled_before: int | None = None
        """A plan file last changed before this time (``st_mtime_ns``) may have its signature kept: the time of
        the cache folder's last write, by an earlier run, less :data:`SETTLED_NS` (None: no earlier write)."""
        self.seen: dict[str, list[object]] = {}
        """The signature index of this run: what is written back."""
        self._taken: dict[str, list[int]] = {}
        self._unsettled = False

    @property
    def index_path(self) -> Path:
        """The signature index: ``catalogue-<inputs>.files.json`` beside the cache file."""
        return self.path.with_name(self.path.name[: -len(".bin")] + ".files.json")

    @classmethod
    def open(cls, inputs: Sequence[Path]) -> CatalogueCache | None:
        """The cache of ``inputs`` (its entries and signature index read when there and usable); None when turned off."""
        base = cache_file(inputs)
        if base is None:
            return None
        cache = cls(base.with_name(base.name + ".bin"), package_version(), loader_code(), {})
        written: list[int] = []
        with contextlib.suppress(OSError, CacheMiss):
            data, st = read_own_stat(cache.path)
            written.append(st.st_mtime_ns)
            cache.entries = decode(data, cache.version, cache.code)
        with contextlib.suppress(OSError, CacheMiss, ValueError):
            data, st = read_own_stat(cache.index_path)
            written.append(st.st_mtime_ns)
            doc = json.loads(data)
            if isinstance(doc, dict) and doc.get("schema") == INDEX_SCHEMA and isinstance(doc.get("files"), dict):
                cache.index = doc["files"]
        if written and SIGNATURES:
            cache.settled_before = max(written) - SETTLED_NS
        return cache

    def reader(self, read_text: Callable[[Path, str], str]) -> Callable[[Path, str], str]:
        """The ``read`` of :func:`~tariffcli.inputs.files.plan_files` for these inputs: a plan file's text is
        ``read_text(path, display)``, unless the file is known by its signature (:meth:`read`)."""
        return lambda path, display: self.read(path, display, read_text)

    def read(self, path: Path, display: str, read_text: Callable[[Path, str], str]) -> str:
        """The text of a plan file: a :class:`KnownText`, without reading the file, when its signature is the
        one in the index and the cache holds its plan; else ``read_text(path, display)`` (its signature taken
        for the index when the file has settled)."""
        try:
            st = os.stat(path)
        except OSError:
            return read_text(path, display)  # reports the file as it would without a cache
        sig = signature(st)
        known = self.index.get(display) if self.settled_before is not None else None
        if type(known) is list and len(known) == 7 and known[:5] == sig and type(known[5]) is int \
                and type(known[6]) is str and known[6] in self.entries and 0 <= known[5] <= st.st_size:
            known_text = KnownText(" " * known[5])
            known_text.key = known[6]
            self.seen[display] = known
            return known_text
        text = read_text(path, display)
        if self.settled_before is not None and max(st.st_mtime_ns, st.st_ctime_ns) < self.settled_before:
            self._taken[display] = sig  # kept once the file parses (see parse)
        else:
            self._unsettled = True  # the index is written again, so that a later run may keep this signature
        return text

    def parse(self, text: str, source: str) -> Plan:
        """The plan of one file: from the cache when it holds this text under this name, else parsed."""
        key = text.key if isinstance(text, KnownText) else entry_key(source, text)
        entry = self.entries.get(key)
        if entry is None:
            entry = (parse_plan(text, source), None)  # a file with a problem raises here and never enters the cache
        plan, terms = entry
        if terms is not None:
            remember(plan, terms)  # the engine compiles this plan without converting a single amount
        self.used[key] = entry
        taken = self._taken.pop(source, None)
        if taken is not None:
            self.seen[source] = [*taken, len(text), key]
        return plan

    def save(self) -> None:
        """Write the entries used in this run, when they differ from the file's, and their facts
        (:mod:`tariffcli.inputs.catalogue_facts`) when the facts file's keys differ; any failure is silent."""
        if self.used.keys() != self.entries.keys():
            try:
                data = encode({k: (p, t or terms_of(p)) for k, (p, t) in self.used.items()}, self.version, self.code)
            except Exception:  # the cache only saves time: a failure to write it (any failure) must not fail the run
                return
            write_atomically(self.path, [data])
        base = self.path.with_suffix("")
        if (read_facts(base) or {}).keys() != self.used.keys():
            write_facts(base, {k: PlanFacts.of(p).to_row() for k, (p, _) in self.used.items()})
        if SIGNATURES and (self.seen != self.index or self._unsettled):
            doc = {"schema": INDEX_SCHEMA, "files": self.seen}
            # ASCII JSON: a file name that is not UTF-8 (kept as lone surrogates) is written as \u escapes
            write_atomically(self.index_path, [json.dumps(doc).encode("ascii")])
