"""Find entity files under `playbook/<kind>/`, refusing what must not be read."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.model import Issue, KindSpec, Severity, SourceRef

MAX_FILE_BYTES = 1_000_000
"""A playbook page is a few kilobytes; a megabyte is a mistake or an attack."""
MAX_FILES = 50_000


@dataclass(frozen=True, slots=True)
class Candidate:
    """A file that should hold one entity."""

    kind: str
    path: Path
    rel: str
    """Path relative to the repository root, with forward slashes."""
    stem: str
    form: str
    """`yml` or `md`."""


def discover(
    content_root: Path, repo_root: Path, kinds: Mapping[str, KindSpec]
) -> tuple[list[Candidate], list[Issue]]:
    """Give the entity files in a stable order, and problems with the tree itself."""
    candidates: list[Candidate] = []
    issues: list[Issue] = []
    real_root = content_root.resolve()

    def rel(path: Path) -> str:
        try:
            return path.relative_to(repo_root).as_posix()
        except ValueError:
            return path.as_posix()

    def report(path: Path, rule: str, message: str, hint: str, severity: Severity = Severity.ERROR) -> None:
        issues.append(Issue(SourceRef(rel(path)), severity, rule, message, hint))

    if not content_root.is_dir():
        return candidates, issues
    for entry in sorted(content_root.iterdir()):
        if entry.name.startswith(".") or entry.is_file():
            continue  # README.md and dotfiles beside the kind folders are not entities
        if entry.name not in kinds:
            report(
                entry, "unknown-folder", f"'{entry.name}' is not a kind of entry",
                "use one of: " + ", ".join(kinds), Severity.WARNING,
            )
            continue
        if entry.is_symlink():
            report(entry, "file-symlink", "kind folders must not be symbolic links", "make it a real folder")
            continue
        spec = kinds[entry.name]
        for dirpath, dirnames, filenames in os.walk(entry):
            dirnames.sort()
            for name in sorted(dirnames):
                report(
                    Path(dirpath) / name, "nested-folder",
                    "entries sit directly in their kind folder; this folder is not read",
                    f"move its files up into playbook/{spec.name}/", Severity.WARNING,
                )
            dirnames.clear()
            for name in sorted(filenames):
                if name.startswith("."):
                    continue
                path = Path(dirpath) / name
                stem, dot, ext = name.rpartition(".")
                if not dot or ext not in spec.forms:
                    if ext in ("yaml", "markdown") and ("yml" if ext == "yaml" else "md") in spec.forms:
                        hint = f"rename it to {stem}.{'yml' if ext == 'yaml' else 'md'}"
                    else:
                        hint = f"{spec.plural} are " + " or ".join(f".{f}" for f in spec.forms) + " files"
                    report(path, "file-extension", f"'{name}' is not read as an entry", hint)
                    continue
                if path.is_symlink() and not _inside(path.resolve(), real_root):
                    report(
                        path, "file-symlink", "a symbolic link that leads outside playbook/ is not read",
                        "replace the link with the file itself",
                    )
                    continue
                candidates.append(Candidate(spec.name, path, rel(path), stem, ext))
                if len(candidates) > MAX_FILES:
                    report(
                        content_root, "too-many-files", f"more than {MAX_FILES} entry files",
                        "split the playbook; this many files is not a playbook",
                    )
                    return candidates[:MAX_FILES], issues
    return candidates, issues


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
    except ValueError:
        return False
    return True
