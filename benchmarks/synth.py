"""Synthetic playbooks: N valid entities across every kind, written into a repository folder.

Files look like the real ones: YAML files of about thirty lines, Markdown pages with front
matter and a few paragraphs, references by id in the fields the schemas mark, and links
between pages in the `../roles/x.yml` form. Every process has one Accountable role, every
step's role is in the RACI, reporting lines form a tree, so `playbook validate` passes.
The same seed always gives the same files.
"""

from __future__ import annotations

import random
import shutil
import subprocess
import textwrap
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from generator.scaffold import humanise

PROJECT_ROOT = Path(__file__).resolve().parent.parent

KIND_SHARES = {
    "roles": 8, "pillars": 2, "processes": 15, "tools": 12, "frameworks": 5,
    "metrics": 10, "templates": 8, "guides": 8, "faq": 12, "glossary": 20,
}  # fmt: skip
"""Percent of the entities in each kind, roughly the shape of the bundled playbook."""

MIN_ENTITIES = 20
"""Enough for three roles (a RACI needs two) and one entity of every other kind."""
MARKDOWN_KINDS = frozenset({"pillars", "frameworks", "templates", "guides"})
FAQ_AS_MARKDOWN = 0.4
"""Share of questions written as Markdown pages with the answer in the body."""

WORDS = [
    "product",
    "team",
    "customer",
    "feedback",
    "roadmap",
    "release",
    "metric",
    "insight",
    "process",
    "owner",
    "review",
    "decision",
    "discovery",
    "delivery",
    "experiment",
    "outcome",
    "priority",
    "backlog",
    "launch",
    "adoption",
    "retention",
    "data",
    "dashboard",
    "quality",
    "planning",
    "alignment",
    "stakeholder",
    "research",
    "interview",
    "survey",
    "signal",
    "trend",
    "segment",
    "cohort",
    "funnel",
    "activation",
    "revenue",
    "pricing",
    "market",
    "strategy",
    "goal",
    "objective",
    "result",
    "cadence",
    "workflow",
    "handoff",
    "template",
    "checklist",
    "playbook",
    "guide",
    "practice",
    "standard",
    "tool",
    "integration",
    "pipeline",
    "event",
    "tracking",
    "report",
    "forecast",
    "budget",
    "capacity",
    "risk",
    "dependency",
    "milestone",
    "scope",
    "requirement",
    "story",
    "estimate",
    "sprint",
    "quarter",
    "portfolio",
    "initiative",
    "opportunity",
    "hypothesis",
    "evidence",
    "learning",
    "iteration",
    "prototype",
    "design",
    "usability",
    "support",
    "sales",
    "marketing",
    "success",
    "enablement",
    "onboarding",
    "training",
    "documentation",
    "knowledge",
]
SKILLS = [
    "analysis",
    "facilitation",
    "writing",
    "negotiation",
    "prioritisation",
    "modelling",
    "coaching",
    "sql",
]
TAGS = [
    "data",
    "onboarding",
    "strategy",
    "metrics",
    "governance",
    "discovery",
    "delivery",
    "tooling",
    "research",
]
ID_WORDS = {
    "roles": (
        "product",
        "ops",
        "data",
        "design",
        "growth",
        "platform",
        "lead",
        "analyst",
        "manager",
    ),
    "pillars": ("insight", "tooling", "alignment", "enablement", "governance", "operations"),
    "processes": (
        "feedback",
        "roadmap",
        "launch",
        "review",
        "planning",
        "intake",
        "triage",
        "loop",
    ),
    "tools": ("analytics", "survey", "tracker", "board", "wiki", "chat", "flags", "warehouse"),
    "frameworks": ("rice", "kano", "okr", "swot", "jobs", "canvas", "matrix", "model"),
    "metrics": ("activation", "retention", "churn", "velocity", "satisfaction", "rate", "time"),
    "templates": ("brief", "prd", "one-pager", "memo", "review", "plan", "retro", "spec"),
    "guides": ("getting-started", "scaling", "hiring", "measuring", "running", "choosing"),
    "faq": ("what-is", "how-to", "when-to", "why", "who-owns", "where-does"),
    "glossary": ("north-star", "cohort", "funnel", "backlog", "mvp", "kpi", "nps", "arr"),
}
CATEGORIES = (
    "analytics", "experimentation", "feedback", "visualisation", "market-intelligence",
    "roadmapping", "delivery", "design", "documentation", "communication",
)  # fmt: skip
CADENCES = ("weekly", "biweekly", "monthly", "quarterly", "per-release", "on-demand")
OWNERS = '["@example-org/product-ops"]'


@dataclass(frozen=True, slots=True)
class SynthPlaybook:
    """A generated playbook: the files of each entity and where they were written."""

    root: Path
    files: Mapping[str, str]
    """Path relative to the repository root (`playbook/roles/x.yml`) -> text."""


def plan_ids(n: int) -> dict[str, list[str]]:
    """Give the ids of each kind for a playbook of `n` entities (at least one per kind)."""
    if n < MIN_ENTITIES:
        raise ValueError(f"a synthetic playbook needs at least {MIN_ENTITIES} entities")
    counts = {
        kind: max(3 if kind == "roles" else 1, n * share // 100)
        for kind, share in KIND_SHARES.items()
    }
    counts["glossary"] += n - sum(counts.values())
    ids: dict[str, list[str]] = {}
    for kind, count in counts.items():
        words = ID_WORDS[kind]
        ids[kind] = [
            f"{words[i % len(words)]}-{words[(i // len(words)) % len(words)]}-{i + 1}"
            for i in range(count)
        ]
    return ids


class _Writer:
    """Writes the text of each entity; holds the ids so references always resolve."""

    def __init__(self, ids: dict[str, list[str]], seed: int) -> None:
        self.ids = ids
        self.rng = random.Random(seed)
        n_faq = len(ids["faq"])
        self.faq_md = set(ids["faq"][: int(n_faq * FAQ_AS_MARKDOWN)])

    # --- text -------------------------------------------------------------

    def sentence(self, words: int = 12) -> str:
        chosen = self.rng.choices(WORDS, k=words)
        return chosen[0].capitalize() + " " + " ".join(chosen[1:]) + "."

    def paragraph(self, sentences: int = 4, links: int = 0) -> str:
        parts = [self.sentence(self.rng.randint(8, 16)) for _ in range(sentences)]
        for _ in range(links):
            parts.insert(self.rng.randrange(len(parts) + 1), f"See {self.link()}.")
        return " ".join(parts)

    def block(self, text: str, indent: int = 2) -> str:
        """Give a YAML literal block scalar (`|`) of `text`, wrapped like a person would."""
        pad = " " * indent
        lines: list[str] = []
        for para in text.split("\n\n"):
            lines.extend(textwrap.wrap(para, 100 - indent, break_on_hyphens=False))
            lines.append("")
        return "|\n" + "\n".join(pad + line if line else "" for line in lines[:-1])

    def ext(self, kind: str, entity_id: str) -> str:
        if kind in MARKDOWN_KINDS or (kind == "faq" and entity_id in self.faq_md):
            return "md"
        return "yml"

    def link(self) -> str:
        kind = self.rng.choice(tuple(self.ids))
        target = self.rng.choice(self.ids[kind])
        return f"[{humanise(target).lower()}](../{kind}/{target}.{self.ext(kind, target)})"

    # --- references ---------------------------------------------------------

    def some(self, kind: str, count: int, avoid: str = "") -> list[str]:
        pool = self.ids[kind]
        picked = {self.rng.choice(pool) for _ in range(count)}
        picked.discard(avoid)
        return sorted(picked)

    def related(self, key: str) -> list[str]:
        out = set()
        for _ in range(3):
            kind = self.rng.choice(tuple(self.ids))
            out.add(f"{kind}/{self.rng.choice(self.ids[kind])}")
        out.discard(key)
        return sorted(out)

    @staticmethod
    def flow(values: list[str]) -> str:
        return "[" + ", ".join(values) + "]"

    def refs(self, name: str, kind: str, count: int, avoid: str = "") -> list[str]:
        """Give the line `name: [ids]` of up to `count` ids of `kind`; none if none are left."""
        picked = self.some(kind, count, avoid)
        return [f"{name}: {self.flow(picked)}"] if picked else []

    def head(self, kind: str, entity_id: str) -> list[str]:
        lines = [
            f"title: {humanise(entity_id)}",
            f"summary: {self.sentence(20)}",
            f"owners: {OWNERS}",
            f"tags: {self.flow(sorted(set(self.rng.choices(TAGS, k=2))))}",
        ]
        related = self.related(f"{kind}/{entity_id}")
        if related:
            lines.append("related:")
            lines.extend(f"  - {r}" for r in related)
        return lines

    def items(self, name: str, count: int, words: int = 9) -> list[str]:
        return [f"{name}:", *(f"  - {self.sentence(words)}" for _ in range(count))]

    def body(self, paragraphs: int) -> str:
        out: list[str] = []
        for index in range(paragraphs):
            if index and index % 2 == 0:
                out.append(f"## {self.sentence(4)[:-1]}")
            out.append(
                "\n".join(textwrap.wrap(self.paragraph(4, links=1), 100, break_on_hyphens=False))
            )
        return "\n\n".join(out) + "\n"

    # --- kinds --------------------------------------------------------------

    def roles(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("roles", entity_id)
        lines.append(f"type: {'core' if index % 4 else 'partner'}")
        if index:
            lines.append(f"reports_to: {self.ids['roles'][(index - 1) // 3]}")
        lines.append("mission: " + self.block(self.paragraph(3, links=1)))
        lines += self.items("responsibilities", 5)
        lines.append(f"skills: {self.flow(sorted(set(self.rng.choices(SKILLS, k=3))))}")
        lines += self.refs("works_with", "roles", 3, avoid=entity_id)
        return lines

    def pillars(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("pillars", entity_id)
        lines.append(f"order: {index % 99 + 1}")
        lines.append("practices:")
        for _ in range(2):
            lines.append(f"  - name: {self.sentence(3)[:-1]}")
            lines.append("    description: " + self.block(self.paragraph(2, links=1), 6))
            lines.append(f"    tools: {self.flow(self.some('tools', 2))}")
        lines += self.refs("metrics", "metrics", 2)
        return lines

    def processes(self, entity_id: str, index: int) -> list[str]:
        roles = self.some("roles", 4)
        while len(roles) < 2:
            roles = self.some("roles", 4)
        owner, others = roles[0], roles[1:]
        letters = {owner: "A", **{role: "RCI"[i % 3] for i, role in enumerate(others)}}
        lines = self.head("processes", entity_id)
        lines.append("purpose: " + self.block(self.paragraph(3, links=1)))
        lines.append(f"trigger: {self.sentence(10)}")
        lines.append(f"cadence: {CADENCES[index % len(CADENCES)]}")
        lines.append(f"owner: {owner}")
        lines += self.refs("pillars", "pillars", 1)
        lines.append("raci:")
        lines.extend(f"  {role}: {letter}" for role, letter in letters.items())
        lines += self.items("inputs", 1)
        lines += self.items("outputs", 1)
        lines.append("steps:")
        for step, role in enumerate((others[0], owner)):
            lines.append(f"  - name: {self.sentence(4)[:-1]}")
            lines.append(f"    role: {role}")
            lines.append("    description: " + self.block(self.paragraph(1 + step), 6))
            lines.append(f"    tools: {self.flow(self.some('tools', 2))}")
        lines += self.refs("metrics", "metrics", 2)
        templates = self.ids["templates"]
        if templates:
            # Process j uses template j mod T, and that template lists it (rule template-process).
            lines.append(f"templates: [{templates[index % len(templates)]}]")
        lines += self.refs("related_processes", "processes", 2, avoid=entity_id)
        return lines

    def tools(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("tools", entity_id)
        lines.append(f"category: {CATEGORIES[index % len(CATEGORIES)]}")
        lines.append(f"vendor: {humanise(entity_id)} Inc")
        lines.append(f"website: https://{entity_id}.example.com")
        lines += self.items("used_for", 4)
        lines += self.refs("pillars", "pillars", 2)
        lines += self.refs("alternatives", "tools", 2, avoid=entity_id)
        lines.append("notes: " + self.block(self.paragraph(4, links=1)))
        return lines

    def frameworks(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("frameworks", entity_id)
        lines += self.items("when_to_use", 3)
        lines += self.refs("pillars", "pillars", 1)
        lines += self.refs("processes", "processes", 2)
        lines += self.refs("templates", "templates", 1)
        return lines

    def metrics(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("metrics", entity_id)
        lines.append("definition: " + self.block(self.paragraph(4, links=1)))
        lines.append(f"formula: {self.sentence(8)}")
        lines.append(f"unit: {('percent', 'count', 'ratio', 'days', 'score')[index % 5]}")
        lines.append(f"direction: {('up', 'down', 'target')[index % 3]}")
        lines.append(f"owner: {self.some('roles', 1)[0]}")
        lines.append(f"cadence: {('daily', 'weekly', 'monthly', 'quarterly')[index % 4]}")
        lines += self.refs("pillars", "pillars", 1)
        lines += self.refs("data_sources", "tools", 2)
        return lines

    def templates(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("templates", entity_id)
        lines.append(f"owner: {self.some('roles', 1)[0]}")
        users = self.ids["processes"][index :: len(self.ids["templates"])]
        lines += [f"processes: {self.flow(users)}"] if users else []
        return lines

    def guides(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("guides", entity_id)
        lines.append(f"order: {index % 999 + 1}")
        return lines

    def faq(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("faq", entity_id)
        lines.append(f"order: {index % 999 + 1}")
        if entity_id not in self.faq_md:
            lines.append(
                "answer: " + self.block(self.paragraph(4, links=1) + "\n\n" + self.paragraph(3))
            )
        return lines

    def glossary(self, entity_id: str, index: int) -> list[str]:
        lines = self.head("glossary", entity_id)
        lines.append(f"abbreviation: X{index}")
        lines.append(
            "definition: " + self.block(self.paragraph(4, links=1) + "\n\n" + self.paragraph(3))
        )
        lines += self.refs("see_also", "glossary", 2, avoid=entity_id)
        return lines

    def entity(self, kind: str, entity_id: str, index: int) -> tuple[str, str]:
        """Give the file path and text of one entity."""
        fields: Callable[[str, int], list[str]] = getattr(self, kind)
        lines = fields(entity_id, index)
        ext = self.ext(kind, entity_id)
        rel = f"playbook/{kind}/{entity_id}.{ext}"
        if ext == "md":
            return rel, "---\n" + "\n".join(lines) + "\n---\n\n" + self.body(4)
        schema = f"# yaml-language-server: $schema=../../schemas/{kind}.schema.json\n"
        return rel, schema + "\n".join(lines) + "\n"


def synth_files(n: int, seed: int = 7) -> dict[str, str]:
    """Give {path: text} for a valid playbook of `n` entities."""
    ids = plan_ids(n)
    writer = _Writer(ids, seed)
    return dict(
        writer.entity(kind, entity_id, index)
        for kind, kind_ids in ids.items()
        for index, entity_id in enumerate(kind_ids)
    )


def copy_project_files(root: Path, project: Path = PROJECT_ROOT) -> None:
    """Copy what a repository needs beside its content: schemas, and the site files if any.
    Copies from an earlier run are replaced, so a kept workspace measures the code as it is."""
    for name in ("schemas", "site_templates", "docs"):
        shutil.rmtree(root / name, ignore_errors=True)
        if (project / name).is_dir():
            shutil.copytree(project / name, root / name)
    if (project / "mkdocs.yml").is_file():
        shutil.copy2(project / "mkdocs.yml", root / "mkdocs.yml")


def write_files(root: Path, files: Mapping[str, str]) -> None:
    folders = {(root / rel).parent for rel in files}
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        (root / rel).write_text(text, encoding="utf-8")


def write_playbook(
    root: Path, n: int, seed: int = 7, project: Path = PROJECT_ROOT
) -> SynthPlaybook:
    """Write a repository of `n` entities (content, schemas, site files) into `root`."""
    files = synth_files(n, seed)
    root.mkdir(parents=True, exist_ok=True)
    copy_project_files(root, project)
    write_files(root, files)
    return SynthPlaybook(root, files)


# --- history ------------------------------------------------------------------------------

Mirror = Callable[[str, str], tuple[str, str]]
"""Gives the page (path, text) that stands for an entity file, for engines that date pages."""


def page_of(path: str, text: str) -> tuple[str, str]:
    """Give `pages/<kind>/<id>.md` for an entity file: its fields as front matter, then its text."""
    kind_and_name = path.removeprefix("playbook/")
    page = "pages/" + kind_and_name.rsplit(".", 1)[0] + ".md"
    if path.endswith(".md"):
        return page, text
    return page, f"---\n{text}---\n\nThe fields of this entry, as a page.\n"


def revise(text: str, revision: int) -> str:
    """Give `text` with its summary line reworded, as most real commits do."""
    head, sep, rest = text.partition("\nsummary: ")
    if not sep:
        return text + f"\nRevision {revision}.\n"
    _, newline, tail = rest.partition("\n")
    return f"{head}\nsummary: Revised summary number {revision} of this entry.{newline}{tail}"


def history_stream(
    files: Mapping[str, str], commits: int, seed: int = 7, mirror: Mirror | None = None
) -> Iterator[bytes]:
    """Give a `git fast-import` stream of `commits` commits whose last tree holds `files`.

    The first commit adds most entities; later ones add the rest, rename a few (added under a
    draft name first), add and later remove a few, and otherwise reword one or two entities.
    A release tag every 500 commits. With `mirror`, each change to an entity file also writes
    (or deletes) the page the mirror gives for it, in the same commit.
    """
    rng = random.Random(seed)
    paths = sorted(files)
    adds = paths[int(len(paths) * 0.8) :] if commits > 1 else []
    current = {p: files[p] for p in paths if p not in set(adds)}
    followups: list[tuple[str, str, str]] = []
    """("rename", draft, final) or ("remove", path, "")."""
    revision = 0
    when = 1_640_995_200  # 2022-01-01

    def data(payload: bytes) -> bytes:
        return b"data %d\n" % len(payload) + payload + b"\n"

    def modify(path: str, text: str) -> bytes:
        out = f"M 100644 inline {path}\n".encode() + data(text.encode())
        if mirror is not None:
            page, page_text = mirror(path, text)
            out += f"M 100644 inline {page}\n".encode() + data(page_text.encode())
        return out

    def delete(path: str) -> bytes:
        out = f"D {path}\n".encode()
        if mirror is not None:
            out += f"D {mirror(path, '')[0]}\n".encode()
        return out

    def follow_up(step: tuple[str, str, str]) -> tuple[str, list[bytes]]:
        action, old, new = step
        if action == "rename":
            current[new] = files[new]
            return f"Rename {old}", [delete(old), modify(new, files[new])]
        return f"Remove {old}", [delete(old)]

    def commit(number: int, subject: str, ops: list[bytes]) -> Iterator[bytes]:
        author = f"Author {number % 7} <author{number % 7}@example.com> {when} +0000"
        yield b"commit refs/heads/main\nmark :%d\n" % number
        yield f"author {author}\ncommitter {author}\n".encode()
        yield data(subject.encode())
        if number > 1:
            yield b"from :%d\n" % (number - 1)
        yield from ops
        yield b"\n"

    for number in range(1, commits + 1):
        when += 3 * 3600 + rng.randrange(3600)
        ops: list[bytes] = []
        if number == 1:
            subject, ops = "Start the playbook", [modify(p, t) for p, t in current.items()]
        elif followups and number % 3 == 0:
            subject, ops = follow_up(followups.pop(0))
        elif adds and number % 2 == 0:
            path = adds.pop()
            if number % 10 == 0:
                folder, name = path.rsplit("/", 1)
                draft = f"{folder}/draft-{name}"
                subject, ops = f"Draft {path}", [modify(draft, files[path])]
                followups.append(("rename", draft, path))
            else:
                subject, ops = f"Add {path}", [modify(path, files[path])]
                current[path] = files[path]
        elif number % 97 == 0:
            temporary = f"playbook/glossary/obsolete-term-{number}.yml"
            subject = f"Add {temporary}"
            ops = [modify(temporary, next(iter(current.values())))]
            followups.append(("remove", temporary, ""))
        else:
            targets = rng.sample(sorted(current), k=min(len(current), rng.randint(1, 2)))
            subject = "Revise " + ", ".join(targets)
            for path in targets:
                revision += 1
                current[path] = revise(current[path], revision)
                ops.append(modify(path, current[path]))
        yield from commit(number, subject, ops)
        if number % 500 == 0:
            yield f"reset refs/tags/v{number // 500}.0\nfrom :{number}\n\n".encode()
    if adds or followups:  # short histories: whatever is left lands in one last commit
        when += 3600
        ops = [modify(path, files[path]) for path in adds]
        for step in followups:
            ops.extend(follow_up(step)[1])
        yield from commit(commits + 1, "Add the remaining entries", ops)


def write_history(
    root: Path, files: Mapping[str, str], commits: int, seed: int = 7, mirror: Mirror | None = None
) -> None:
    """Make `root` a git repository whose history of `commits` commits ends with `files`."""
    root.mkdir(parents=True, exist_ok=True)
    git = ["git", "-C", str(root), "-c", "core.autocrlf=false"]
    subprocess.run([*git, "init", "-q", "-b", "main"], check=True)
    process = subprocess.Popen([*git, "fast-import", "--quiet"], stdin=subprocess.PIPE)
    assert process.stdin is not None
    for chunk in history_stream(files, commits, seed, mirror):
        process.stdin.write(chunk)
    process.stdin.close()
    if process.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run([*git, "reset", "-q", "--hard", "main"], check=True)


def write_dated_playbook(root: Path, n: int, commits: int, seed: int = 7) -> SynthPlaybook:
    """Write a playbook of `n` entities with `commits` commits of history, plus `pages/`.

    `pages/` holds one Markdown page per entity, changed in the same commits as its entity, so
    an engine that dates pages from git sees the same history as the playbook's own reader.
    """
    files = synth_files(n, seed)
    copy_project_files(root)
    write_history(root, files, commits, seed, mirror=page_of)
    final = {rel: (root / rel).read_text("utf-8") for rel in files}
    return SynthPlaybook(root, final)
