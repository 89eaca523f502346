"""Site settings read from mkdocs.yml without the engine, for commands that only render."""

from __future__ import annotations

import os
import stat
from collections import UserString
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]

from generator.config import Config
from generator.errors import ConfigError
from generator.files import read_regular_text
from generator.printable import visible
from generator.site.mkdocs_values import check_mkdocs_values
from generator.site.render import DEFAULT_SITE_NAME, SiteSettings

MKDOCS_FILE = "mkdocs.yml"
DEFAULT_DOCS_DIR = "build/docs"
DEFAULT_SITE_DIR = "site"


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml: `!ENV` as MkDocs does, other engine tags (`!!python/name:`) as None."""


def _unknown_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


# MkDocs' own reader of the tag (a small package MkDocs depends on, not MkDocs itself), so a
# `site_url: !ENV [SITE_URL, ...]` gives the feed the address MkDocs gives the pages.
_TolerantLoader.add_constructor("!ENV", construct_env_tag)
_TolerantLoader.add_multi_constructor("", _unknown_tag)


def read_mkdocs_yml(root: Path) -> dict[str, Any]:
    """Give the top-level settings of the repository's mkdocs.yml ({} when there is none).

    Values that reach pages are checked: one that could carry markup or script is a
    ConfigError naming its key.
    """
    return read_mkdocs_file(root / MKDOCS_FILE)


def read_mkdocs_file(path: Path) -> dict[str, Any]:
    """Give the settings of one MkDocs configuration file, checked ({} when there is none)."""
    if not path.is_file():
        return {}
    try:
        data = yaml.load(read_regular_text(path), Loader=_TolerantLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected settings (`name: value` lines)")
    check_mkdocs_values(data, path.name)
    return data


def site_settings(config: Config, mkdocs: Mapping[str, Any]) -> SiteSettings:
    """Give rendering settings from the repository and mkdocs.yml's values (raw or MkDocs')."""

    def text(name: str) -> str | None:
        value = mkdocs.get(name)
        # MkDocs hands over its validated edit_uri_template as a UserString.
        return str(value) if isinstance(value, str | UserString) else None

    return SiteSettings(
        template_dir=config.template_dir,
        site_name=text("site_name") or DEFAULT_SITE_NAME,
        repo_url=text("repo_url"),
        edit_uri=text("edit_uri"),
        edit_uri_template=text("edit_uri_template"),
        site_url=text("site_url"),
        due_soon_days=config.health.due_soon_days,
    )


def check_theme_folder(config: Config, mkdocs: Mapping[str, Any]) -> None:
    """Refuse a theme custom_dir holding anything but folders and ordinary files.

    The engine reads its templates and copies its other files into the site: a pipe would
    block the build, and a link could publish any file of the machine.
    """
    theme = mkdocs.get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, Mapping) else None
    if not isinstance(custom, str):
        return
    folder = config.root / custom
    if folder.is_symlink():
        raise ConfigError(f"theme.custom_dir {custom}: a symbolic link; make it a real folder")
    for parent, folders, files in os.walk(folder):
        for name in folders + files:
            path = Path(parent) / name
            try:
                mode = path.lstat().st_mode
            except OSError:  # gone since it was listed
                continue
            if stat.S_ISLNK(mode) or not (stat.S_ISDIR(mode) or stat.S_ISREG(mode)):
                shown = visible(path.relative_to(config.root).as_posix())
                raise ConfigError(
                    f"{shown}: the theme folder may hold only folders and ordinary files "
                    "(no links, pipes or devices)"
                )


def docs_dir(config: Config, mkdocs: Mapping[str, Any]) -> Path:
    """Give the generated Markdown folder mkdocs.yml names (`build/docs` by default)."""
    value = mkdocs.get("docs_dir")
    return config.root / (value if isinstance(value, str) else DEFAULT_DOCS_DIR)


def site_dir(config: Config, mkdocs: Mapping[str, Any]) -> Path:
    """Give the site folder mkdocs.yml names (`site` by default), as plain `mkdocs build` does."""
    value = mkdocs.get("site_dir")
    return config.root / (value if isinstance(value, str) else DEFAULT_SITE_DIR)


def source_folders(config: Config) -> tuple[Path, ...]:
    """Give the folders the site is made from: watched while serving, never written into."""
    return (config.content_dir, config.schema_dir, config.template_dir)
