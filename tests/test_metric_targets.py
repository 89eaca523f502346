"""Metric targets on the page: one section, in the metric's unit, only where there are targets."""

from __future__ import annotations

import shutil
from pathlib import Path

from sitekit import REPO_URL

from generator.config import load_config
from generator.model import History
from generator.pipeline import Validation, validate_playbook
from generator.site.render import SiteSettings, render_site

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "cases"


def case_site(tmp_path: Path) -> tuple[Path, Validation]:
    """Give a repository with the base playbook and the valid metric-targets case laid over it."""
    repo = tmp_path / "repo"
    shutil.copytree(ROOT / "schemas", repo / "schemas")
    shutil.copytree(ROOT / "site_templates", repo / "site_templates")
    shutil.copytree(CASES / "_base" / "playbook", repo / "playbook")
    shutil.copytree(
        CASES / "metric-targets" / "valid" / "playbook", repo / "playbook", dirs_exist_ok=True
    )
    validation = validate_playbook(load_config(repo))
    assert not validation.issues, validation.issues
    return repo, validation


def rendered(repo: Path, validation: Validation) -> dict[str, str]:
    settings = SiteSettings(
        template_dir=repo / "site_templates", repo_url=REPO_URL, edit_uri="edit/main/"
    )
    return render_site(validation, History(), settings)


def test_a_metric_page_shows_its_targets_in_its_unit(tmp_path: Path) -> None:
    repo, validation = case_site(tmp_path)
    pages = rendered(repo, validation)
    speed = pages["metrics/speed.md"]
    section = speed[speed.index("## Targets") : speed.index("## Definition")]
    assert "- **Target:** 4 days" in section
    assert "- **Healthy range:** 7 days or less" in section
    assert "- **Review when:** above 10 days" in section
    assert "The team's median over the last two quarters." in section
    # The fields are read in that section only, not again as loose facts or sections.
    assert speed.count("Healthy range") == 1
    assert "Where the targets come from" not in speed

    share = pages["metrics/share.md"]
    assert "- **Healthy range:** 70% to 90%" in share
    assert "- **Review when:** outside the healthy range" in share


def test_pages_without_targets_have_no_targets_section(tmp_path: Path) -> None:
    repo, validation = case_site(tmp_path)
    (repo / "playbook" / "metrics" / "share.yml").unlink()
    speed = repo / "playbook" / "metrics" / "speed.yml"
    kept = [
        line
        for line in speed.read_text().splitlines()
        if not line.startswith(("target", "healthy", "review"))
    ]
    speed.write_text("\n".join(kept) + "\n")
    validation = validate_playbook(load_config(repo))
    pages = rendered(repo, validation)
    assert all("## Targets" not in text for text in pages.values())
