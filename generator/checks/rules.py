"""The named cross-file rules, in the order they run. Each is a small pure function."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field

from generator.checks.references import commonmark_parser
from generator.content.raci import RaciShape, raci_of
from generator.model import (
    Entity,
    Issue,
    KindSpec,
    Mirror,
    Playbook,
    Reference,
    Severity,
    SourceRef,
    entity_key,
)
from generator.review import parse_date
from generator.suggest import did_you_mean
from generator.teams import team_named, teams_by_handle

Locator = Callable[[str, tuple[str | int, ...], bool], SourceRef]
"""Gives the position of a field of an entity (by `kind/id`), parsing again only when asked."""


@dataclass(frozen=True, slots=True)
class Context:
    """What rules may look at besides the playbook itself."""

    locate: Locator
    unreadable: Mapping[str, str] = field(default_factory=dict)
    """Files that exist but could not be read (already reported): `kind/id` -> path.
    References to them are not reported again."""
    raci: tuple[RaciShape, ...] = ()
    """The kinds with a RACI field, and where they keep it, as the schemas declare them."""


Rule = Callable[[Playbook, Context], Iterator[Issue]]


def _at(ctx: Context, ref: Reference) -> SourceRef:
    return ref.source or ctx.locate(ref.origin, ref.pointer, ref.key)


def _error(source: SourceRef, rule_id: str, message: str, hint: str) -> Issue:
    return Issue(source, Severity.ERROR, rule_id, message, hint)


def references_resolve(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A field names an entry that does not exist."""
    for ref in pb.references:
        if ref.kind == "file":
            continue
        if ref.kind == "*":
            kind, _, entity_id = ref.target.partition("/")
            if kind not in pb.kinds or not entity_id:
                yield _error(
                    _at(ctx, ref),
                    "ref-unknown",
                    f"{ref.field}: '{ref.target}' is not a `kind/id` reference"
                    + (did_you_mean(kind, pb.kinds) if kind not in pb.kinds else ""),
                    "write the kind folder, a slash and the id,"
                    " e.g. processes/customer-feedback-loop",
                )
                continue
        else:
            kind, entity_id = ref.kind, ref.target
        if pb.get(kind, entity_id) is None and entity_key(kind, entity_id) not in ctx.unreadable:
            singular = pb.kinds[kind].singular.lower() if kind in pb.kinds else kind
            yield _error(
                _at(ctx, ref),
                "ref-unknown",
                f"{ref.field}: '{entity_id}' is not a {singular}"
                + did_you_mean(entity_id, pb.entities.get(kind, {})),
                f"use the file name (without extension) of an entry in playbook/{kind}/",
            )
        elif entity_key(kind, entity_id) == ref.origin:
            yield Issue(
                _at(ctx, ref),
                Severity.WARNING,
                "ref-unknown",
                f"{ref.field}: an entry refers to itself",
                "remove the reference",
            )


def links_resolve(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A Markdown link points at a playbook file that does not exist."""
    every = {**{e.key: e.source.path for e in pb}, **ctx.unreadable}
    existing = {path.removeprefix("playbook/"): key for key, path in every.items()}
    for ref in pb.references:
        if ref.kind != "file" or ref.target in existing:
            continue
        kind = ref.target.split("/", 1)[0]
        choices = [path for path in existing if path.startswith(kind + "/")] or list(existing)
        yield _error(
            _at(ctx, ref),
            "link-unknown",
            f"link to '{ref.target}': no such playbook file" + did_you_mean(ref.target, choices),
            "link to another entry by its source file,"
            " e.g. [Product manager](../roles/product-manager.yml)",
        )


def _raci_entries(pb: Playbook, ctx: Context) -> Iterator[tuple[RaciShape, Entity, dict[str, str]]]:
    """Give each entry of a kind with a RACI field (as the schemas declare it), with its RACI."""
    for shape in ctx.raci:
        for entry in pb.of_kind(shape.kind):
            if isinstance(entry.fields.get(shape.field), dict):
                yield shape, entry, raci_of(entry, shape)


def _steps(entry: Entity, shape: RaciShape) -> Iterator[tuple[int, str]]:
    """Give (index, role) of each step of an entry that names the role doing it."""
    steps = entry.fields.get(shape.steps) if shape.steps else None
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        role = step.get(shape.step_role) if isinstance(step, dict) and shape.step_role else None
        if isinstance(role, str):
            yield index, role


def raci_has_one_accountable(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A process has exactly one Accountable role."""
    for shape, process, raci in _raci_entries(pb, ctx):
        accountable = [role for role, letter in raci.items() if letter == "A"]
        if len(accountable) != 1:
            found = ", ".join(accountable) if accountable else "none"
            yield _error(
                ctx.locate(process.key, (shape.field,), True),
                "raci-accountable",
                f"{shape.field}: exactly one role must be Accountable (A); found {found}",
                "mark the one role that answers for the outcome with A; others R, C or I",
            )


def raci_has_responsible(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A process has at least one Responsible role."""
    for shape, process, raci in _raci_entries(pb, ctx):
        if raci and "R" not in raci.values():
            yield _error(
                ctx.locate(process.key, (shape.field,), True),
                "raci-responsible",
                f"{shape.field}: no role is Responsible (R)",
                "mark the role(s) that do the work with R",
            )


def steps_roles_in_raci(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """Every step's role appears in the process's RACI."""
    for shape, process, raci in _raci_entries(pb, ctx):
        for index, role in _steps(process, shape):
            if role not in raci:
                yield _error(
                    ctx.locate(process.key, (str(shape.steps), index, str(shape.step_role)), False),
                    "raci-step-role",
                    f"{shape.steps}[{index}].{shape.step_role}: '{role}' does this step but is"
                    f" not in the {shape.field_title}",
                    f"add `{role}: R` under {shape.field}, or give the step to a role that is",
                )


def step_roles_do_the_work(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """Whoever performs a step is Responsible or Accountable in the process's RACI."""
    for shape, process, raci in _raci_entries(pb, ctx):
        for index, role in _steps(process, shape):
            letter = raci.get(role)  # a role missing altogether is raci-step-role's finding
            if letter in ("C", "I"):
                yield Issue(
                    ctx.locate(process.key, (str(shape.steps), index, str(shape.step_role)), False),
                    Severity.WARNING,
                    "step-role-responsible",
                    f"{shape.steps}[{index}].{shape.step_role}: '{role}' does this step"
                    f" but is only {letter} in the {shape.field_title}",
                    f"whoever does the work is Responsible: set `{role}: R` under {shape.field},"
                    " or give the step to a role that is R or A",
                )


def owner_is_accountable(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A process's owner role is the Accountable role in its RACI."""
    for shape, process, raci in _raci_entries(pb, ctx):
        owner = process.fields.get(shape.owner) if shape.owner else None
        if isinstance(owner, str) and raci.get(owner) != "A":
            found = raci.get(owner)
            yield Issue(
                ctx.locate(process.key, (str(shape.owner),), False),
                Severity.WARNING,
                "raci-owner",
                f"{shape.owner}: '{owner}' owns the {pb.kinds[shape.kind].singular.lower()} but is "
                + (
                    f"{found}, not A, in its {shape.field_title}"
                    if found
                    else f"not in its {shape.field_title}"
                ),
                f"the owner answers for the outcome: set `{owner}: A` under {shape.field}"
                " (and the former A to R, C or I), or make the Accountable role the owner",
            )


def _named_back(pb: Playbook, mirror: Mirror, kind: str) -> dict[str, list[str]]:
    """Give, for each entry of `kind`, the entries of the mirrored kind that name it in their
    `mirror.back` field (at any depth: a process's `templates` or a step's), in order."""
    named: dict[str, list[str]] = defaultdict(list)
    for ref in pb.references:
        origin_kind, _, origin_id = ref.origin.partition("/")
        if origin_kind == mirror.kind and ref.kind == kind and mirror.back in ref.pointer:
            named[ref.target].append(origin_id)
    return {target: list(dict.fromkeys(origins)) for target, origins in named.items()}


def mirrored_lists_agree(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A list the schema declares mirrored (a template's `processes`) and the fields that name
    the entry back (the processes' `templates`) agree."""
    for kind, spec in pb.kinds.items():
        for mirror in spec.mirrors:
            named = _named_back(pb, mirror, kind)
            for entity in pb.of_kind(kind):
                yield from _disagreements(pb, ctx, entity, mirror, named.get(entity.id, []))


def _disagreements(
    pb: Playbook, ctx: Context, entity: Entity, mirror: Mirror, naming: list[str]
) -> Iterator[Issue]:
    """Give where an entry's mirrored list and the entries that name it back differ."""
    this, other = pb.kinds[entity.kind].singular.lower(), pb.kinds[mirror.kind].singular.lower()
    value = entity.fields.get(mirror.field)
    listed = [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
    has_list = mirror.field in entity.fields
    for origin in naming:
        if origin not in listed:
            yield Issue(
                ctx.locate(entity.key, (mirror.field,) if has_list else (), has_list),
                Severity.WARNING,
                "template-process",
                f"{mirror.field}: the {other} '{origin}' names this {this} in its"
                f" `{mirror.back}` but is not listed",
                f"add `{origin}` to the {this}'s `{mirror.field}`",
            )
    for index, origin in enumerate(listed):
        if pb.get(mirror.kind, origin) is not None and origin not in naming:
            yield Issue(
                ctx.locate(entity.key, (mirror.field, index), False),
                Severity.WARNING,
                "template-process",
                f"{mirror.field}[{index}]: '{origin}' is listed but does not name this {this}"
                f" in its `{mirror.back}`",
                f"add `{entity.id}` to the {other}'s `{mirror.back}`, or remove it here",
            )


def _number(value: object) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _target_contradiction(fields: Mapping[str, object]) -> tuple[str, str] | None:
    """Give (field, reason) when a metric's target, range and threshold disagree."""
    bounds = fields.get("healthy_range")
    low = _number(bounds.get("min")) if isinstance(bounds, dict) else None
    high = _number(bounds.get("max")) if isinstance(bounds, dict) else None
    target, threshold = _number(fields.get("target")), _number(fields.get("review_threshold"))
    direction = fields.get("direction")
    if low is not None and high is not None and low > high:
        return "healthy_range", f"min {low:g} is above max {high:g}"
    if target is not None and (
        (low is not None and target < low) or (high is not None and target > high)
    ):
        return "target", f"{target:g} lies outside the healthy range"
    if threshold is None:
        return None
    if direction == "target":
        return "review_threshold", "a `target` metric is reviewed when it leaves its range"
    if direction == "up" and low is not None and threshold > low:
        return "review_threshold", f"{threshold:g} is inside the healthy range, not below it"
    if direction == "down" and high is not None and threshold < high:
        return "review_threshold", f"{threshold:g} is inside the healthy range, not above it"
    return None


def metric_targets_agree(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A metric's target, healthy range and review threshold agree (any kind that declares
    `x-playbook.targets`)."""
    metrics = (e for kind, spec in pb.kinds.items() if spec.targets for e in pb.of_kind(kind))
    for metric in metrics:
        found = _target_contradiction(metric.fields)
        if found is not None:
            field_name, reason = found
            yield Issue(
                ctx.locate(metric.key, (field_name,), False),
                Severity.WARNING,
                "metric-targets",
                f"{field_name}: {reason}",
                "put the target inside the healthy range and the review threshold"
                " beyond it on the bad side",
            )


def trees_have_no_circles(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """The parent field a kind declares (`x-playbook.tree`: a role's `reports_to`) forms a tree."""
    for kind, spec in pb.kinds.items():
        if spec.tree is not None:
            parent = {e.id: e.fields.get(spec.tree) for e in pb.of_kind(kind)}
            yield from _circles(ctx, spec, spec.tree, parent)


def _circles(
    ctx: Context, spec: KindSpec, field_name: str, parent: Mapping[str, object]
) -> Iterator[Issue]:
    reported: set[str] = set()
    for start in sorted(parent):
        chain: list[str] = []
        current: object = start
        while isinstance(current, str) and current in parent and current not in chain:
            chain.append(current)
            current = parent[current]
        if isinstance(current, str) and current in chain:
            cycle = chain[chain.index(current) :]
            if cycle[0] not in reported and min(cycle) == start:
                reported.update(cycle)
                loop = " → ".join([*cycle, current])
                yield _error(
                    ctx.locate(entity_key(spec.name, start), (field_name,), False),
                    "reports-to-cycle",
                    f"{field_name}: these {spec.plural.lower()} lead round in a circle: {loop}",
                    f"one {spec.singular.lower()} in the circle must name one outside it in"
                    f" `{field_name}`, or none",
                )


def bodies_present(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """Markdown entries of kinds that need prose have a body."""
    for entity in pb:
        spec = pb.kinds[entity.kind]
        if spec.body == "required" and entity.body is not None and not entity.body.strip():
            yield _error(
                SourceRef(entity.source.path, entity.body_line, 1),
                "body-required",
                f"this {spec.singular.lower()} has no text after its front matter",
                "write the Markdown text below the closing `---`",
            )


def owners_are_teams(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """Owners and reviewers name teams (the kind `x-playbook.teams` declares) by their handle."""
    teams = teams_by_handle(pb)
    if not teams:
        return  # a playbook that keeps no teams yet: `playbook health` reports the owners
    handles = sorted({str(pb.handle_of(t)) for t in teams.values()})
    folder = f"playbook/{pb.team_kind}/"
    for entity in pb:
        for index, handle in enumerate(entity.owners):
            if isinstance(handle, str) and team_named(teams, handle) is None:
                yield Issue(
                    ctx.locate(entity.key, ("owners", index), False),
                    Severity.WARNING,
                    "team-unknown",
                    f"owners[{index}]: '{handle}' is not the handle of a team"
                    + did_you_mean(handle, handles),
                    f"use the `handle` of a team in {folder}, or add the team there",
                )
        reviewer = entity.fields.get("reviewed_by")
        if isinstance(reviewer, str) and "/" in reviewer and team_named(teams, reviewer) is None:
            yield Issue(
                ctx.locate(entity.key, ("reviewed_by",), False),
                Severity.WARNING,
                "team-unknown",
                f"reviewed_by: '{reviewer}' is not the handle of a team"
                + did_you_mean(reviewer, handles),
                f"write a team's `handle` from {folder}, or a person's handle such as @jdoe",
            )


def team_handles_unique(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """No two teams share a handle."""
    first: dict[str, Entity] = {}
    for team in pb.teams():
        handle = pb.handle_of(team)
        if handle is None:
            continue
        field_name = str(pb.kinds[team.kind].team_handle)
        if handle.casefold() in first:
            yield _error(
                ctx.locate(team.key, (field_name,), False),
                "team-handle-duplicate",
                f"{field_name}: '{handle}' is also the handle of"
                f" {first[handle.casefold()].source.path}",
                "give each team its own handle, or merge the two teams",
            )
        else:
            first[handle.casefold()] = team


def review_dates_exist(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """`last_reviewed` is a real calendar day."""
    for entity in pb:
        value = entity.fields.get("last_reviewed")
        if isinstance(value, str) and parse_date(value) is None:
            yield _error(
                ctx.locate(entity.key, ("last_reviewed",), False),
                "review-date",
                f"last_reviewed: '{value}' is not a day of the calendar",
                "write the day of the review as YYYY-MM-DD, e.g. 2026-01-31",
            )


def bodies_written_once(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """An entry whose body can also be a field (`x-playbook.body_field`, a question's answer)
    has exactly one of the two."""
    for kind, spec in pb.kinds.items():
        field = spec.body_field
        if field is None:
            continue
        for entry in pb.of_kind(kind):
            has_field = bool(entry.fields.get(field))
            has_body = bool(entry.body and entry.body.strip())
            if has_field == has_body:
                message = (
                    f"has both an `{field}` field and a body" if has_field else f"has no {field}"
                )
                yield _error(
                    entry.source,
                    "faq-answer",
                    f"this {spec.singular.lower()} {message}",
                    f"write the {field} once: in `{field}:` or as Markdown below the front matter",
                )


def titles_unique(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """Titles are unique within a kind, so search and navigation stay clear."""
    for kind in pb.kinds:
        by_title: defaultdict[str, list[Entity]] = defaultdict(list)
        for entity in pb.of_kind(kind):
            by_title[entity.title.strip().casefold()].append(entity)
        for same in by_title.values():
            for entity in same[1:]:
                yield Issue(
                    ctx.locate(entity.key, ("title",), False),
                    Severity.WARNING,
                    "title-duplicate",
                    f"title: '{entity.title}' is also the title of {same[0].source.path}",
                    "give each entry a distinct title",
                )


def no_h1_in_body(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A Markdown body does not repeat the title as its own top heading."""
    for entity in pb:
        if entity.body is None or not _H1_CANDIDATE.search(entity.body):
            continue
        line = _first_h1(entity.body)
        if line is not None:
            yield Issue(
                SourceRef(entity.source.path, entity.body_line + line, 1),
                Severity.WARNING,
                "heading-title",
                "a top-level heading (`# `) in the body",
                "the page title comes from `title`; start sections with `## `",
            )


_H1_CANDIDATE = re.compile(r"^ {0,3}(?:#(?:[ \t]|$)|=+[ \t]*$)", re.MULTILINE)
"""A line that could open or underline a level-1 heading; most bodies have none, so the full
parse that tells code from headings runs only where one is."""


def _first_h1(body: str) -> int | None:
    """Give the 0-based line of the body's first real level-1 heading: not one in code."""
    for token in commonmark_parser().parse(body):
        if token.type == "heading_open" and token.tag == "h1" and token.map is not None:
            return int(token.map[0])
    return None


def lists_start_on_their_own(pb: Playbook, ctx: Context) -> Iterator[Issue]:
    """A list item or list starts after a blank line where the site needs one."""
    for entity in pb:
        if entity.body is None or not _LIST_MARKER.search(entity.body):
            continue
        for line in _run_in_lists(entity.body):
            yield Issue(
                SourceRef(entity.source.path, entity.body_line + line, 1),
                Severity.WARNING,
                "list-break",
                "this list item runs into the paragraph above it on the site",
                "put a blank line before it: the site's Markdown engine continues the paragraph"
                " above when none separates them (git hosts show a list either way)",
            )


_LIST_MARKER = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])[ \t]", re.MULTILINE)


def _run_in_lists(body: str) -> Iterator[int]:
    """Give the 0-based lines where CommonMark starts a list item but Python-Markdown, which
    the site uses, reads the line as more of the paragraph before it: a top-level list right
    under a paragraph, or an item right after a previous item that holds a blank line."""
    lines = body.split("\n")

    def follows_text(start: int) -> bool:
        return start > 0 and bool(lines[start - 1].strip())

    previous: dict[int, tuple[int, int]] = {}
    """For each list nesting level: the line range of the last item seen there."""
    for token in commonmark_parser().parse(body):
        if token.map is None:
            continue
        start, end = token.map
        if token.type in ("bullet_list_open", "ordered_list_open"):
            previous.pop(token.level + 1, None)
            if token.level == 0 and follows_text(start):
                yield start
        elif token.type == "list_item_open":
            before = previous.get(token.level)
            previous[token.level] = (start, end)
            if before is None or not follows_text(start):
                continue
            if any(not line.strip() for line in lines[before[0] : start - 1]):
                yield start


RULES: dict[str, Rule] = {
    "ref-unknown": references_resolve,
    "link-unknown": links_resolve,
    "raci-accountable": raci_has_one_accountable,
    "raci-responsible": raci_has_responsible,
    "raci-step-role": steps_roles_in_raci,
    "step-role-responsible": step_roles_do_the_work,
    "raci-owner": owner_is_accountable,
    "template-process": mirrored_lists_agree,
    "metric-targets": metric_targets_agree,
    "reports-to-cycle": trees_have_no_circles,
    "body-required": bodies_present,
    "team-unknown": owners_are_teams,
    "team-handle-duplicate": team_handles_unique,
    "review-date": review_dates_exist,
    "faq-answer": bodies_written_once,
    "title-duplicate": titles_unique,
    "heading-title": no_h1_in_body,
    "list-break": lists_start_on_their_own,
}
"""Every cross-file rule, by the id used in reports and in `disable = [...]`, in the order they
run."""


def run_rules(pb: Playbook, ctx: Context, disabled: frozenset[str] = frozenset()) -> list[Issue]:
    """Give the issues of every enabled rule, in the order of RULES."""
    issues: list[Issue] = []
    for name, function in RULES.items():
        if name not in disabled:
            issues.extend(function(pb, ctx))
    return issues
