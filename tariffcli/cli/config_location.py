"""Where the config file is (:mod:`tariffcli.cli.config` reads it; no output may overwrite it)."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

CONFIG_VARIABLE = "TARIFFCLI_CONFIG"
"""The environment variable that names another config file."""

FILE_NAME = "config.toml"


def config_path(env: Mapping[str, str] | None = None) -> Path:
    """``$TARIFFCLI_CONFIG``, else ``config.toml`` in the platform's config directory for tariffcli."""
    env = os.environ if env is None else env
    if env.get(CONFIG_VARIABLE):
        return Path(env[CONFIG_VARIABLE]).expanduser()
    folder = _usual_linux_folder()
    if folder is not None:
        return Path(folder) / FILE_NAME
    from platformdirs import user_config_path

    return user_config_path("tariffcli", appauthor=False) / FILE_NAME


def _usual_linux_folder() -> str | None:
    """platformdirs' ``user_config_dir("tariffcli")`` in the usual case on Linux, without importing it (start-up
    time): ``$HOME/.config/tariffcli`` for an absolute ``$HOME`` and no ``$XDG_CONFIG_HOME``; None in any other
    case (another system, Android, an XDG variable, no or a relative home), which platformdirs answers."""
    home = os.environ.get("HOME")
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or os.environ.get("ANDROID_DATA") is not None \
            or os.environ.get("XDG_CONFIG_HOME") or not home or not home.startswith("/"):
        return None
    return os.path.join(os.path.expanduser("~/.config"), "tariffcli")
