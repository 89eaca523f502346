"""Per-repository settings, from `[tool.playbook]` in pyproject.toml."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.errors import ConfigError
from generator.files import read_regular_text

CONTENT_DIR = "playbook"
SCHEMA_DIR = "schemas"
TEMPLATE_DIR = "site_templates"


@dataclass(frozen=True, slots=True)
class Config:
    """Settings that change what is checked and how the site is made."""

    root: Path
    """The repository root."""
    disable: frozenset[str] = field(default_factory=frozenset)
    """Rule ids switched off."""
    strict: bool = False
    """Treat warnings as errors."""
    html: str = "escape"
    """Raw HTML in Markdown: `escape` shows it as text, `refuse` makes it an error."""

    @property
    def content_dir(self) -> Path:
        return self.root / CONTENT_DIR

    @property
    def schema_dir(self) -> Path:
        return self.root / SCHEMA_DIR

    @property
    def template_dir(self) -> Path:
        return self.root / TEMPLATE_DIR


def load_config(root: Path) -> Config:
    """Read the settings of the repository at `root` (defaults when there are none)."""
    if not root.is_dir():
        raise ConfigError(f"{root} is not a folder")
    settings: Any = {}
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        try:
            document = tomllib.loads(read_regular_text(pyproject))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
            raise ConfigError(f"{pyproject}: cannot read [tool.playbook]: {error}") from error
        tool = document.get("tool", {})
        settings = tool.get("playbook", {}) if isinstance(tool, dict) else None
        if not isinstance(settings, dict):
            raise ConfigError(f"{pyproject}: [tool.playbook] must be a table of settings")
    known = {"disable", "strict", "html"}
    unknown = sorted(set(settings) - known)
    if unknown:
        raise ConfigError(f"{pyproject}: unknown [tool.playbook] setting(s): {', '.join(unknown)}")
    disable = settings.get("disable", [])
    if not isinstance(disable, list) or not all(isinstance(r, str) for r in disable):
        raise ConfigError(f"{pyproject}: [tool.playbook] disable must be a list of rule ids")
    strict = settings.get("strict", False)
    if not isinstance(strict, bool):
        raise ConfigError(f"{pyproject}: [tool.playbook] strict must be true or false")
    html = settings.get("html", "escape")
    if html not in ("escape", "refuse"):
        raise ConfigError(f"{pyproject}: [tool.playbook] html must be 'escape' or 'refuse'")
    return Config(root=root, disable=frozenset(disable), strict=strict, html=html)
