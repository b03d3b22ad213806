"""The light side of the catalogue cache: where it lives, its keys, and the facts file that
``tariffcli plans list`` reads without pydantic (:mod:`tariffcli.inputs.catalogue_cache` holds the parsed plans).

Beside each cache file of parsed plans (``catalogue-<inputs>.bin``) the loader keeps a facts file
(``catalogue-<inputs>.facts.json``): for each plan file that parsed cleanly, under the same key (its name
and text), the :class:`~tariffcli.model.plan_facts.PlanFacts` of its plan. It is JSON (it never runs code),
carries a stamp like the plans' cache (schema, package version, a fingerprint of the loader's code, Python
and pydantic, taken without importing pydantic), is written atomically with the plans' cache, and is
rewritten whenever its keys are not the plans' cache's. A reader uses it only when every plan file of the
inputs has an entry, so a changed, added or broken file always goes through the parser.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

try:  # BLAKE2 without hashlib's OpenSSL bindings, which take longer to load than a warm plans list reads its facts
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - not CPython
    from hashlib import blake2b

FACTS_SCHEMA = 1
"""Bumped whenever the facts of a plan change shape."""

CACHE_DIR_ENV = "TARIFFCLI_CACHE_DIR"
"""The environment variable naming the cache folder (default: the user's cache folder)."""
NO_CACHE_ENV = "TARIFFCLI_NO_CACHE"
"""The environment variable that, set to anything but 0 or nothing, turns the catalogue cache off."""
MAX_CACHE_BYTES = 256_000_000
"""A cache file larger than this is not read (the plans are parsed instead)."""

LOADER_MODULES = ("model/plan.py", "model/units.py", "model/money.py", "model/limits.py", "model/errors.py",
                  "model/terms.py", "inputs/catalogue.py", "inputs/validation.py", "inputs/yaml_located.py", "inputs/catalogue_cache.py",
                  "inputs/catalogue_facts.py", "model/plan_facts.py")
"""The modules whose code decides what a plan file becomes: a change to any of them empties the cache."""


class CacheMiss(Exception):
    """Cache bytes that cannot be used: another version, another loader, or damaged. Never shown to the user."""


def entry_key(source: str, text: str) -> str:
    """The key of a plan file's entry: its name as shown in messages, and its text."""
    h = blake2b(digest_size=20)
    h.update(source.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def cache_dir() -> Path | None:
    """The folder of the catalogue cache: ``$TARIFFCLI_CACHE_DIR``, else the user's cache folder
    (``$XDG_CACHE_HOME/tariffcli`` or ``~/.cache/tariffcli``; ``~/Library/Caches/tariffcli`` on macOS,
    ``%LOCALAPPDATA%\\tariffcli\\Cache`` on Windows); None when ``$TARIFFCLI_NO_CACHE`` is set or no folder is known.
    """
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    given = os.environ.get(CACHE_DIR_ENV, "").strip()
    if given:
        return Path(given)
    try:
        if sys.platform == "win32":
            base = os.environ.get("LOCALAPPDATA", "")
            return Path(base, "tariffcli", "Cache") if base else None
        if sys.platform == "darwin":
            return Path.home() / "Library" / "Caches" / "tariffcli"
        xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
        return Path(xdg if os.path.isabs(xdg) else Path.home() / ".cache", "tariffcli")
    except RuntimeError:  # no home folder
        return None


def cache_file(inputs: Sequence[Path]) -> Path | None:
    """The cache file of ``inputs`` without its suffix (``.bin`` for the plans, ``.facts.json`` for their
    facts); None when the cache is turned off."""
    folder = cache_dir()
    if folder is None:
        return None
    where = "\0".join(os.path.realpath(p) for p in inputs)
    return folder / f"catalogue-{blake2b(where.encode('utf-8', 'surrogatepass'), digest_size=12).hexdigest()}"


def package_version() -> str:
    """The installed version of tariffcli, from the name of its ``.dist-info`` folder beside the package
    ('source' for a checkout run in place, whose code the fingerprint covers); read without parsing the
    package metadata, which costs more than the rest of a warm start-up."""
    site = Path(__file__).resolve().parent.parent.parent
    try:
        names = [n for n in os.listdir(site) if n.startswith("tariffcli-") and n.endswith(".dist-info")]
    except OSError:
        names = []
    return ",".join(sorted(n[len("tariffcli-"):-len(".dist-info")] for n in names)) or "source"


def facts_code() -> str:
    """A fingerprint of the loader's code (size and time of each module), of Python and of pydantic (its
    ``version.py``, found without importing pydantic)."""
    here = Path(__file__).resolve().parent.parent
    parts = [sys.version]
    for folder in sys.path:
        version = Path(folder or ".", "pydantic", "version.py")
        with contextlib.suppress(OSError, ValueError):
            st = os.stat(version)
            parts.append(f"pydantic:{st.st_size}:{st.st_mtime_ns}")
            break
    for name in LOADER_MODULES:
        with contextlib.suppress(OSError):
            st = os.stat(here / name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


def facts_stamp() -> dict[str, Any]:
    """What a facts file must have been written by to be used."""
    return {"schema": FACTS_SCHEMA, "version": package_version(), "code": facts_code()}


def read_facts(base: Path) -> dict[str, Any] | None:
    """The rows of the facts file of cache file ``base`` (key -> facts as JSON values); None when there is
    none, or it is foreign, damaged or stamped by another loader."""
    doc = read_facts_file(base)
    return None if doc is None else doc["plans"]


def read_facts_file(base: Path) -> dict[str, Any] | None:
    """The whole facts file of cache file ``base``: ``plans`` (see :func:`read_facts`) and ``files`` (display
    name -> signature and key, see :mod:`tariffcli.inputs.plan_listing`); None as for :func:`read_facts`."""
    try:
        doc = json.loads(read_own(base.with_name(base.name + ".facts.json")))
    except (OSError, CacheMiss, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("stamp") != facts_stamp() or not isinstance(doc.get("plans"), dict):
        return None
    if not isinstance(doc.get("files"), dict):
        doc["files"] = {}
    return doc


def write_facts(base: Path, rows: dict[str, Any], files: dict[str, Any] | None = None) -> None:
    """Write the facts file of cache file ``base`` (atomically; any failure is silent)."""
    doc = {"stamp": facts_stamp(), "plans": rows, "files": files or {}}
    # ASCII JSON: a file name that is not UTF-8 (kept as lone surrogates) is written as \u escapes, never an error
    write_atomically(base.with_name(base.name + ".facts.json"), [json.dumps(doc).encode("ascii")])


def write_atomically(path: Path, chunks: Iterable[bytes]) -> None:
    """Write ``path`` through a temporary file renamed over it (a concurrent reader sees the old file or the
    new one, never a torn one); any failure is silent: the cache only saves time."""
    import tempfile

    tmp = None
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp", dir=path.parent)  # mode 0600
        with os.fdopen(fd, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, path)
        tmp = None
    except Exception:  # any failure to write the cache must not fail the run
        pass
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def read_own(path: Path) -> bytes:
    """The bytes of a cache file that only this user could have written; :class:`CacheMiss` for any other."""
    return read_own_stat(path)[0]


def read_own_stat(path: Path) -> tuple[bytes, os.stat_result]:
    """:func:`read_own`, with the file's status (its ``st_mtime_ns``: when it was last written)."""
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
            raise CacheMiss("written by someone else")  # a pickle from another user could run their code
        if st.st_size > MAX_CACHE_BYTES:
            raise CacheMiss("too large")
        return fh.read(MAX_CACHE_BYTES + 1), st
