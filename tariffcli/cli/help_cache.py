"""``tariffcli --help`` written from the cache: the same characters, without building the help again.

typer's rich help imports rich's Markdown, traceback and column renderers and markdown-it, and builds
every command to list them: about 80 ms, more than the imports every run needs. The text it prints
depends only on the code and on what rich reads about the terminal, so the first ``tariffcli --help``
records what it writes, and a later one whose :func:`key` is the same writes that text again.

The key holds the package version, the size and time of every module of the package and of typer's and
rich's, Python's version and platform, whether each standard stream is a terminal and its size, the
output encoding, and every environment variable rich or typer read (``COLUMNS``, ``NO_COLOR``, ``TERM``,
``FORCE_COLOR``, ...). One file (``help.txt`` in the catalogue cache's folder) holds the last help
written; it is replaced, atomically, whenever the key differs, and ignored when it is foreign or damaged
(:func:`tariffcli.inputs.catalogue_facts.read_own`). ``$TARIFFCLI_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tariffcli.inputs.catalogue_facts import (
    CacheMiss,
    blake2b,
    cache_dir,
    package_version,
    read_own,
    write_atomically,
)

ENV_PREFIXES = ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR", "TERM", "COLORTERM", "TTY_", "TERMINAL_WIDTH",
                "GITHUB_ACTIONS", "PY_COLORS", "JUPYTER", "VSCODE", "CI", "LANG", "LC_", "LANGUAGE", "TYPER",
                "_TYPER", "RICH", "TARIFFCLI", "PYTHONIOENCODING", "PYTHONUTF8", "WT_SESSION", "ANSICON",
                "CONEMU", "CLICOLOR", "DATABRICKS", "IPY", "SPYDER")
"""Environment variables (by prefix, any case) that may change how the help looks."""
MAGIC = "tariffcli-help-cache\n"


def _stamps(folder: Path) -> list[str]:
    out = []
    with contextlib.suppress(OSError):
        for root, dirs, files in os.walk(folder):
            dirs.sort()
            for name in sorted(files):
                if name.endswith(".py"):
                    st = os.stat(os.path.join(root, name))
                    out.append(f"{os.path.relpath(os.path.join(root, name), folder)}:{st.st_size}:{st.st_mtime_ns}")
    return out


def key(args: list[str]) -> str:
    """What the help written for ``args`` depends on (see the module's docstring), as a hash; typer and rich
    are found, not imported."""
    from importlib.util import find_spec

    streams = []
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        try:
            fd = stream.fileno()
            tty = os.isatty(fd)
            size: Any = tuple(os.get_terminal_size(fd)) if tty else None
        except (AttributeError, OSError, ValueError):
            tty, size = False, None
        streams.append([tty, size, getattr(stream, "encoding", None), getattr(stream, "errors", None)])
    env = sorted((k, v) for k, v in os.environ.items() if k.upper().startswith(ENV_PREFIXES))
    here = Path(__file__).resolve().parent.parent
    libraries = []
    for name in ("typer", "rich"):
        spec = find_spec(name)
        libraries.append(_stamps(Path(spec.origin).parent) if spec is not None and spec.origin else None)
    doc = [args, sys.version, sys.platform, package_version(), streams, env, _stamps(here), libraries]
    return blake2b(json.dumps(doc).encode("utf-8", "surrogatepass"), digest_size=20).hexdigest()


def cache_path() -> Path | None:
    """The cache file, or None when the cache is turned off."""
    folder = cache_dir()
    return None if folder is None else folder / "help.txt"


def replay(args: list[str]) -> bool:
    """Write the help cached for ``args`` to stdout; False (nothing written) when there is none for this key."""
    path = cache_path()
    if path is None:
        return False
    try:
        text = read_own(path).decode("utf-8", "surrogatepass")
    except (OSError, CacheMiss, UnicodeDecodeError):
        return False
    head, _, body = text.partition("\n\n")
    if head != MAGIC + key(args):
        return False
    sys.stdout.write(body)
    return True


class Recorder:
    """A stand-in for stdout that writes through to it and keeps what was written."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def write(self, text: str) -> int:
        n = self.stream.write(text)  # first: click tries a write of b"" to tell a binary stream (which fails)
        self.parts.append(text)
        return int(n)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.stream, name)


def record(args: list[str], run: Callable[[], Any]) -> Any:
    """``run()`` (the app writing its help for ``args``), with what it writes to stdout saved for :func:`replay`
    when it ends normally."""
    path = cache_path()
    if path is None:
        return run()
    real = sys.stdout
    recorder = Recorder(real)
    sys.stdout = recorder
    try:
        rv = run()
    finally:
        sys.stdout = real
    with contextlib.suppress(Exception):  # the cache only saves time
        text = MAGIC + key(args) + "\n\n" + "".join(recorder.parts)
        write_atomically(path, [text.encode("utf-8", "surrogatepass")])
    return rv
