"""The config file's folder found without platformdirs (start-up time) is the one platformdirs gives."""

from __future__ import annotations

import sys

import pytest

from tariffcli.cli import config_location


@pytest.mark.parametrize("env", [
    {"HOME": "/home/someone"},
    {"HOME": "/home/someone/"},
    {"HOME": "/"},
    {"HOME": "/home/someone", "XDG_CONFIG_HOME": ""},
    {"HOME": "/home/someone", "XDG_CONFIG_HOME": "/elsewhere/config"},
    {"HOME": "/home/someone", "XDG_CONFIG_HOME": "relative/config"},
    {"HOME": "relative-home"},
])
def test_config_path_is_platformdirs(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    from platformdirs import user_config_path

    for name in ("HOME", "XDG_CONFIG_HOME", "TARIFFCLI_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    try:
        expected = user_config_path("tariffcli", appauthor=False) / config_location.FILE_NAME
    except RuntimeError:  # platformdirs cannot tell a home: nor can the usual case
        assert config_location._usual_linux_folder() is None
        return
    assert config_location.config_path() == expected


def test_usual_case_skips_platformdirs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/home/someone")
    monkeypatch.delenv("XDG_CONFIG_HOME", raising=False)
    folder = config_location._usual_linux_folder()
    if sys.platform == "linux":
        assert folder == "/home/someone/.config/tariffcli"
    else:
        assert folder is None


def test_config_variable_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TARIFFCLI_CONFIG", "~/my.toml")
    monkeypatch.setenv("HOME", "/home/someone")
    assert str(config_location.config_path()) == "/home/someone/my.toml"
