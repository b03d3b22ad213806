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
* ``$TARIFFCLI_CACHE_DIR`` names the folder; ``$TARIFFCLI_NO_CACHE=1`` turns the cache
  off. A folder that cannot be written, or a file that is damaged, foreign (another
  owner, writable by others) or too large, is left out silently: the plans are parsed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from tariffcli.inputs.catalogue import parse_plan
from tariffcli.model.plan import Plan
from tariffcli.model.terms import PhaseTerms, PlanTerms, plan_terms, remember

Entry = tuple[Plan, PlanTerms | None]
"""A cache entry: a plan, and its terms as integers (:mod:`tariffcli.model.terms`; None if they could not be had)."""

SCHEMA_VERSION = 2
"""Bumped whenever what the loader makes of a plan file changes in a way the code fingerprint would miss."""
MAGIC = b"tariffcli-catalogue-cache\n"
"""The first bytes of every cache file."""
CACHE_DIR_ENV = "TARIFFCLI_CACHE_DIR"
"""The environment variable naming the cache folder (default: the user's cache folder)."""
NO_CACHE_ENV = "TARIFFCLI_NO_CACHE"
"""The environment variable that, set to anything but 0 or nothing, turns the catalogue cache off."""
MAX_CACHE_BYTES = 256_000_000
"""A cache file larger than this is not read (the plans are parsed instead)."""
_LOADER = ("model/plan.py", "model/units.py", "model/money.py", "model/limits.py", "model/errors.py",
           "model/terms.py", "inputs/catalogue.py", "inputs/validation.py", "inputs/yaml_located.py", "inputs/catalogue_cache.py")
"""The modules whose code decides what a plan file becomes: a change to any of them empties the cache."""


class CacheMiss(Exception):
    """Cache bytes that cannot be used: another version, another loader, or damaged. Never shown to the user."""


def entry_key(source: str, text: str) -> str:
    """The key of a plan file's entry: its name as shown in messages, and its text."""
    h = hashlib.blake2b(digest_size=20)
    h.update(source.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(text.encode("utf-8", "surrogatepass"))
    return h.hexdigest()


def stamp(version: str, code: str) -> dict[str, object]:
    """What a cache must have been written by to be used: schema version, package version, loader code."""
    return {"schema": SCHEMA_VERSION, "version": version, "code": code}


def encode(entries: Mapping[str, Entry], version: str, code: str) -> bytes:
    """The bytes of a cache holding ``entries`` (key -> plan and terms), written by ``version`` with loader ``code``."""
    header = json.dumps(stamp(version, code), sort_keys=True).encode("ascii")
    return MAGIC + header + b"\n" + pickle.dumps(dict(entries), protocol=pickle.HIGHEST_PROTOCOL)


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
    try:
        entries = pickle.loads(data[end + 1:])
    except Exception as exc:  # a damaged pickle can raise almost anything
        raise CacheMiss(f"damaged: {type(exc).__name__}") from None
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


def loader_code() -> str:
    """A fingerprint of the loader's code (size and time of each module), of Python and of pydantic."""
    import pydantic

    here = Path(__file__).resolve().parent.parent
    parts = [sys.version, pydantic.VERSION]
    for name in _LOADER:
        with contextlib.suppress(OSError):
            st = os.stat(here / name)
            parts.append(f"{name}:{st.st_size}:{st.st_mtime_ns}")
    return ";".join(parts)


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


class CatalogueCache:
    """The cache file of one set of plan inputs: read once, written back when it should change."""

    def __init__(self, path: Path, version: str, code: str, entries: dict[str, Entry]) -> None:
        self.path, self.version, self.code = path, version, code
        self.entries = entries
        """The entries read from the file (empty when there was none, or it could not be used)."""
        self.used: dict[str, Entry] = {}
        """The entries of every plan file read in this run: what is written back."""

    @classmethod
    def open(cls, inputs: Sequence[Path]) -> CatalogueCache | None:
        """The cache of ``inputs`` (its entries read when the file is there and usable); None when turned off."""
        folder = cache_dir()
        if folder is None:
            return None
        where = "\0".join(os.path.realpath(p) for p in inputs)
        name = hashlib.blake2b(where.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()
        cache = cls(folder / f"catalogue-{name}.bin", package_version(), loader_code(), {})
        with contextlib.suppress(OSError, CacheMiss):
            cache.entries = decode(_read_own(cache.path), cache.version, cache.code)
        return cache

    def parse(self, text: str, source: str) -> Plan:
        """The plan of one file: from the cache when it holds this text under this name, else parsed."""
        key = entry_key(source, text)
        entry = self.entries.get(key)
        if entry is None:
            entry = (parse_plan(text, source), None)  # a file with a problem raises here and never enters the cache
        plan, terms = entry
        if terms is not None:
            remember(plan, terms)  # the engine compiles this plan without converting a single amount
        self.used[key] = entry
        return plan

    def save(self) -> None:
        """Write the entries used in this run, when they differ from the file's; any failure is silent."""
        if self.used.keys() == self.entries.keys():
            return
        tmp = None
        try:
            data = encode({k: (p, t or terms_of(p)) for k, (p, t) in self.used.items()}, self.version, self.code)
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp", dir=self.path.parent)  # mode 0600
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, self.path)  # atomic: a concurrent reader sees the old file or the new one
            tmp = None
        except Exception:  # the cache only saves time: a failure to write it (any failure) must not fail the run
            pass
        finally:
            if tmp is not None:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)


def _read_own(path: Path) -> bytes:
    """The bytes of a cache file that only this user could have written; :class:`CacheMiss` for any other."""
    with open(path, "rb") as fh:
        st = os.fstat(fh.fileno())
        if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
            raise CacheMiss("written by someone else")  # a pickle from another user could run their code
        if st.st_size > MAX_CACHE_BYTES:
            raise CacheMiss("too large")
        return fh.read(MAX_CACHE_BYTES + 1)
