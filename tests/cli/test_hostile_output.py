"""Issue 15, the output side: one output policy for every writer, option values that never trace back,
warnings that are bounded, and the command line fuzzed.

Every refused target leaves the file system as it was and stdout empty (exit 2, the option named).
"""

from __future__ import annotations

import errno
import os
import shutil
import signal
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import FIXTURE_CATALOGUE, examples
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tariffcli.cli.app import app
from tariffcli.cli.output import MAX_WARNINGS, print_warnings, write_file, write_stdout
from tariffcli.inputs.files import atomic_write, atomic_write_bytes, check_output
from tariffcli.model.errors import UsageError

ENV = {"NO_COLOR": "1", "COLUMNS": "100", "LANG": "C", "LC_ALL": "", "LC_MESSAGES": "", "TERM": "dumb",
       "TARIFFCLI_TODAY": "2026-12-01"}
PLAN = FIXTURE_CATALOGUE / "cmcc" / "5g-128.yaml"
USAGE = "month,voice_min,sms,data_gb\n2026-09,120,3,20\n2026-10,150,2,25\n2026-11,90,1,30\n"


def run(*args: str | Path, env: dict[str, str] | None = None) -> Any:
    return CliRunner().invoke(app, [str(a) for a in args], env={**ENV, **(env or {})})


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A folder with u.csv (usage) and plans/ (two plan files); the current directory during the test."""
    (tmp_path / "u.csv").write_text(USAGE, "utf-8")
    (tmp_path / "plans").mkdir()
    shutil.copy(PLAN, tmp_path / "plans" / "a.yaml")
    shutil.copy(FIXTURE_CATALOGUE / "telecom" / "5g-changxiang-129.yaml", tmp_path / "plans" / "b.yaml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def snapshot(folder: Path) -> dict[str, tuple[int, bytes | str]]:
    """Every entry under ``folder``: its mode and content (a link: its target)."""
    out: dict[str, tuple[int, bytes | str]] = {}
    for p in sorted(folder.rglob("*")):
        st_ = p.lstat()
        body: bytes | str = os.readlink(p) if p.is_symlink() else p.read_bytes() if p.is_file() else b""
        out[str(p.relative_to(folder))] = (st_.st_mode, body)
    return out


def refused(result: Any, option: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.output)
    assert result.stdout == ""
    assert f"--{option}" in result.stderr
    assert "Traceback" not in result.output


COMPARE = ("compare", "u.csv", "--plans", "plans")


# ---------------------------------------------------------------- targets that are inputs


@pytest.mark.parametrize("args, option", [
    ((*COMPARE, "-o", "u.csv"), "output"),
    ((*COMPARE, "-o", "plans/a.yaml"), "output"),                            # a file of a --plans folder
    (("compare", "u.csv", "--plans", "plans/a.yaml", "-o", "plans/a.yaml"), "output"),
    (("compare", "u.csv", "--plans", "plans/b.yaml", "--current", "plans/a.yaml", "-o", "plans/a.yaml"), "output"),
    ((*COMPARE, "--chart", "u.csv.svg", "-o", "u.csv.svg"), "chart"),       # two outputs, one file
    (("analyze", "u.csv", "--ics", "u.csv"), "ics"),
    (("analyze", "u.csv", "--plans", "plans", "--plan", "plans/a.yaml", "-o", "plans/a.yaml"), "output"),
    (("offer", "plans/a.yaml", "u.csv", "--plans", "plans", "-o", "u.csv"), "output"),
    (("plans", "list", "--plans", "plans/a.yaml", "-o", "plans/a.yaml"), "output"),
    (("plans", "diff", "plans/a.yaml", "plans/b.yaml", "-o", "plans/b.yaml"), "output"),
    (("baskets", "--plans", "plans", "-o", "plans/b.yaml"), "output"),
])
def test_an_output_that_is_an_input_is_refused(work: Path, args: tuple[str, ...], option: str) -> None:
    before = snapshot(work)
    refused(run(*args), option)
    assert snapshot(work) == before


def test_an_output_hard_linked_to_an_input_is_refused(work: Path) -> None:
    os.link(work / "u.csv", work / "alias.csv")
    os.link(work / "plans" / "a.yaml", work / "alias.yaml")
    before = snapshot(work)
    refused(run(*COMPARE, "-o", "alias.csv"), "output")
    refused(run(*COMPARE, "-o", "alias.yaml"), "output")
    assert snapshot(work) == before


def test_an_output_reached_by_a_symlink_to_an_input_is_refused(work: Path) -> None:
    (work / "link.csv").symlink_to("u.csv")
    before = snapshot(work)
    refused(run(*COMPARE, "-o", "link.csv"), "output")
    assert snapshot(work) == before


# ---------------------------------------------------------------- targets that are not regular files


def test_a_directory_a_fifo_and_a_device_are_refused(work: Path) -> None:
    os.mkfifo(work / "fifo")
    (work / "dir").mkdir()
    before = snapshot(work)
    refused(run(*COMPARE, "-o", "fifo"), "output")
    refused(run(*COMPARE, "--chart", "fifo.svg", "-o", "dir"), "output")  # the parser refuses a directory
    refused(run(*COMPARE, "-o", "/dev/null"), "output")
    refused(run("analyze", "u.csv", "--ics", "/dev/null"), "ics")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)  # still the device, not a regular file
    assert stat.S_ISFIFO((work / "fifo").lstat().st_mode)
    assert snapshot(work) == before
    for target, kind in (("dir", "a directory"), ("fifo", "a FIFO"), ("/dev/null", "a device")):
        with pytest.raises(UsageError, match=f"--output {target}: is {kind}"):
            check_output(Path(target), [], "output")


def test_a_socket_is_refused(work: Path) -> None:
    import socket

    with socket.socket(socket.AF_UNIX) as s:
        s.bind("sock")
        with pytest.raises(UsageError, match="is a socket"):
            check_output(Path("sock"), [], "out")


# ---------------------------------------------------------------- how a file is written


def test_output_through_a_symlink_writes_its_target_and_keeps_the_link(work: Path) -> None:
    (work / "real.txt").write_text("old")
    (work / "link.txt").symlink_to("real.txt")
    r = run(*COMPARE, "-o", "link.txt")
    assert r.exit_code == 0, r.output
    assert (work / "link.txt").is_symlink() and os.readlink(work / "link.txt") == "real.txt"
    assert "plans over" in (work / "real.txt").read_text()


def test_an_existing_file_keeps_its_permission_bits(work: Path) -> None:
    (work / "secret.txt").write_text("old")
    os.chmod(work / "secret.txt", 0o600)
    assert run(*COMPARE, "-o", "secret.txt").exit_code == 0
    assert stat.S_IMODE((work / "secret.txt").stat().st_mode) == 0o600
    atomic_write(work / "secret.txt", "again")
    assert stat.S_IMODE((work / "secret.txt").stat().st_mode) == 0o600
    assert not list(work.glob(".*.tmp"))


def test_dash_writes_to_stdout(work: Path) -> None:
    r = run(*COMPARE, "-o", "-")
    assert r.exit_code == 0
    assert "plans over" in r.stdout
    assert not (work / "-").exists()


def test_every_target_is_checked_before_anything_is_written(work: Path) -> None:
    for chart in ("/proc/x.svg", "no/such/folder/x.svg"):
        before = snapshot(work)
        refused(run(*COMPARE, "--chart", chart), "chart")
        refused(run(*COMPARE, "-o", "out.txt", "--chart", chart), "chart")
        assert snapshot(work) == before  # out.txt not written either
    refused(run("analyze", "u.csv", "--ics", "/proc/x.ics", "-o", "out.txt"), "ics")
    assert not (work / "out.txt").exists()


def test_plans_import_to_a_file_is_refused(work: Path) -> None:
    r = run("plans", "import", "u.csv", "--to", "u.csv")
    refused(r, "to")


def test_write_errors_are_usage_errors_naming_the_option(work: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: Any, **__: Any) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("tariffcli.inputs.files.atomic_write_bytes", full)
    with pytest.raises(UsageError, match="--chart: cannot write x.svg: No space left on device"):
        write_file(Path("x.svg"), b"data", "chart")
    with open("/dev/full", "w") as dev_full:  # noqa: PTH123
        monkeypatch.setattr(sys, "stdout", dev_full)
        with pytest.raises(UsageError, match="cannot write to standard output: No space left on device"):
            write_stdout("x" * 10_000)


def test_stdout_to_dev_full_is_a_clear_error(work: Path) -> None:
    """The real thing: ``compare ... > /dev/full`` in a shell."""
    p = subprocess.run(f"{sys.executable} -m tariffcli compare u.csv --plans plans/a.yaml > /dev/full",
                       shell=True, capture_output=True, text=True, env={**os.environ, **ENV}, timeout=60)
    assert p.returncode == 2, p.stderr
    assert "cannot write to standard output: No space left on device" in p.stderr
    assert "Traceback" not in p.stderr and "Exception ignored" not in p.stderr


def test_a_file_past_ulimit_is_a_clear_error(work: Path) -> None:
    """``ulimit -f 0`` in a forked child: EFBIG becomes a usage error naming the option; no file, no temp file."""
    import resource

    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 9
        try:
            resource.setrlimit(resource.RLIMIT_FSIZE, (0, 0))
            write_file(Path("big.txt"), "x" * 10_000, "output")
        except UsageError as exc:
            code = 2 if "--output: cannot write big.txt: File too large" in str(exc) else 8
        finally:
            os._exit(code)
    status = os.waitpid(pid, 0)[1]
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 2
    assert not (work / "big.txt").exists() and not list(work.glob(".*.tmp"))


# ---------------------------------------------------------------- signals during a write


def _write_and_signal(path: Path, signum: int) -> int:
    """In a forked child: write ``path`` from a generator that signals its own process halfway; the wait status."""
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 0
        try:
            for s in (signal.SIGTERM, signal.SIGHUP):
                signal.signal(s, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)

            def pieces() -> Iterator[bytes]:
                yield b"first half\n"
                os.kill(os.getpid(), signum)
                yield b"second half\n"

            atomic_write_bytes(path, pieces())
            code = 3  # the write finished: the signal was lost
        except KeyboardInterrupt:
            code = 130
        except BaseException:
            code = 4
        finally:
            os._exit(code)
    return os.waitpid(pid, 0)[1]


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT])
def test_a_signal_during_a_write_leaves_no_temp_file(tmp_path: Path, signum: int) -> None:
    target = tmp_path / "out.txt"
    target.write_text("before")
    status = _write_and_signal(target, signum)
    if signum == signal.SIGINT:
        assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 130  # KeyboardInterrupt, as usual
    else:
        assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signum  # died of the signal, as usual
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]
    assert target.read_text() == "before"


def test_signal_handlers_are_restored_after_a_write(tmp_path: Path) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    atomic_write_bytes(tmp_path / "x", iter([b"a", b"b"]))
    assert (tmp_path / "x").read_bytes() == b"ab"
    assert {s: signal.getsignal(s) for s in before} == before


# ---------------------------------------------------------------- dates and months


@pytest.mark.parametrize("args, option", [
    ((*COMPARE, "--start", "9999-12"), "--start"),
    ((*COMPARE, "--start", "0000-01"), "--start"),
    ((*COMPARE, "--start", "1989-12"), "--start"),
    ((*COMPARE, "--start", "2026-13"), "--start"),
    ((*COMPARE, "--today", "9999-12-31"), "--today"),
    ((*COMPARE, "--today", "0001-01-01"), "--today"),
    ((*COMPARE, "--current", "plans/a.yaml", "--current-since", "9999-12"), "--current-since"),
    ((*COMPARE, "--current-since", "0000-01"), "--current-since"),
    (("analyze", "u.csv", "--plan", "plans/a.yaml", "--plan-since", "0000-01"), "--plan-since"),
    (("analyze", "u.csv", "--plan", "plans/a.yaml", "--plan-since", "138=9999-12"), "--plan-since"),
    (("analyze", "u.csv", "--today", "9999-12-31"), "--today"),
    (("offer", "plans/a.yaml", "u.csv", "--start", "9999-12"), "--start"),
    (("offer", "plans/a.yaml", "u.csv", "--today", "2101-01-01"), "--today"),
    (("offer", "plans/a.yaml", "u.csv", "--current", "plans/b.yaml", "--current-since", "0000-01"),
     "--current-since"),
    (("plans", "list", "--date", "9999-12-31"), "--date"),
    (("baskets", "--date", "0000-01-01"), "--date"),
    (("plans", "import", "u.csv", "--retrieved", "9999-12-31", "--dry-run"), "--retrieved"),
])
def test_date_options_accept_only_1990_to_2100(work: Path, args: tuple[str, ...], option: str) -> None:
    r = run(*args)
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    assert option.lstrip("-") + ":" in r.stderr and "Traceback" not in r.output
    if "YYYY" not in r.stderr and "months run from 1 to 12" not in r.stderr:
        assert "1990 and 2100" in r.stderr


@pytest.mark.parametrize("today", ["9999-12-31", "0000-01-01", "1989-12-31", "2026-02-30", "soon"])
def test_the_today_variable_accepts_only_1990_to_2100(work: Path, today: str) -> None:
    r = run(*COMPARE, env={"TARIFFCLI_TODAY": today})
    assert r.exit_code == 2 and r.stdout == ""
    assert "$TARIFFCLI_TODAY" in r.stderr and "1990 and 2100" in r.stderr


def test_the_edges_of_the_years_are_accepted(work: Path) -> None:
    assert run(*COMPARE, "--start", "1990-01", "--horizon", "2").exit_code == 0
    assert run(*COMPARE, "--start", "2100-12", "--horizon", "600", "--top", "1").exit_code == 0
    assert run(*COMPARE, "--today", "2100-12-31", "--top", "1").exit_code == 0


# ---------------------------------------------------------------- warnings


def test_warnings_are_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    print_warnings(f"w{i}" for i in range(MAX_WARNINGS + 5000))
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == MAX_WARNINGS + 1
    assert lines[0] == "Warning: w0" and lines[-1] == "Warning: … and 5,000 more warnings"
    print_warnings(f"w{i}" for i in range(MAX_WARNINGS))
    assert len(capsys.readouterr().err.splitlines()) == MAX_WARNINGS


# ---------------------------------------------------------------- the command line, fuzzed

DATES = st.sampled_from(["2026-01", "9999-12", "0000-01", "2026-13", "", "-", "2026-01-15", "\x00", "1e9",
                         "2100-12", "1990-01", "２０２６-０１", "2026-1", " 2026-01", "9" * 40])
DAYS = st.sampled_from(["2026-12-01", "9999-12-31", "0000-01-01", "2026-02-30", "", "x", "20261201",
                        "2100-12-31", "1990-01-01", "\udcff", "2026-12-01T00:00"])
NUMBERS = st.sampled_from(["0", "1", "-1", "600", "601", "99999999999999999999", "x", "", "1.5", "nan"])
PATHS = st.sampled_from(["u.csv", "plans", "plans/a.yaml", "-", "/dev/null", "/proc/x.svg", "out.txt", "out.svg",
                         "nowhere/x", "", ".", "x\x00y", "o" * 300])
OUT_PATHS = PATHS | st.just("fifo")  # a FIFO as an input waits for a writer, as ``cat`` does: outputs only
WORDS = st.text(st.characters(codec="utf-8"), max_size=12)

COMMON = {"--plans": PATHS, "--province": WORDS, "--lang": st.sampled_from(["en", "zh", "fr", ""]),
          "--format": st.sampled_from(["table", "json", "csv", "markdown", "text", "xml", ""]),
          "-o": OUT_PATHS, "--today": DAYS, "--horizon": NUMBERS}
OPTIONS: dict[str, dict[str, Any]] = {
    "compare": {**COMMON, "--start": DATES, "--current": PATHS | WORDS, "--current-since": DATES,
                "--top": NUMBERS, "--chart": OUT_PATHS, "--scenario": WORDS, "--eligible": WORDS,
                "--operator": WORDS, "--tag": WORDS, "--excel": None, "--bars": None, "--cite": None,
                "--explain": None, "--with-addons": None},
    "analyze": {**COMMON, "--bill": PATHS, "--plan": PATHS | WORDS, "--plan-since": DATES, "--ics": OUT_PATHS},
    "offer": {**COMMON, "--start": DATES, "--current": PATHS | WORDS, "--current-since": DATES,
              "--term": NUMBERS, "--fee": NUMBERS | WORDS, "--discount": WORDS, "--for": NUMBERS,
              "--data": WORDS, "--rates-from": PATHS | WORDS, "--commitment": NUMBERS},
    "plans list": {"--plans": PATHS, "--date": DAYS, "--max-fee": NUMBERS | WORDS, "--all": None,
                   "--format": COMMON["--format"], "-o": OUT_PATHS, "--excel": None, "--operator": WORDS},
}
POSITIONALS = {"compare": ["u.csv"], "analyze": ["u.csv"], "offer": ["plans/a.yaml", "u.csv"], "plans list": []}


@st.composite
def command_lines(draw: st.DrawFn, command: str) -> list[str]:
    options = OPTIONS[command]
    names = draw(st.lists(st.sampled_from(sorted(options)), max_size=5))
    args = command.split() + draw(st.sampled_from([POSITIONALS[command], POSITIONALS[command][-1:], []]))
    for name in names:
        args.append(name)
        if options[name] is not None:
            args.append(draw(options[name]))
    return args


OUTPUT_OPTIONS = ("-o", "--chart", "--ics")


def written(args: list[str], skip: int) -> set[str]:
    """The files a command line may change: its output files that are no input (nor inside an input folder).

    ``skip``: the command's words at the start of ``args`` (``plans list``), which name no file.
    """
    args = args[skip:]
    outputs = {v for o, v in zip(args, args[1:], strict=False) if o in OUTPUT_OPTIONS}
    inputs = [a for i, a in enumerate(args) if not (i and args[i - 1] in OUTPUT_OPTIONS)]
    return {o for o in outputs if not any(o == i or o.startswith(i.rstrip("/") + "/") for i in inputs if i)}


def restore(folder: Path, before: dict[str, tuple[int, bytes | str]], after: dict[str, tuple[int, bytes | str]]) -> None:
    """Put back what a command line legitimately wrote, so the next example starts from the same folder."""
    for name in sorted(set(after) - set(before), reverse=True):
        path = folder / name
        path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
    for name, (mode, body) in before.items():
        if after.get(name) != (mode, body) and isinstance(body, bytes) and stat.S_ISREG(mode):
            (folder / name).write_bytes(body)
            os.chmod(folder / name, stat.S_IMODE(mode))


@pytest.mark.parametrize("command", sorted(OPTIONS))
def test_the_command_line_fuzzed(work: Path, command: str) -> None:
    """Any options and values: exit 0, 1 or 2, never a traceback, stdout empty on error, no input changed."""
    os.mkfifo(work / "fifo")
    if command == "compare":
        (work / "plans" / "b.yaml").unlink()  # one plan: each run stays short
    before = snapshot(work)

    @settings(max_examples=examples(40), deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(args=command_lines(command))
    def check(args: list[str]) -> None:
        r = CliRunner().invoke(app, args, env=ENV)
        after = snapshot(work)
        restore(work, before, after)  # first: a failing example must not spoil the next ones
        assert r.exit_code in (0, 1, 2), (args, r.exit_code, r.output)
        assert r.exception is None or isinstance(r.exception, SystemExit), (args, r.exception)
        assert "Traceback" not in r.output
        if r.exit_code != 0:
            assert r.stdout == "", (args, r.stdout)
        changed = {k for k in before if after.get(k) != before[k]}
        assert changed <= written(args, len(command.split())), (args, changed)

    check()


def test_a_plan_file_reached_through_a_linked_folder_is_an_input(work: Path) -> None:
    (work / "elsewhere").mkdir()
    shutil.copy(PLAN, work / "elsewhere" / "c.yaml")
    (work / "plans" / "sub").symlink_to(work / "elsewhere")
    before = snapshot(work / "elsewhere")
    for target in ("plans/sub/c.yaml", "plans/sub/new.yaml", "elsewhere/c.yaml"):
        r = run("compare", "u.csv", "--plans", "plans", "-o", target)
        assert r.exit_code == 2 and r.stdout == "", (target, r.stderr)
        assert "--output" in r.stderr
    assert snapshot(work / "elsewhere") == before
    assert not (work / "elsewhere" / "new.yaml").exists()


def test_the_bundled_catalogue_is_an_input_even_without_plans(work: Path) -> None:
    from tariffcli.inputs.files import catalogue_dir

    bundled = sorted(catalogue_dir().rglob("*.yaml"))[0]
    before = bundled.read_bytes()
    r = run("compare", "u.csv", "-o", bundled)
    assert r.exit_code == 2 and r.stdout == "" and "input" in r.stderr
    assert bundled.read_bytes() == before
