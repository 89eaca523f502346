"""Scaffold a new entity: a file whose fields come from its kind's schema, ready to fill in."""

from __future__ import annotations

import contextlib
import errno
import os
import textwrap
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator.codeowners import valid_owners
from generator.content.load import MAX_ID_LENGTH, is_reserved_id, is_valid_id
from generator.content.raci import RaciShape, raci_shape
from generator.content.schemas import KindSchema, SchemaSet, resolve, schema_at
from generator.errors import EXIT_INVALID, PlaybookError
from generator.model import Playbook
from generator.teams import unclaimed_handle

PLACEHOLDER_OWNER = "@your-org/your-team"
"""Used only when no entry names an owner yet; the owners pattern accepts it."""
ID_RULE = "lowercase letters and digits in words joined by single hyphens, e.g. customer-onboarding"


class ScaffoldUsageError(PlaybookError):
    """The kind, id or options cannot make an entity (exit code 2)."""


class EntityExistsError(PlaybookError):
    """An entity with this id is already there; `playbook new` never overwrites (exit code 1)."""

    exit_code = EXIT_INVALID


@dataclass(frozen=True, slots=True)
class Scaffold:
    """A new entity file, not yet written."""

    rel: str
    """Path relative to the repository root, e.g. `playbook/roles/data-analyst.yml`."""
    text: str
    fields: Mapping[str, Any]
    """The front matter or YAML fields the text holds."""


class RankedIds:
    """Existing ids to put in reference fields, most referenced first, so placeholders resolve."""

    def __init__(self, playbook: Playbook) -> None:
        counts: Counter[tuple[str, str]] = Counter()
        for ref in playbook.references:
            if ref.kind == "file":
                continue
            kind, _, entity_id = ref.target_key.partition("/")
            if playbook.get(kind, entity_id) is not None:
                counts[(kind, entity_id)] += 1
        self._ranked: dict[str, list[str]] = {
            kind: sorted(ids, key=lambda i: (-counts[(kind, i)], i))
            for kind, ids in playbook.entities.items()
        }

    def ids(self, kind: str) -> list[str]:
        """Give the ids of `kind`, most referenced first."""
        return self._ranked.get(kind, [])

    def pick(self, kind: str, index: int = 0) -> str | None:
        """Give the `index`-th most referenced id of `kind`, or None if there are not that many."""
        ids = self.ids(kind)
        return ids[index] if index < len(ids) else None


def check_new(
    schemas: SchemaSet, kind: str, entity_id: str, form: str | None
) -> tuple[KindSchema, str]:
    """Give the kind's schema and the file form to write; refuse a bad kind, id or form."""
    if kind not in schemas.kinds:
        raise ScaffoldUsageError(
            f"unknown kind '{kind}'; the kinds are: {', '.join(schemas.kinds)}"
        )
    if not is_valid_id(entity_id):
        raise ScaffoldUsageError(
            f"'{entity_id}' is not a valid id: use {ID_RULE} (at most {MAX_ID_LENGTH} characters)"
        )
    if is_reserved_id(entity_id):
        raise ScaffoldUsageError(
            f"'{entity_id}' is a device name on Windows, so the repository could not be checked "
            "out there: choose another id"
        )
    kind_schema = schemas.kinds[kind]
    forms = kind_schema.spec.forms
    if form is not None and form not in forms:
        raise ScaffoldUsageError(f"{kind} entries are written as {' or '.join(forms)}, not {form}")
    return kind_schema, form or forms[0]


def scaffold_entity(
    kind_schema: KindSchema,
    entity_id: str,
    form: str,
    playbook: Playbook,
    *,
    title: str | None = None,
    owners: Sequence[str] = (),
) -> Scaffold:
    """Give a new entity whose required fields hold placeholders that pass validation."""
    spec = kind_schema.spec
    picks = RankedIds(playbook)
    fields = required_fields(kind_schema, picks)
    if "title" in fields:
        fields["title"] = title or humanise(entity_id)
    if "owners" in fields:
        fields["owners"] = list(dict.fromkeys(owners)) or usual_owners(playbook, spec.name)
    if spec.team_handle is not None and spec.team_handle in fields:
        # A first team takes the handle entries already name, so their owners resolve to it.
        handle = unclaimed_handle(playbook)
        if handle:
            fields[spec.team_handle] = handle
            fields["owners"] = list(dict.fromkeys(owners)) or [handle]
    fields = satisfy_rules(raci_shape(kind_schema), spec.body_field, form, fields, picks)
    problems = [error.message for error in kind_schema.errors(fields)]
    if problems:
        raise ScaffoldUsageError(
            f"the options give an invalid {spec.singular.lower()}: {problems[0]}"
        )
    optional = [name for name in _properties(kind_schema) if name not in fields]
    yaml_text = render_fields(kind_schema, fields, optional)
    rel = f"playbook/{spec.name}/{entity_id}.{form}"
    if form == "md":
        text = f"---\n{yaml_text}---\n\n{body_placeholder(spec.singular)}"
    else:
        text = f"# yaml-language-server: $schema=../../schemas/{spec.name}.schema.json\n{yaml_text}"
    return Scaffold(rel=rel, text=text, fields=fields)


def humanise(entity_id: str) -> str:
    """Give a sentence-case title made from an id: `team-onboarding` -> `Team onboarding`."""
    words = entity_id.replace("-", " ")
    return words[:1].upper() + words[1:]


def usual_owners(playbook: Playbook, kind: str) -> list[str]:
    """Give the owners most often set on entries of `kind` (else of any kind), or a placeholder."""
    for entities in (playbook.of_kind(kind), list(playbook)):
        counts: Counter[tuple[str, ...]] = Counter(
            owners for e in entities if (owners := valid_owners(e.fields))
        )
        if counts:
            best: tuple[str, ...] = min(counts, key=lambda owners: (-counts[owners], owners))
            return list(best)
    return [PLACEHOLDER_OWNER]


def _properties(kind_schema: KindSchema) -> dict[str, Any]:
    root = resolve(kind_schema.schema, kind_schema.schema)
    properties: dict[str, Any] = root.get("properties", {})
    return properties


def required_fields(kind_schema: KindSchema, picks: RankedIds) -> dict[str, Any]:
    """Give a placeholder for every required field, in the schema's order."""
    schema = kind_schema.schema
    return _required(schema, resolve(schema, schema), picks)


def _required(
    schema: Mapping[str, Any], node: Mapping[str, Any], picks: RankedIds
) -> dict[str, Any]:
    """Give a placeholder for each required property of an object node, in the schema's order."""
    required = set(node.get("required", ()))
    return {
        name: placeholder(schema, sub, name, picks)
        for name, sub in node.get("properties", {}).items()
        if name in required
    }


def placeholder(
    schema: Mapping[str, Any], node: Mapping[str, Any], name: str, picks: RankedIds
) -> Any:
    """Give a value the schema node accepts: an existing id, the first choice, or a TODO text."""
    node = resolve(schema, node)
    target = node.get("x-playbook-ref")
    if isinstance(target, str) and target != "*":
        return picks.pick(target) or f"todo-{target}"
    if "const" in node:
        return node["const"]
    if isinstance(node.get("examples"), list) and node["examples"]:
        return node["examples"][0]  # a pattern or shape a TODO text would not match
    if isinstance(node.get("enum"), list) and node["enum"]:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "array":
        return _array(schema, node, name, picks)
    if kind == "object":
        return _required(schema, node, picks)
    if kind in ("integer", "number"):
        return node.get("minimum", 1)
    if kind == "boolean":
        return False
    title = str(node.get("title", name.replace("_", " "))).lower()
    return f"TODO write the {title}"[: node.get("maxLength", 200)]


def _array(
    schema: Mapping[str, Any], node: Mapping[str, Any], name: str, picks: RankedIds
) -> list[Any]:
    items = resolve(schema, node.get("items", {}))
    least = int(node.get("minItems", 0))
    count = max(1, least)
    target = items.get("x-playbook-ref")
    if isinstance(target, str) and target != "*":
        # Existing ids where there are some; a dangling placeholder only where one is required.
        ids = picks.ids(target)[:count]
        return ids + [f"todo-{target}-{n}" for n in range(len(ids) + 1, least + 1)]
    values = [placeholder(schema, items, name, picks) for _ in range(count)]
    if node.get("uniqueItems") and count > 1 and all(isinstance(v, str) for v in values):
        values = [f"{value} ({n})" for n, value in enumerate(values, 1)]
    return values


def satisfy_rules(
    raci: RaciShape | None,
    body_field: str | None,
    form: str,
    fields: dict[str, Any],
    picks: RankedIds,
) -> dict[str, Any]:
    """Give the fields adjusted for what the cross-file rules ask beyond the schema.

    The schema cannot say that a RACI has one Accountable and at least one Responsible role,
    that the owner is the Accountable one, that a step's role is in the RACI, or that a question
    needs an answer; the rules can.
    """
    fields = dict(fields)
    if raci is not None and raci.field in fields:
        owner = picks.pick(raci.role_kind, 0) or f"todo-{raci.role_kind}"
        doer = picks.pick(raci.role_kind, 1) or "todo-responsible-role"
        fields[raci.field] = {owner: "A", doer: "R"}
        if raci.owner in fields:
            fields[raci.owner] = owner
        for step in fields.get(raci.steps or "", []):
            if isinstance(step, dict) and raci.step_role in step:
                step[raci.step_role] = doer
    if body_field is not None and form == "yml":
        fields.setdefault(body_field, f"TODO write the {body_field}")
    return fields


class _Dumper(yaml.SafeDumper):
    """Indents list items under their key, as the playbook's files are written."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def render_fields(
    kind_schema: KindSchema, fields: Mapping[str, Any], optional: Sequence[str]
) -> str:
    """Give the YAML of `fields`, each after a comment holding its schema description."""
    out: list[str] = []
    for name, value in fields.items():
        description = (schema_at(kind_schema.schema, (name,)) or {}).get("description", "")
        out.extend(_comment(str(description)))
        out.append(
            yaml.dump(
                {name: value}, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=100
            ).rstrip("\n")
        )
    if optional:
        out.extend(
            _comment(
                f"Optional fields: {', '.join(optional)} (see {kind_schema.spec.schema_path})."
            )
        )
    return "\n".join(out) + "\n"


def _comment(text: str) -> Iterator[str]:
    for line in textwrap.wrap(text, width=98, break_on_hyphens=False):
        yield f"# {line}"


def body_placeholder(singular: str) -> str:
    """Give the Markdown body a new `.md` entry starts with."""
    return (
        "## Overview\n\n"
        f"TODO write this {singular.lower()} in Markdown. Start sections with `## `; "
        "the title above is the page heading.\n"
    )


def write_new(root: Path, scaffold: Scaffold, other_forms: Sequence[str]) -> Path:
    """Create the file and give its path; refuse if the id is taken in any form."""
    path = root / scaffold.rel
    for form in other_forms:
        sibling = path.with_suffix(f".{form}")
        if sibling != path and (sibling.exists() or sibling.is_symlink()):
            raise EntityExistsError(f"{sibling.relative_to(root).as_posix()} already has this id")
    try:
        descriptor = create_inside(root, scaffold.rel)
    except FileExistsError:
        raise EntityExistsError(
            f"{scaffold.rel} already exists; playbook new never overwrites"
        ) from None
    except OSError as error:  # not writable, a file or a link where a folder should be...
        reason = error.strerror
        if error.errno in (errno.ELOOP, errno.ENOTDIR):
            reason = "a folder on the way is a symbolic link or a file; make it a real folder"
        raise ScaffoldUsageError(f"cannot create {scaffold.rel}: {reason}") from None
    with os.fdopen(descriptor, "w", encoding="utf-8", newline="\n") as out:
        out.write(scaffold.text)
    return path


def create_inside(root: Path, rel: str) -> int:
    """Create the new file `rel` under `root` and give its descriptor, open for writing.

    Folders on the way are made as needed, and each is opened without following links, so a
    kind folder that is a symbolic link to elsewhere (which validation refuses to read) is never
    written through. The file is created exclusively: an existing one, or a link in its place,
    raises FileExistsError, even in a race.
    """
    *folders, name = rel.split("/")
    opening = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC
    folder = os.open(root, opening)
    try:
        for part in folders:
            with contextlib.suppress(FileExistsError):
                os.mkdir(part, dir_fd=folder)
            inner = os.open(part, opening | os.O_NOFOLLOW, dir_fd=folder)
            os.close(folder)
            folder = inner
        creating = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        return os.open(name, creating, 0o644, dir_fd=folder)
    finally:
        os.close(folder)
