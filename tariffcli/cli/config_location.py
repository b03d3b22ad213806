"""Where the config file is (:mod:`tariffcli.cli.config` reads it; no output may overwrite it)."""

from __future__ import annotations

import os
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
    from platformdirs import user_config_path

    return user_config_path("tariffcli", appauthor=False) / FILE_NAME
