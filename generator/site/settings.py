"""Site settings read from mkdocs.yml without the engine, for commands that only render."""

from __future__ import annotations

from collections import UserString
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from yaml_env_tag import construct_env_tag  # type: ignore[import-untyped]

from generator.config import Config
from generator.errors import ConfigError
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
    """Give the top-level settings of the repository's mkdocs.yml ({} when there is none)."""
    path = root / MKDOCS_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.load(path.read_text("utf-8"), Loader=_TolerantLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from error
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected settings (`name: value` lines)")
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
