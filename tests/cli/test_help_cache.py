"""tariffcli --help from the cache: the same characters as typer writes, for every terminal and setting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

CODE = ("import sys; from tariffcli.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit as e:\n    code = e.code\n"
        "print('typer' in sys.modules, code, file=sys.stderr)")


def helped(cache: Path | None, **env: str) -> tuple[str, str]:
    base = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "TERM")}
    base.update(PYTHONPATH=str(REPO), **env)
    if cache is None:
        base["TARIFFCLI_NO_CACHE"] = "1"
    else:
        base["TARIFFCLI_CACHE_DIR"] = str(cache)
        base.pop("TARIFFCLI_NO_CACHE", None)
    done = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, env=base, check=True)
    return done.stdout, done.stderr.strip().splitlines()[-1]


@pytest.mark.parametrize("env", [{}, {"COLUMNS": "60"}, {"COLUMNS": "120"}, {"FORCE_COLOR": "1"},
                                 {"FORCE_COLOR": "1", "NO_COLOR": "1", "COLUMNS": "100"}])
def test_the_cached_help_is_the_help(tmp_path: Path, env: dict[str, str]) -> None:
    want, _ = helped(None, **env)
    first, how = helped(tmp_path, **env)
    assert first == want and how == "True 0"
    again, how = helped(tmp_path, **env)
    assert again == want and how == "False 0"  # written without importing typer


def test_another_terminal_is_written_afresh(tmp_path: Path) -> None:
    helped(tmp_path, COLUMNS="60")
    wide, how = helped(tmp_path, COLUMNS="120")
    assert how == "True 0" and wide == helped(None, COLUMNS="120")[0]


def test_a_stale_damaged_or_foreign_file_is_not_used(tmp_path: Path) -> None:
    want, _ = helped(None)
    helped(tmp_path)
    cached = tmp_path / "help.txt"
    text = cached.read_text("utf-8")
    head, _, body = text.partition("\n\n")
    stale = head[:-1] + ("1" if head.endswith("0") else "0")  # another key (never the same one by chance)
    for bad in (stale + "\n\nnot the help", "garbage", ""):
        cached.write_text(bad, "utf-8")
        out, how = helped(tmp_path)
        assert out == want and how == "True 0"
    if hasattr(os, "getuid"):
        cached.write_text(head + "\n\nplanted", "utf-8")
        cached.chmod(0o666)
        out, how = helped(tmp_path)
        assert out == want


@pytest.mark.skipif(not hasattr(os, "openpty"), reason="no pseudo-terminals")
def test_on_a_terminal_too(tmp_path: Path) -> None:
    def on_tty(cache: Path | None) -> bytes:
        main, sub = os.openpty()
        env = {**os.environ, "PYTHONPATH": str(REPO), "TERM": "xterm-256color", "COLUMNS": "90"}
        env.pop("NO_COLOR", None)
        env.pop("TARIFFCLI_NO_CACHE", None)
        if cache is None:
            env["TARIFFCLI_NO_CACHE"] = "1"
        else:
            env["TARIFFCLI_CACHE_DIR"] = str(cache)
        subprocess.run([sys.executable, "-m", "tariffcli", "--help"], stdout=sub, stderr=subprocess.DEVNULL,
                       env=env, check=True)
        os.close(sub)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        os.close(main)
        return out

    want = on_tty(None)
    assert b"\x1b[" in want  # in colour
    assert on_tty(tmp_path) == want
    assert on_tty(tmp_path) == want


def test_a_closed_pipe_or_a_full_disk_is_no_traceback(tmp_path: Path) -> None:
    helped(tmp_path)
    env = {**os.environ, "PYTHONPATH": str(REPO), "TARIFFCLI_CACHE_DIR": str(tmp_path)}
    env.pop("TARIFFCLI_NO_CACHE", None)
    for k in ("COLUMNS", "NO_COLOR", "FORCE_COLOR", "TERM"):
        env.pop(k, None)
    p = subprocess.Popen([sys.executable, "-c", "from tariffcli.cli import main; main(['--help'])"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert p.stdout is not None and p.stderr is not None
    p.stdout.close()
    err = p.stderr.read()
    p.stderr.close()
    assert p.wait() == 1 and b"Traceback" not in err
    if os.path.exists("/dev/full"):
        with open("/dev/full", "w") as full:
            done = subprocess.run([sys.executable, "-c", "from tariffcli.cli import main; main(['--help'])"],
                                  stdout=full, stderr=subprocess.PIPE, env=env, text=True)
        assert done.returncode == 2 and "cannot write to standard output" in done.stderr
