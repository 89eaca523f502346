"""The site's share of the pipeline: validate, read history, render. Shared by CLI and plugin."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.config import Config
from generator.model import History
from generator.pipeline import Validation, begin_history, validate_playbook
from generator.site.render import SiteSettings, navigation, render_site


@dataclass(frozen=True, slots=True)
class Generated:
    """A validated playbook and, when it passed, its history and rendered Markdown tree."""

    validation: Validation
    history: History = field(default_factory=History)
    files: dict[str, str] = field(default_factory=dict)
    """{relative path: text}; empty when validation failed."""

    @property
    def rendered(self) -> bool:
        return bool(self.files)

    @property
    def nav(self) -> list[dict[str, str]]:
        """The site's navigation: home, the kind catalogues, then the site-wide pages."""
        return navigation(self.validation.playbook)


def generate(config: Config, settings: SiteSettings, strict: bool) -> Generated:
    """Validate; if the content passes, read its history and render the site's Markdown tree."""
    finish_history = begin_history(config)  # git reads the log while the content is validated
    validation = validate_playbook(config)
    if validation.failed(strict):
        return Generated(validation)
    history = finish_history(validation)
    files = render_site(validation, history, settings)
    return Generated(validation, history, files)
