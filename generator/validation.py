"""The validate stage: discover, read, check and link the playbook into its model; write nothing."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

from generator.checks import markdown, schema
from generator.checks.abbreviations import RULE as ABBREVIATION_RULE
from generator.checks.abbreviations import check_abbreviations
from generator.checks.markdown import check_markdown
from generator.checks.references import (
    field_references,
    is_unsafe_url,
    link_reference,
    markdown_links,
    walk,
)
from generator.checks.rules import RULES, Context, Locator, run_rules
from generator.checks.schema import check_schema, json_path
from generator.codeowners import RULE as CODEOWNERS_RULE
from generator.codeowners import check_codeowners, read_codeowners, render_codeowners
from generator.config import Config
from generator.content import discover as discovery
from generator.content import frontmatter, load, yamlread
from generator.content.discover import MAX_FILE_BYTES, Candidate, discover
from generator.content.load import LoadedFile, load_file
from generator.content.raci import raci_shapes
from generator.content.schemas import SchemaSet, load_schemas
from generator.errors import ConfigError
from generator.files import FileTooLarge, NotRegularFile, read_regular
from generator.gcpause import collection_paused
from generator.model import Entity, Issue, Playbook, Reference, Severity, SourceRef, entity_key

OWN_RULES = frozenset(
    {"id-duplicate", "link-unsafe", "file-type", "file-too-large", "file-unreadable"}
)
"""The rules of the problems this stage reports itself: a duplicate id, an unsafe link, an entry
that could not be read when it came to be read."""
LOADER_RULES = (
    discovery.RULES | yamlread.RULES | frontmatter.RULES | load.RULES | schema.RULES
    | markdown.RULES | OWN_RULES | {ABBREVIATION_RULE}
)  # fmt: skip
"""Problems that make a file unreadable or invalid: they cannot be switched off."""
WARNING_ONLY = discovery.WARNING_RULES
REPOSITORY_RULES = frozenset({CODEOWNERS_RULE})
"""Rules that compare the playbook with other files of the repository. They read files, so they
run here at the edge rather than among the pure rules; like those, they can be switched off."""


@dataclass(frozen=True, slots=True)
class Validation:
    """What validating a repository gives: the model, every issue, and what rendering needs."""

    playbook: Playbook
    issues: tuple[Issue, ...]
    schemas: SchemaSet
    files: MappingProxyType[str, LoadedFile]
    """`kind/id` -> the file it was read from."""

    def failed(self, strict: bool = False) -> bool:
        """Tell whether the issues fail the run (errors; warnings too when strict)."""
        return any(i.severity is Severity.ERROR or strict for i in self.issues)


def known_rules() -> frozenset[str]:
    return frozenset(RULES) | LOADER_RULES | WARNING_ONLY | REPOSITORY_RULES


def validate_playbook(config: Config) -> Validation:
    """Discover, parse, validate and link the playbook at `config.root`; write nothing."""
    _check_disable(config.disable)
    with collection_paused():
        schemas = load_schemas(config.schema_dir, config.root)
        if not config.content_dir.is_dir():  # else a wrong --root would report "no problems"
            raise ConfigError(
                f"no playbook/ folder in {config.root}: run playbook from the repository root, "
                "or point --root at it"
            )
        candidates, issues = discover(config.content_dir, config.root, schemas.specs)
        files, unreadable = read_entries(candidates, schemas, config, issues)
        playbook, link_issues = link_playbook(files, schemas)
        issues.extend(link_issues)
        context = Context(
            locate=_locator(files),
            unreadable=unreadable,
            raci=raci_shapes(schemas),
        )
        issues.extend(run_rules(playbook, context, config.disable))
        issues.extend(check_abbreviations(playbook, context.locate))
        issues.extend(_codeowners_issues(config, playbook, issues))
    kept = [i for i in issues if i.rule not in config.disable]
    return Validation(
        playbook=playbook,
        issues=tuple(sorted(kept, key=Issue.sort_key)),
        schemas=schemas,
        files=MappingProxyType(files),
    )


def _check_disable(disable: frozenset[str]) -> None:
    switchable = frozenset(RULES) | WARNING_ONLY | REPOSITORY_RULES
    unknown = sorted(disable - switchable)
    if unknown:
        raise ConfigError(
            "cannot disable unknown or essential rule(s): "
            + ", ".join(unknown)
            + "; rules that can be disabled: "
            + ", ".join(sorted(switchable))
        )


def read_entries(
    candidates: list[Candidate], schemas: SchemaSet, config: Config, issues: list[Issue]
) -> tuple[dict[str, LoadedFile], dict[str, str]]:
    """Give each readable entry by `kind/id`, checked against its schema, and the `kind/id`s of
    those that could not be read; the problems found are added to `issues`."""
    files: dict[str, LoadedFile] = {}
    unreadable: dict[str, str] = {}
    for candidate in candidates:
        key = entity_key(candidate.kind, candidate.stem)
        try:
            # Read afresh, never blocking: the file may have been swapped for a pipe, or grown,
            # since discovery listed it.
            raw = read_regular(candidate.path, limit=MAX_FILE_BYTES)
        except OSError as error:
            issues.append(_unreadable(candidate.rel, error))
            unreadable.setdefault(key, candidate.rel)
            continue
        loaded, problems = load_file(candidate, raw)
        issues.extend(problems)
        if loaded is None:
            unreadable.setdefault(key, candidate.rel)
        elif key in files:
            issues.append(_duplicate(loaded, files[key]))
        else:
            kind = schemas.kinds[loaded.kind]
            issues.extend(check_schema(loaded, kind))
            issues.extend(check_markdown(loaded, kind, refuse_html=config.html == "refuse"))
            files[key] = loaded
    return files, unreadable


def _duplicate(loaded: LoadedFile, first: LoadedFile) -> Issue:
    return Issue(
        SourceRef(loaded.rel),
        Severity.ERROR,
        "id-duplicate",
        f"'{loaded.id}' is also the id of {first.rel}",
        "ids are unique within a kind: rename or remove one of the files",
    )


def _codeowners_issues(config: Config, playbook: Playbook, issues: list[Issue]) -> list[Issue]:
    # An unreadable entry has no owners to list: compare only once every entry loads, or the
    # hint (regenerate) would drop that entry's owners.
    if CODEOWNERS_RULE in config.disable or any(i.rule in LOADER_RULES for i in issues):
        return []
    return check_codeowners(read_codeowners(config.root), render_codeowners(playbook))


def _unreadable(rel: str, error: OSError) -> Issue:
    """Give the issue for an entry file that could not be read as it was found."""
    if isinstance(error, NotRegularFile):
        rule, hint = "file-type", "replace it with an ordinary text file"
    elif isinstance(error, FileTooLarge):
        rule, hint = "file-too-large", "split it into several entries"
    else:
        rule, hint = "file-unreadable", "check its permissions"
    return Issue(
        SourceRef(rel), Severity.ERROR, rule, f"cannot read the file: {error.strerror}", hint
    )


def _locator(files: dict[str, LoadedFile]) -> Locator:
    def locate(key: str, pointer: tuple[str | int, ...], is_key: bool) -> SourceRef:
        return files[key].locate(pointer, key=is_key)

    return locate


def link_playbook(files: dict[str, LoadedFile], schemas: SchemaSet) -> tuple[Playbook, list[Issue]]:
    """Build the model: entities by kind and id, and every reference between them."""
    by_kind: dict[str, dict[str, Entity]] = {kind: {} for kind in schemas.kinds}
    references: list[Reference] = []
    issues: list[Issue] = []
    for key in sorted(files):
        loaded = files[key]
        kind = schemas.kinds[loaded.kind]
        entity = Entity(
            kind=loaded.kind,
            id=loaded.id,
            source=SourceRef(loaded.rel),
            fields=loaded.data,
            body=loaded.body,
            body_line=loaded.body_line,
        )
        by_kind[loaded.kind][loaded.id] = entity
        references.extend(field_references(key, loaded.data, kind))
        for pattern in kind.markdown_fields:
            for pointer, text, _ in walk(loaded.data, pattern):
                if isinstance(text, str):
                    field = json_path(pointer)
                    for link in markdown_links(text):
                        refs, problems = _link(key, loaded, link, None, field, pointer)
                        references.extend(refs)
                        issues.extend(problems)
        if loaded.body:
            for link in markdown_links(loaded.body):
                at = SourceRef(loaded.rel, loaded.body_line + link.line - 1, link.column)
                refs, problems = _link(key, loaded, link, at, "body")
                references.extend(refs)
                issues.extend(problems)
    playbook = Playbook(
        kinds=schemas.specs,
        entities={kind: dict(sorted(ids.items())) for kind, ids in by_kind.items()},
        references=tuple(references),
    )
    return playbook, issues


def _link(
    key: str,
    loaded: LoadedFile,
    link: Any,
    at: SourceRef | None,
    field: str,
    pointer: tuple[str | int, ...] = (),
) -> tuple[list[Reference], list[Issue]]:
    """Give the reference a Markdown link makes (if it names a playbook file) or why it is unsafe.

    Links inside YAML fields are located at their field, and only when reported.
    """
    if is_unsafe_url(link.target):
        where = at or loaded.locate(pointer)
        return [], [
            Issue(
                where,
                Severity.ERROR,
                "link-unsafe",
                f"{field}: links with a script or data address are not allowed",
                "link to an https:// page or to another playbook file",
            )
        ]
    ref = link_reference(key, posixpath.dirname(loaded.rel), link, at, field, pointer)
    return ([ref] if ref else []), []
