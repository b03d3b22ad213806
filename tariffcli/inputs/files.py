"""The file side: reading plan and usage files, writing outputs atomically.

The core modules take text and bytes; this module is where paths become
those. Nothing read from an input file is ever used as a path.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tariffcli.model.errors import DataError, Problem, UsageError

if TYPE_CHECKING:
    from tariffcli.inputs.cards import Card
    from tariffcli.inputs.standard_rates import StandardRates  # pragma: no cover
    from tariffcli.inputs.usage import UsageHistory
    from tariffcli.model.plan import Plan

PLAN_SUFFIXES = (".yaml", ".yml")
MAX_PLAN_FILE_BYTES = 2_000_000
"""The largest plan file read: the YAML reader's own bound (:data:`tariffcli.inputs.yaml_located.MAX_BYTES`,
checked equal by a test), kept here so that a catalogue read from the cache never loads the YAML reader."""


def catalogue_dir() -> Path:
    """The bundled catalogue: inside the installed package, or ``plans/`` in a source checkout."""
    packaged = Path(__file__).resolve().parent.parent / "catalogue"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent.parent / "plans"


def _display(path: Path, root: Path | None = None) -> str:
    if root is not None:
        try:
            return str(Path("plans") / path.relative_to(root))
        except ValueError:
            pass
    return str(path)


def read_bytes(path: Path, display: str, limit: int) -> bytes:
    """The bytes of a file; one larger than ``limit`` is refused after reading at most ``limit + 1`` bytes.

    The bound also holds for a path that is not a regular file (``/dev/zero``).
    """
    try:
        with path.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise DataError(Problem(f"cannot read file: {exc.strerror}", file=display, code="io")) from None
    if len(data) > limit:
        raise DataError(Problem(f"file is larger than {limit:,} bytes", file=display, code="too_large"))
    return data


TABLE_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xlsm")
"""Files taken from a folder of usage or records files."""
MAX_TABLE_FILES = 1_000
"""Most files read from one folder of records."""


def read_table(path: Path, display: str, limit: int, sheet: str | None = None) -> tuple[bytes, str]:
    """(CSV bytes, name for messages) of a CSV or .xlsx file: a sheet becomes CSV named ``file[sheet]``."""
    data = read_bytes(path, display, limit)
    if not data.startswith(b"PK\x03\x04"):  # not a zip, so not a workbook: the .xlsx reader (zipfile) is not loaded
        return data, display
    from tariffcli.inputs.xlsx import is_xlsx, sheet_as_csv

    return sheet_as_csv(data, display, sheet) if is_xlsx(data, display) else (data, display)


def check_sheet(paths: Sequence[Path | None], sheet: str | None) -> None:
    """``--sheet`` picks a sheet of an .xlsx input: given with none, it would do nothing, so it is refused."""
    if sheet is not None and not any(p is not None and (p.suffix.lower() in (".xlsx", ".xlsm") or str(p) == "-")
                                     for p in paths):  # stdin may be a workbook
        raise UsageError(f"--sheet {sheet}: no input is an .xlsx workbook (CSV files have no sheets)", field="sheet")


def table_files(paths: Sequence[Path], max_total: int | None = None) -> list[Path]:
    """The files given, a folder standing for its CSV and .xlsx files (sorted, not recursive; hidden files
    and Excel's lock files ``~$name.xlsx`` left out); more than ``max_total`` bytes in all is refused."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in TABLE_SUFFIXES
                           and not p.name.startswith((".", "~$")))
            if not found:
                raise UsageError(f"{path}: no .csv or .xlsx file in this folder", field="usage")
            out.extend(found)
        else:
            out.append(path)
        if len(out) > MAX_TABLE_FILES:
            raise UsageError(f"more than {MAX_TABLE_FILES:,} files given; merge them first", field="usage")
    unique: dict[str, Path] = {}  # a file given twice (or also through its folder) is read once
    for p in out:
        unique.setdefault(os.path.realpath(p), p)
    out = list(unique.values())
    if max_total is not None and len(out) > 1:  # checked before any file is read
        total = sum(p.stat().st_size for p in out if p.is_file())
        if total > max_total:
            raise DataError(Problem(f"the files hold {total:,} bytes; at most {max_total:,} are read in one run",
                                    file=str(out[0]), code="too_large"))
    return out


def read_text(path: Path, display: str) -> str:
    """Read a UTF-8 text file; a file in another encoding is a clear error."""
    data = read_bytes(path, display, MAX_PLAN_FILE_BYTES)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(Problem(
            f"not UTF-8 text (byte {exc.start}); save the plan file as UTF-8", file=display, line=line, code="encoding"
        )) from None


def plan_files(paths: Iterable[Path], read: Callable[[Path, str], str] | None = None,
               ) -> tuple[list[tuple[str, str]], list[Problem]]:
    """(display name, text) of every plan file in ``paths`` (files or directories), in a stable order.

    A file given twice (a directory and a file in it, or through a link) is read once; linked folders
    are followed, each real folder once. Files that cannot be read are returned as problems, so the
    others can still be checked. More than :data:`~tariffcli.model.limits.MAX_PLAN_FILES` files in
    all is an error, raised while listing, before any file is read. ``read(path, display)`` gives a file's
    text (default :func:`read_text`).
    """
    read = read or read_text
    out: list[tuple[str, str]] = []
    problems: list[Problem] = []
    seen: set[tuple[int, int] | Path] = set()

    def add(f: Path, display: str) -> None:
        try:
            st = os.stat(f)  # one call, where resolving the path costs one per folder on the way
            real: tuple[int, int] | Path = (st.st_dev, st.st_ino)
        except OSError:
            real = f.resolve()
        if real in seen:
            return
        seen.add(real)
        try:
            out.append((display, read(f, display)))
        except DataError as exc:
            problems.extend(exc.problems)
            return
        size[0] += len(out[-1][1])
        if size[0] > MAX_PLAN_CHARS:  # before any plan is parsed: parsing costs far more than reading
            raise DataError(Problem(
                f"the plan files given hold more than {MAX_PLAN_CHARS:,} characters in all; give fewer files",
                file=display, code="too_large",
            ))

    from tariffcli.model.limits import MAX_PLAN_CHARS, MAX_PLAN_FILES

    size = [0]

    listed = 0
    for path in paths:
        if path.is_dir():
            root = path if path.resolve() == catalogue_dir().resolve() else None
            files = plan_files_under(path, MAX_PLAN_FILES - listed)
            listed += len(files)
            if not files:
                problems.append(Problem("no plan files (*.yaml) in this directory", file=_display(path), code="empty"))
            for f in files:
                add(f, _display(f, root))
        elif path.is_file():
            listed += 1
            if listed > MAX_PLAN_FILES:
                raise too_many_plan_files(path)
            add(path, _display(path))
        else:
            raise UsageError(f"no such plan file or directory: {path}", field="plans")
    return out, problems


def too_many_plan_files(where: Path) -> DataError:
    """The error of a run given more than :data:`~tariffcli.model.limits.MAX_PLAN_FILES` plan files."""
    from tariffcli.model.limits import MAX_PLAN_FILES

    return DataError(Problem(
        f"more than {MAX_PLAN_FILES:,} plan files: at most {MAX_PLAN_FILES:,} are read in one run; "
        "give fewer folders or files", file=_display(where), code="too_many_files",
    ))


def plan_files_under(folder: Path, room: int) -> list[Path]:
    """The plan files (``*.yaml``, ``*.yml``) under ``folder``, sorted; folders named ``standard-rates`` left out.

    Linked folders are followed, each real folder visited once (a link back up is not a loop). More than
    ``room`` files is an error, raised while listing, before any file is read.
    """
    found: list[tuple[tuple[str, ...], Path]] = []  # (the parts under ``folder``: how paths sort, the path)
    visited: set[str] = set()
    stack: list[tuple[Path, tuple[str, ...]]] = [(folder, ())]
    while stack:
        where, parts = stack.pop()
        real = os.path.realpath(where)
        if real in visited:
            continue
        visited.add(real)
        try:
            entries = list(os.scandir(where))
        except OSError:
            continue  # an unreadable folder holds no file we could read
        for entry in entries:
            name = entry.name
            try:
                is_dir = entry.is_dir()  # follows a link; no system call unless it is one
                is_file = not is_dir and os.path.splitext(name)[1] in PLAN_SUFFIXES and entry.is_file()  # Path.suffix
            except OSError:
                continue
            if is_dir:
                if name != "standard-rates":  # per-operator rates, not plans
                    stack.append((where / name, (*parts, name)))
            elif is_file:
                found.append(((*parts, name), where / name))
                if len(found) > room:
                    raise too_many_plan_files(folder)
    return [path for _, path in sorted(found, key=lambda f: f[0])]  # the Paths' order, without comparing Paths


def load_plans(paths: Sequence[Path] | None = None) -> tuple[Plan, ...]:
    """Plans from ``paths`` (files or directories), or the bundled catalogue; every problem reported at once.

    Plan files already parsed cleanly come from the catalogue cache (:mod:`~tariffcli.inputs.catalogue_cache`); the others are parsed,
    so their problems read exactly as without a cache.
    """
    inputs = list(paths) if paths else [catalogue_dir()]
    from tariffcli.inputs.catalogue import load_catalogue
    from tariffcli.inputs.catalogue_cache import CatalogueCache

    cache = CatalogueCache.open(inputs)
    try:  # a file known to the cache by its signature is not read (CatalogueCache.read)
        files, problems = plan_files(inputs, None if cache is None else cache.reader(read_text))
    except OSError as exc:  # a name too long, a folder that cannot be listed
        raise UsageError(f"--plans {exc.filename or ''}: cannot read ({exc.strerror or exc})".replace(" :", ":"),
                         field="plans") from None
    try:
        plans = load_catalogue(files, None if cache is None else cache.parse)
    except DataError as exc:
        problems += exc.problems
        plans = ()
    if cache is not None:
        cache.save()
    if problems:
        raise DataError(problems)
    return plans


def resolve_plan(ref: str, plans: Sequence[Plan], option: str = "current") -> Plan:
    """A plan by catalogue id, or from a plan file path."""
    for p in plans:
        if p.id == ref:
            return p
    path = Path(ref)
    if path.suffix in PLAN_SUFFIXES or os.path.lexists(path):
        if not os.path.isfile(path):
            raise UsageError(f"--{option}: no such plan file: {ref}", field=option)
        from tariffcli.inputs.catalogue import parse_plan

        return parse_plan(read_text(path, _display(path)), _display(path))
    import difflib

    close = difflib.get_close_matches(ref, [p.id for p in plans], n=3, cutoff=0.5)
    hint = f" (did you mean {', '.join(close)}?)" if close else "; see 'tariffcli plans list'"
    raise UsageError(f"--{option}: no plan with id '{ref}' and no such file{hint}", field=option)


def read_usage(path: Path) -> UsageHistory:
    from tariffcli.inputs.usage import MAX_BYTES, parse_usage_csv

    display = _display(path)
    return parse_usage_csv(*read_table(path, display, MAX_BYTES))  # CSV, or an .xlsx's first sheet


# --- the output policy: one for every writer ---------------------------------------------------
#
# A command checks every output target with :func:`check_output` before it writes anything;
# every file is then written through :func:`new_temp` / :func:`commit_temp` (or
# :func:`atomic_write_bytes`, which uses them): a temporary file beside the target, fsynced,
# given the target's permission bits, renamed over it, the directory fsynced. While a temporary
# file exists, SIGINT, SIGTERM and SIGHUP remove it before the process stops as it would have.

STDOUT = "-"
"""The output name that means standard output (``-o -``)."""

CLEANUP_SIGNALS: tuple[str, ...] = ("SIGINT", "SIGTERM", "SIGHUP")
"""The signals that remove a temporary output file before the process stops."""

_live_temps: set[str] = set()
_saved_handlers: dict[int, Any] = {}


def is_stdout(path: Path | str | None) -> bool:
    """Whether ``path`` names standard output (None or ``-``)."""
    return path is None or str(path) == STDOUT


def write_target(path: Path) -> Path:
    """The file a write to ``path`` changes: a symlink is followed to its target (the link is kept)."""
    return Path(os.path.realpath(path))


def _kind(mode: int) -> str | None:
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return None if stat.S_ISREG(mode) else "not a regular file"


def _real_folders(inputs: Iterable[Path | None]) -> list[str]:
    """The real path of every folder a plan could be read from: the input folders and, under them, every
    folder the plan loader would enter (linked folders followed, each real folder once, bounded)."""
    from tariffcli.model.limits import MAX_PLAN_FILES

    seen: list[str] = []
    stack = [Path(p) for p in inputs if p is not None and not is_stdout(p) and os.path.isdir(p)]
    while stack and len(seen) <= MAX_PLAN_FILES:
        where = stack.pop()
        real = os.path.realpath(where)
        if real in seen:
            continue
        seen.append(real)
        with contextlib.suppress(OSError):
            stack += [where / e.name for e in os.scandir(where) if e.is_dir()]
    return seen


def _input_ids(inputs: Iterable[Path | None], folders: Sequence[str]) -> dict[tuple[int, int], str]:
    """(device, inode) -> name of every input file, and of every plan file in the input ``folders``
    (so a hard link to one is caught too)."""
    ids: dict[tuple[int, int], str] = {}
    for p in inputs:
        if p is None or is_stdout(p):
            continue
        try:
            st = os.stat(p)
        except (OSError, ValueError):
            continue
        ids[(st.st_dev, st.st_ino)] = str(p)
    for folder in folders:
        with contextlib.suppress(OSError):
            for entry in os.scandir(folder):
                if Path(entry.name).suffix in PLAN_SUFFIXES:
                    with contextlib.suppress(OSError):
                        fst = os.stat(entry.path)
                        ids.setdefault((fst.st_dev, fst.st_ino), entry.path)
    return ids


def _inside_plan_folder(target: Path, folders: Sequence[str]) -> str | None:
    """The input folder that ``target`` (a .yaml file) would be read from as a plan, if any."""
    if target.suffix not in PLAN_SUFFIXES:
        return None
    parent = os.path.realpath(target.parent)
    return parent if parent in folders else None


def check_output(path: Path | None, inputs: Sequence[Path | None], option: str) -> Path | None:
    """Refuse an output target that writing would harm; None for standard output (None or ``-``).

    ``option`` is the option's name without dashes (``output``, ``chart``, ``ics``, ``out``,
    ``to``): every message names it. A :class:`UsageError` (exit 2) when the target, after
    following symlinks, is one of ``inputs`` (the same file: same device and inode; a plan
    file in an input folder), a directory, a device, a FIFO or a socket, or when its folder
    does not exist or a file cannot be created there (checked by creating and removing one).
    Returns the file that will be written (:func:`write_target`). Call it for every target
    of a command before any output is written, so that an error leaves stdout empty.
    """
    if path is None or is_stdout(path):
        return None
    name = f"--{option} {path}"
    inputs = [*inputs, catalogue_dir()]  # the bundled catalogue is read by every command that loads plans
    folders = _real_folders(inputs)
    try:
        target = write_target(path)
        st = os.stat(target) if os.path.lexists(target) else None
    except (OSError, ValueError) as exc:
        raise UsageError(f"--{option}: cannot write {path}: {getattr(exc, 'strerror', None) or exc}",
                         field=option) from None
    if st is not None:
        kind = _kind(st.st_mode)
        if kind is not None:
            raise UsageError(f"{name}: is {kind}; give a file name (or - for stdout)", field=option)
        same = _input_ids(inputs, folders).get((st.st_dev, st.st_ino))
        if same is not None:
            raise UsageError(f"{name}: is the input {same}; writing it would destroy the input", field=option)
    folder = _inside_plan_folder(target, folders)
    if folder is not None:
        raise UsageError(f"{name}: is inside the plan folder {folder} given as input; write it elsewhere",
                         field=option)
    _probe(target, path, option)
    return target


def _probe(target: Path, path: Path, option: str) -> None:
    """Create and remove a temporary file beside ``target``: its folder exists and takes new files."""
    try:
        fd, tmp = new_temp(target)
    except OSError as exc:
        raise UsageError(f"--{option}: cannot write {path}: {exc.strerror or exc}", field=option) from None
    os.close(fd)
    discard_temp(Path(tmp))


def _on_signal(signum: int, frame: Any) -> None:
    """Remove every live temporary file, then stop as the previous handler would have."""
    for tmp in list(_live_temps):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    _live_temps.clear()
    previous = _saved_handlers.get(signum, signal.SIG_DFL)
    _restore_handlers()
    if callable(previous):
        previous(signum, frame)  # e.g. SIGINT's KeyboardInterrupt
        return
    signal.signal(signum, signal.SIG_DFL)
    os.kill(os.getpid(), signum)  # the usual death by this signal (exit 128 + n)


def _install_handlers() -> None:
    if _saved_handlers or threading.current_thread() is not threading.main_thread():
        return
    for sig_name in CLEANUP_SIGNALS:
        signum = getattr(signal, sig_name, None)
        if signum is None:
            continue
        previous = signal.getsignal(signum)
        if previous is signal.SIG_IGN or previous is None:
            continue  # an ignored signal (nohup) stays ignored
        _saved_handlers[signum] = previous
        signal.signal(signum, _on_signal)


def _restore_handlers() -> None:
    if threading.current_thread() is not threading.main_thread():
        return
    for signum, previous in list(_saved_handlers.items()):
        signal.signal(signum, previous)
    _saved_handlers.clear()


def track_temp(tmp: Path | str) -> None:
    """Remove ``tmp`` if SIGINT, SIGTERM or SIGHUP arrives before :func:`untrack_temp` (handlers installed on first use)."""
    _live_temps.add(str(tmp))
    _install_handlers()


def untrack_temp(tmp: Path | str) -> None:
    """Stop watching ``tmp``; the previous signal handlers come back when no temporary file is left."""
    _live_temps.discard(str(tmp))
    if not _live_temps:
        _restore_handlers()


def new_temp(path: Path) -> tuple[int, Path]:
    """An open temporary file (descriptor, path) beside the target of ``path``, removed on SIGINT/SIGTERM/SIGHUP.

    Finish with :func:`commit_temp` or :func:`discard_temp`.
    """
    import tempfile

    target = write_target(path)
    watched = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP}
    blocking = hasattr(signal, "pthread_sigmask")
    old = signal.pthread_sigmask(signal.SIG_BLOCK, watched) if blocking else set()
    try:  # no signal between creating the file and watching it
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        track_temp(tmp)
    finally:
        if blocking:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)
    return fd, Path(tmp)


def discard_temp(tmp: Path) -> None:
    """Remove a temporary file from :func:`new_temp` (it may be gone already)."""
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    untrack_temp(tmp)


def commit_temp(tmp: Path, path: Path) -> None:
    """Rename the written (and closed) temporary file ``tmp`` over the target of ``path``.

    ``tmp`` is fsynced and given the target's permission bits (a new file: 0666 less the
    umask); the rename is atomic and the folder is fsynced after it. A symlink at ``path``
    is kept: its target is replaced. On failure ``tmp`` is removed and the target is unchanged.
    """
    target = write_target(path)
    try:
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except FileNotFoundError:
            mask = os.umask(0)
            os.umask(mask)
            mode = 0o666 & ~mask
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        discard_temp(tmp)
        raise
    untrack_temp(tmp)
    with contextlib.suppress(OSError):
        dfd = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def atomic_write(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` so that a failure never leaves a partial or truncated file."""
    atomic_write_bytes(path, text.encode(encoding))


def atomic_write_bytes(path: Path, data: bytes | Iterable[bytes]) -> None:
    """Write ``data`` (bytes, or pieces of it) to a temporary file beside ``path``, then rename it over ``path``.

    A failure at any point, or SIGINT/SIGTERM/SIGHUP, removes the temporary file and leaves
    ``path`` as it was. Raises OSError for a write error (ENOSPC, EFBIG, EACCES): the
    caller turns it into a message naming its option.
    """
    fd, tmp = new_temp(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            for piece in [data] if isinstance(data, bytes | bytearray) else data:
                fh.write(piece)
    except BaseException:
        discard_temp(tmp)
        raise
    commit_temp(tmp, path)


def load_standard_rates(folder: Path | None = None) -> dict[str, StandardRates]:
    """The per-operator standard out-of-bundle rates (``standard-rates/*.yaml`` of the bundled catalogue)."""
    from tariffcli.inputs.standard_rates import FOLDER, rates_by_operator

    where = folder if folder is not None else catalogue_dir() / FOLDER
    files = sorted(where.glob("*.yaml")) if where.is_dir() else []
    return rates_by_operator((_display(f), read_text(f, _display(f))) for f in files)


def read_cards(path: Path, **defaults: str) -> tuple[Card, ...]:
    """Tariff cards from a JSON list or from text pasted from an operator's app (``-``: standard input).

    ``defaults`` fill fields a card does not state (e.g. ``operator``)."""
    from tariffcli.inputs.cards import MAX_BYTES, parse_cards_json, parse_cards_text

    if str(path) == "-":
        import sys

        data = sys.stdin.buffer.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            raise DataError(Problem(f"more than {MAX_BYTES:,} bytes: too large for a card file", file="<stdin>"))
        display = "<stdin>"
    else:
        display = str(path)
        data = read_bytes(path, display, MAX_BYTES)
    head = data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1]
    if head in (b"[", b"{"):
        return parse_cards_json(data, display, **defaults)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise DataError(Problem("neither UTF-8 nor GB18030 text", file=display, code="encoding")) from None
    return parse_cards_text(text, display, **defaults)


def __getattr__(name: str) -> Any:
    """``parse_plan`` and ``load_catalogue``, once imported here at the top, are still found here; imported only on
    use, so that :func:`load_plan_facts` reads the catalogue without the YAML reader or the plan model."""
    if name in ("parse_plan", "load_catalogue"):
        from tariffcli.inputs import catalogue

        return getattr(catalogue, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
