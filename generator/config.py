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


HEALTH_FINDINGS = (
    "overdue", "due-soon", "never-reviewed", "unowned", "orphan", "links-to-overdue",
    "review-in-future",
)  # fmt: skip
"""What `playbook health` reports; `fail_on` names those that make it exit 1."""


@dataclass(frozen=True, slots=True)
class HealthSettings:
    """`[tool.playbook.health]`: when entries count as due soon and what fails `playbook health`."""

    due_soon_days: int = 30
    """Days before the due date from which an entry is due soon."""
    fail_on: frozenset[str] = frozenset({"unowned"})
    """Findings that are errors (exit 1); the others are warnings."""
    min_score: int = 0
    """Exit 1 when the playbook's score (0-100) is lower than this."""
    timezone: str | None = None
    """IANA time zone whose calendar day is "today" (default: the machine's)."""


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
    health: HealthSettings = field(default_factory=HealthSettings)

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
    known = {"disable", "strict", "html", "health"}
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
    health = _health_settings(settings.get("health", {}), pyproject)
    return Config(root=root, disable=frozenset(disable), strict=strict, html=html, health=health)


def _health_settings(table: Any, pyproject: Path) -> HealthSettings:
    where = f"{pyproject}: [tool.playbook.health]"
    if not isinstance(table, dict):
        raise ConfigError(f"{where} must be a table of settings")
    unknown = sorted(set(table) - {"due_soon_days", "fail_on", "min_score", "timezone"})
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s): {', '.join(unknown)}")
    days = table.get("due_soon_days", 30)
    if isinstance(days, bool) or not isinstance(days, int) or not 0 <= days <= 3650:
        raise ConfigError(f"{where}: due_soon_days must be a whole number of days from 0 to 3650")
    fail_on = table.get("fail_on", ["unowned"])
    if not isinstance(fail_on, list) or not all(f in HEALTH_FINDINGS for f in fail_on):
        raise ConfigError(f"{where}: fail_on must be a list of: {', '.join(HEALTH_FINDINGS)}")
    score = table.get("min_score", 0)
    if isinstance(score, bool) or not isinstance(score, int) or not 0 <= score <= 100:
        raise ConfigError(f"{where}: min_score must be a whole number from 0 to 100")
    zone = table.get("timezone")
    if zone is not None:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(zone) if isinstance(zone, str) else None
        except (ZoneInfoNotFoundError, ValueError):
            zone = None
        if not isinstance(zone, str):
            raise ConfigError(f"{where}: timezone must be an IANA name such as 'Europe/Berlin'")
    return HealthSettings(days, frozenset(fail_on), score, zone)
