"""Say what changed between two versions of an entity, field by field, in the playbook's words.

Pure functions. A detail is a short sentence such as `RACI: {roles/product-manager} C → A`,
`Step 3 "Triage" added`, `Summary reworded` or `Section "How to start" changed`. Field names
are the schema's titles. References to other entities are written as `{kind/id}` placeholders
(literal braces doubled) so the sentences can be cached and the names filled in later by
`render`, with the titles of the day.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

from generator.content.fenced import unfenced_lines
from generator.content.schemas import resolve

ARROW = "→"
SHORT = 80
"""Strings longer than this (or on several lines, or Markdown) are `reworded`, not quoted."""
IDENTITY_KEYS = ("name", "title", "id", "term", "question")
"""Fields that name an item in a list of objects (a step's `name`), so items are matched by it."""
INTRODUCTION = "Introduction"


class _Missing:
    """The value of a field an entity does not have."""

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()

Schema = Mapping[str, Any]


def escape_braces(text: str) -> str:
    """Give `text` safe to embed in a detail template (braces doubled)."""
    return text.replace("{", "{{").replace("}", "}}")


PLACEHOLDER = re.compile(r"\{\{|\}\}|\{([^{}]*)\}")


def render(template: str, name_of: Callable[[str], str]) -> str:
    """Give the detail with each `{kind/id}` replaced by that entity's display name."""
    if "{" not in template and "}" not in template:
        return template

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        return name_of(match.group(1))

    return PLACEHOLDER.sub(replace, template)


def placeholders(template: str) -> Iterator[str]:
    """Give the `kind/id` keys a template refers to."""
    for match in PLACEHOLDER.finditer(template):
        if match.group(1) is not None:
            yield match.group(1)


REVIEW_DETAIL = re.compile(r"Reviewed (?:by \S+ )?on [0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
"""A detail that records a review; a change made only of these is a review, not an edit."""


def review_detail(old_fields: Mapping[str, Any], new_fields: Mapping[str, Any]) -> str | None:
    """Give `Reviewed by @team on DAY` when the new version records a review, else None."""
    day, by = new_fields.get("last_reviewed"), new_fields.get("reviewed_by")
    if not isinstance(day, str) or day == old_fields.get("last_reviewed"):
        return None
    who = f"by {escape_braces(by)} " if isinstance(by, str) and by.split() == [by] else ""
    detail = f"Reviewed {who}on {escape_braces(day)}"
    return detail if REVIEW_DETAIL.match(detail) else None


def is_review(details: Sequence[str]) -> bool:
    """Tell whether a change's details say only that the entry was reviewed."""
    return bool(details) and all(REVIEW_DETAIL.match(d) for d in details)


def entity_details(
    schema: Schema | None,
    old_fields: Mapping[str, Any],
    new_fields: Mapping[str, Any],
    old_body: str | None = None,
    new_body: str | None = None,
) -> tuple[str, ...]:
    """Give the field-level changes between two versions, in schema order, then the body's.

    A new review date is one detail, `Reviewed by @team on DAY`, not two field changes.
    """
    schema = schema or {}
    root = resolve(schema, schema)
    properties: Mapping[str, Any] = root.get("properties", {})
    present = set(old_fields) | set(new_fields)
    keys = [k for k in properties if k in present] + sorted(present - set(properties))
    out: list[str] = []
    review = review_detail(old_fields, new_fields)
    if review is not None:
        out.append(review)
        keys = [k for k in keys if k not in ("last_reviewed", "reviewed_by")]
    for key in keys:
        node = properties.get(key, {})
        diff_value(
            out,
            label_of(key, node, schema),
            old_fields.get(key, MISSING),
            new_fields.get(key, MISSING),
            node,
            schema,
            always_show=key == "title",
        )
    out.extend(body_details(old_body, new_body))
    return tuple(out)


def label_of(key: str, node: Mapping[str, Any], schema: Schema) -> str:
    """Give a field's name for readers: its schema title, else the key in words."""
    title = resolve(schema, node).get("title") if node else None
    return (
        escape_braces(title)
        if isinstance(title, str) and title
        else escape_braces(key.replace("_", " ").capitalize())
    )


def decapitalize(label: str) -> str:
    """Give a field name as it reads inside a sentence: `Step description` -> `step description`."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def diff_value(
    out: list[str],
    label: str,
    old: Any,
    new: Any,
    node: Mapping[str, Any],
    schema: Schema,
    *,
    always_show: bool = False,
) -> None:
    """Append the changes from `old` to `new` (either may be MISSING) under `label`."""
    if old == new:
        return
    node = resolve(schema, node) if node else {}
    if (
        isinstance(old, dict | _Missing)
        and isinstance(new, dict | _Missing)
        and (isinstance(old, dict) or isinstance(new, dict))
    ):
        _diff_mapping(out, label, _dict(old), _dict(new), node, schema)
    elif (
        isinstance(old, list | _Missing)
        and isinstance(new, list | _Missing)
        and (isinstance(old, list) or isinstance(new, list))
    ):
        items = (
            resolve(schema, node.get("items", {})) if isinstance(node.get("items"), dict) else {}
        )
        old_list, new_list = _list(old), _list(new)
        if _objects(items, old_list + new_list):
            _diff_objects(out, label, old_list, new_list, items, schema)
        else:
            _diff_scalars(out, label, old_list, new_list, items)
    elif isinstance(old, dict | list) or isinstance(new, dict | list):
        out.append(f"{label} changed")
    else:
        _diff_scalar(out, label, old, new, node, always_show)


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _objects(items: Mapping[str, Any], values: Sequence[Any]) -> bool:
    if items.get("type") == "object" or "properties" in items:
        return True
    return bool(values) and all(isinstance(v, dict) for v in values)


def _diff_scalar(
    out: list[str], label: str, old: Any, new: Any, node: Mapping[str, Any], always_show: bool
) -> None:
    long = not always_show and (_is_long(old, node) or _is_long(new, node))
    if old is MISSING:
        out.append(f"{label} added" if long else f"{label} set to {as_detail(new, node)}")
    elif new is MISSING:
        out.append(f"{label} removed" if long else f"{label} removed (was {as_detail(old, node)})")
    elif long:
        out.append(f"{label} reworded")
    else:
        out.append(f"{label}: {as_detail(old, node)} {ARROW} {as_detail(new, node)}")


def _is_long(value: Any, node: Mapping[str, Any]) -> bool:
    if not isinstance(value, str):
        return False
    return (
        node.get("contentMediaType") == "text/markdown"
        or "\n" in value.strip()
        or len(value) > SHORT
    )


def as_detail(value: Any, node: Mapping[str, Any]) -> str:
    """Give a value as a detail shows it: references as placeholders, phrases quoted."""
    target = node.get("x-playbook-ref")
    if isinstance(value, str) and isinstance(target, str):
        return reference(target, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if value is None or value is MISSING:
        return "nothing"
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        text = _truncate(" ".join(value.split()))
        if "enum" in node or (text and " " not in text and '"' not in text):
            return escape_braces(text)
        return '"' + escape_braces(text) + '"'
    return escape_braces(_truncate(json.dumps(value, ensure_ascii=False, sort_keys=True)))


REF_VALUE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*(?:/[a-z0-9]+(?:-[a-z0-9]+)*)?\Z")


def reference(target: str, value: str) -> str:
    """Give a placeholder for a reference to `value` (an id, or `kind/id` when `target` is `*`)."""
    if not REF_VALUE.match(value):
        return escape_braces(value)
    if target == "*":
        return "{" + value + "}" if "/" in value else escape_braces(value)
    return "{" + f"{target}/{value}" + "}"


def _truncate(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _diff_mapping(
    out: list[str],
    label: str,
    old: dict[str, Any],
    new: dict[str, Any],
    node: Mapping[str, Any],
    schema: Schema,
) -> None:
    properties: Mapping[str, Any] = node.get("properties", {})
    if properties:
        present = set(old) | set(new)
        for key in [k for k in properties if k in present] + sorted(present - set(properties)):
            sub = properties.get(key, {})
            diff_value(
                out,
                f"{label} {decapitalize(label_of(key, sub, schema))}",
                old.get(key, MISSING),
                new.get(key, MISSING),
                sub,
                schema,
            )
        return
    names = (
        resolve(schema, node["propertyNames"])
        if isinstance(node.get("propertyNames"), dict)
        else {}
    )
    values = node.get("additionalProperties")
    values = resolve(schema, values) if isinstance(values, dict) else {}
    key_ref = names.get("x-playbook-ref")

    def key_text(key: str) -> str:
        return reference(key_ref, key) if isinstance(key_ref, str) else as_detail(key, {})

    for key in [*old, *(k for k in new if k not in old)]:
        before, after = old.get(key, MISSING), new.get(key, MISSING)
        if before == after:
            continue
        if isinstance(before, dict | list) or isinstance(after, dict | list):
            diff_value(out, f"{label} {key_text(key)}", before, after, values, schema)
        elif before is MISSING:
            out.append(f"{label}: {key_text(key)} added as {as_detail(after, values)}")
        elif after is MISSING:
            out.append(f"{label}: {key_text(key)} removed (was {as_detail(before, values)})")
        else:
            was, now = as_detail(before, values), as_detail(after, values)
            out.append(f"{label}: {key_text(key)} {was} {ARROW} {now}")


def _diff_scalars(
    out: list[str], label: str, old: list[Any], new: list[Any], items: Mapping[str, Any]
) -> None:
    before, after = Counter(map(_hashable, old)), Counter(map(_hashable, new))
    removed, added = before - after, after - before
    if not removed and not added:
        out.append(f"{label} reordered")
        return
    changed_at = [i for i in range(min(len(old), len(new))) if old[i] != new[i]]
    if (
        len(old) == len(new)
        and len(changed_at) == sum(added.values()) == sum(removed.values())
        and all(_is_long(old[i], items) or " " in str(old[i]) for i in changed_at)
    ):
        # Phrases edited in place read better as "item 2 reworded" than as one removed, one added.
        out.extend(f"{label}: item {i + 1} reworded" for i in changed_at)
        return
    added_items = [v for v in new if _take(added, v)]
    removed_items = [v for v in old if _take(removed, v)]
    if added_items:
        out.append(f"{label}: {', '.join(as_detail(v, items) for v in added_items)} added")
    if removed_items:
        out.append(f"{label}: {', '.join(as_detail(v, items) for v in removed_items)} removed")


def _hashable(value: Any) -> Any:
    return json.dumps(value, sort_keys=True) if isinstance(value, dict | list) else value


def _take(counts: Counter[Any], value: Any) -> bool:
    key = _hashable(value)
    if counts[key] > 0:
        counts[key] -= 1
        return True
    return False


def singular(label: str) -> str:
    """Give the name of one item of a list field: `Steps` -> `Step`."""
    if label.endswith("ies"):
        return label[:-3] + "y"
    if label.endswith("s") and not label.endswith("ss"):
        return label[:-1]
    return label


def _identity(items: Mapping[str, Any], values: Sequence[Any]) -> str | None:
    properties = items.get("properties", {})
    for key in IDENTITY_KEYS:
        if key in properties or any(isinstance(v, dict) and key in v for v in values):
            return key
    return None


def _diff_objects(
    out: list[str],
    label: str,
    old: list[Any],
    new: list[Any],
    items: Mapping[str, Any],
    schema: Schema,
) -> None:
    one = singular(label)
    key = _identity(items, old + new)

    def ident(item: Any) -> str:
        value = item.get(key) if key and isinstance(item, dict) else None
        return str(value) if isinstance(value, str | int | float) else _hashable(item)

    def name(position: int, item: Any) -> str:
        value = item.get(key) if key and isinstance(item, dict) else None
        named = (
            f' "{escape_braces(_truncate(" ".join(value.split())))}"'
            if isinstance(value, str)
            else ""
        )
        return f"{one} {position + 1}{named}"

    def compare(i: int, j: int) -> None:
        a, b = old[i], new[j]
        if key and isinstance(a, dict) and isinstance(b, dict) and a.get(key) != b.get(key):
            was, now = as_detail(a.get(key), {}), as_detail(b.get(key), {})
            out.append(f"{one} {j + 1} renamed {was} {ARROW} {now}")
            a = {**a, key: b.get(key)}
        diff_value(out, name(j, b), a, b, items, schema)

    old_ids, new_ids = [ident(v) for v in old], [ident(v) for v in new]
    removed: list[int] = []
    added: list[int] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(
        None, old_ids, new_ids, autojunk=False
    ).get_opcodes():
        if tag == "equal" or (tag == "replace" and i2 - i1 == j2 - j1):
            for i, j in zip(range(i1, i2), range(j1, j2), strict=True):
                compare(i, j)
        else:
            removed.extend(range(i1, i2))
            added.extend(range(j1, j2))
    for i in list(removed):
        twin = next((j for j in added if new_ids[j] == old_ids[i]), None)
        if twin is not None:  # the same item, somewhere else in the list
            removed.remove(i)
            added.remove(twin)
            out.append(f"{name(twin, new[twin])} moved from {i + 1}")
            diff_value(out, name(twin, new[twin]), old[i], new[twin], items, schema)
    out.extend(f"{name(j, new[j])} added" for j in added)
    out.extend(f"{name(i, old[i])} removed" for i in removed)


# --- Markdown bodies, compared section by section ---

HEADING = re.compile(r" {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*\Z")


def sections(body: str) -> list[tuple[str | None, str]]:
    """Give the body's sections in order: (heading text, or None before the first; content)."""
    found: list[tuple[str | None, list[str]]] = [(None, [])]
    lines = body.split("\n")
    outside = dict(unfenced_lines(body))
    for number, line in enumerate(lines, start=1):
        heading = HEADING.match(line) if number in outside else None
        if heading:
            found.append((heading.group(2).strip(), []))
            continue
        found[-1][1].append(line.rstrip())
    return [
        (title, "\n".join(lines).strip())
        for title, lines in found
        if title is not None or "\n".join(lines).strip()
    ]


def body_details(old: str | None, new: str | None) -> list[str]:
    """Give the changes to a Markdown body, by section."""
    if (old or "").strip() == (new or "").strip():
        return []
    if not (old or "").strip():
        return ["Text added"]
    if not (new or "").strip():
        return ["Text removed"]
    before, after = _keyed(sections(old or "")), _keyed(sections(new or ""))
    out: list[str] = []
    removed = [k for k in before if k not in after]
    added = [k for k in after if k not in before]
    for key in list(removed):
        twin = next((a for a in added if after[a] == before[key] and before[key]), None)
        if twin is not None:
            removed.remove(key)
            added.remove(twin)
            out.append(f"{_section(key)} renamed to {_quoted(twin)}")
    for key in after:
        if key in before and before[key] != after[key]:
            out.append(
                f"{_section(key)} reworded" if key[0] is None else f"{_section(key)} changed"
            )
    out.extend(f"{_section(k)} added" for k in added)
    out.extend(f"{_section(k)} removed" for k in removed)
    common_before = [k for k in before if k in after]
    common_after = [k for k in after if k in before]
    if common_before != common_after:
        out.append("Sections reordered")
    return out or ["Text reworded"]


SectionKey = tuple[str | None, int]


def _keyed(found: list[tuple[str | None, str]]) -> dict[SectionKey, str]:
    seen: Counter[str | None] = Counter()
    keyed: dict[SectionKey, str] = {}
    for title, text in found:
        seen[title] += 1
        keyed[(title, seen[title])] = text
    return keyed


def _quoted(key: SectionKey) -> str:
    title, _ = key
    return f'"{escape_braces(_truncate(title))}"' if title is not None else INTRODUCTION.lower()


def _section(key: SectionKey) -> str:
    return INTRODUCTION if key[0] is None else f"Section {_quoted(key)}"


# --- Schemas: what a change to `schemas/<kind>.schema.json` does to contributors ---


def schema_details(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[str, ...]:
    """Give the changes to a kind's schema: fields added, removed, made required or optional."""
    if old == new:
        return ()
    before, after = _properties(old), _properties(new)
    out = [f"Field {_field(k, after[k])} added" for k in after if k not in before]
    out += [f"Field {_field(k, before[k])} removed" for k in before if k not in after]
    req_before, req_after = _required(old), _required(new)
    out += [
        f"Field {_field(k, after.get(k, {}))} now required"
        for k in after
        if k in req_after and k not in req_before
    ]
    out += [
        f"Field {_field(k, after.get(k, {}))} no longer required"
        for k in after
        if k in req_before and k not in req_after
    ]
    out += [
        f"Field {_field(k, after[k])} changed"
        for k in after
        if k in before and before[k] != after[k]
    ]
    return tuple(out) or ("Descriptions or rules changed",)


def _properties(document: Mapping[str, Any]) -> dict[str, Any]:
    properties = document.get("properties")
    if isinstance(properties, dict):
        return properties
    defs = document.get("$defs")
    return defs if isinstance(defs, dict) else {}


def _required(document: Mapping[str, Any]) -> set[str]:
    required = document.get("required")
    return {r for r in required if isinstance(r, str)} if isinstance(required, list) else set()


def _field(key: str, node: Any) -> str:
    title = node.get("title") if isinstance(node, dict) else None
    return (
        f'"{escape_braces(title)}"'
        if isinstance(title, str) and title
        else f'"{escape_braces(key)}"'
    )
