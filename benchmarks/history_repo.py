"""Write a synthetic playbook repository with a long git history, quickly, with `git fast-import`.

Usage: python benchmarks/history_repo.py OUT [--entities 1000] [--commits 5000] [--seed 0]

The history is deterministic for a given seed: entities are added, edited (summary, tags, owners,
RACI, steps, Markdown sections), renamed and removed; every 250th commit merges a short topic
branch; every 500th commit is tagged (alternately lightweight and annotated).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROLES = [f"role-{n:03d}" for n in range(40)]
WORDS = (
    "plan",
    "review",
    "feedback",
    "data",
    "roadmap",
    "launch",
    "insight",
    "metric",
    "customer",
    "team",
    "release",
    "ops",
    "triage",
    "backlog",
    "quality",
    "cadence",
    "goal",
    "survey",
    "interview",
    "market",
    "pricing",
    "onboarding",
)
KIND_FORMS = (("processes", "yml"), ("roles", "yml"), ("glossary", "yml"), ("guides", "md"))
EPOCH = 1_600_000_000


@dataclass
class Entity:
    """One synthetic entity, kept as data so edits are easy to make and to write out."""

    kind: str
    id: str
    form: str
    fields: dict[str, object]
    sections: list[tuple[str, str]] = field(default_factory=list)

    @property
    def path(self) -> str:
        return f"playbook/{self.kind}/{self.id}.{self.form}"


def sentence(rng: random.Random, words: int = 8) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words)).capitalize() + "."


def new_entity(rng: random.Random, kind: str, form: str, number: int) -> Entity:
    entity_id = f"{rng.choice(WORDS)}-{kind[:4]}-{number:05d}"
    fields: dict[str, object] = {
        "title": f"{rng.choice(WORDS).capitalize()} {kind[:-1]} {number}",
        "summary": sentence(rng, 12),
        "owners": [f"@org/{rng.choice(WORDS)}"],
        "tags": sorted({rng.choice(WORDS) for _ in range(2)}),
    }
    entity = Entity(kind, entity_id, form, fields)
    if kind == "processes":
        roles = rng.sample(ROLES, 4)
        fields.update(
            {
                "purpose": sentence(rng, 20),
                "trigger": sentence(rng),
                "cadence": "monthly",
                "owner": roles[0],
                "pillars": ["delivery"],
                "raci": {roles[0]: "A", roles[1]: "R", roles[2]: "C", roles[3]: "I"},
                "inputs": [sentence(rng)],
                "outputs": [sentence(rng)],
                "steps": [
                    {
                        "name": f"Step {rng.choice(WORDS)} {n}",
                        "role": rng.choice(roles),
                        "description": sentence(rng, 15),
                    }
                    for n in range(1, 5)
                ],
            }
        )
    elif kind == "roles":
        fields.update(
            {"type": "core", "mission": sentence(rng, 15), "responsibilities": [sentence(rng)]}
        )
    elif kind == "glossary":
        fields["definition"] = sentence(rng, 15)
    else:
        entity.sections = [(f"About {rng.choice(WORDS)} {n}", sentence(rng, 30)) for n in range(3)]
    return entity


def yaml_value(value: object, indent: int) -> str:
    pad = " " * indent
    if isinstance(value, dict):
        return "".join(f"\n{pad}{k}:{yaml_value(v, indent + 2)}" for k, v in value.items())
    if isinstance(value, list):
        if all(isinstance(v, str) for v in value):
            return " [" + ", ".join(quote(str(v)) for v in value) + "]"
        out = ""
        for item in value:
            assert isinstance(item, dict)
            lines = yaml_value(item, indent + 2).lstrip("\n").split("\n")
            out += f"\n{pad}- " + lines[0].lstrip() + "".join(f"\n{line}" for line in lines[1:])
        return out
    return " " + quote(str(value))


def quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def render(entity: Entity) -> bytes:
    fields = "".join(f"{k}:{yaml_value(v, 2)}\n" for k, v in entity.fields.items())
    if entity.form == "yml":
        return fields.encode()
    body = "".join(f"\n## {heading}\n\n{text}\n" for heading, text in entity.sections)
    return f"---\n{fields}---\n\nIntroduction to the guide.\n{body}".encode()


def edit(rng: random.Random, entity: Entity) -> str:
    """Change one thing in the entity; give the commit subject."""
    fields = entity.fields
    choice = rng.randrange(6)
    if choice == 0:
        fields["summary"] = sentence(rng, 12)
        return f"Reword the summary of {entity.id}"
    if choice == 1:
        fields["tags"] = sorted(set(fields["tags"]) ^ {rng.choice(WORDS)})  # type: ignore[arg-type]
        return f"Retag {entity.id}"
    if choice == 2:
        fields["owners"] = sorted(set(fields["owners"]) | {f"@org/{rng.choice(WORDS)}"})  # type: ignore[arg-type]
        return f"Add an owner to {entity.id}"
    if entity.kind == "processes":
        raci = fields["raci"]
        steps = fields["steps"]
        assert isinstance(raci, dict) and isinstance(steps, list)
        if choice == 3:
            role = rng.choice(sorted(r for r, v in raci.items() if v != "A"))
            raci[role] = rng.choice([x for x in "RCI" if x != raci[role]])
            return f"Change the RACI of {entity.id}"
        if choice == 4:
            steps.insert(
                rng.randrange(len(steps) + 1),
                {
                    "name": f"Step {rng.choice(WORDS)} {len(steps) + 1}",
                    "role": rng.choice(sorted(raci)),
                    "description": sentence(rng, 15),
                },
            )
            return f"Add a step to {entity.id}"
        steps[rng.randrange(len(steps))]["description"] = sentence(rng, 15)
        return f"Clarify a step of {entity.id}"
    if entity.form == "md":
        n = rng.randrange(len(entity.sections))
        entity.sections[n] = (entity.sections[n][0], sentence(rng, 30))
        return f"Rewrite a section of {entity.id}"
    fields["summary"] = sentence(rng, 12)
    return f"Reword {entity.id}"


def data(payload: bytes) -> bytes:
    return b"data %d\n" % len(payload) + payload + b"\n"


def stream(entities: int, commits: int, seed: int, schemas: Path) -> Iterator[bytes]:
    """Give the fast-import stream of the whole history, chunk by chunk."""
    rng = random.Random(seed)
    live: dict[str, Entity] = {}
    number = 0
    mark = 0
    when = EPOCH

    def commit(
        ref: str, subject: str, changes: list[bytes], parent: int | None, merge: int | None = None
    ) -> int:
        nonlocal mark, when
        mark += 1
        when += 3600
        who = rng.choice(["Ada Lovelace", "Grace Hopper", "Alan & *Turing*"])
        email = who.split()[0].lower() + "@example.org"
        head = b"commit %s\nmark :%d\n" % (ref.encode(), mark)
        sign = f"{who} <{email}> {when} +0000\n".encode()
        head += b"author " + sign + b"committer " + sign + data(subject.encode())
        if parent is not None:
            head += b"from :%d\n" % parent
        if merge is not None:
            head += b"merge :%d\n" % merge
        chunks.append(head + b"".join(changes) + b"\n")
        return mark

    def put(entity: Entity) -> bytes:
        return b"M 100644 inline " + entity.path.encode() + b"\n" + data(render(entity))

    chunks: list[bytes] = []
    changes = [
        b"M 100644 inline schemas/%s\n" % p.name.encode() + data(p.read_bytes())
        for p in sorted(schemas.glob("*.schema.json"))
    ]
    main = commit("refs/heads/main", "Start the playbook", changes, None)
    made = 1
    tag_count = 0
    while made < commits:
        yield from chunks
        chunks.clear()
        if made % 250 == 0:
            # A topic branch of two commits on distinct entities, merged back with a merge commit.
            topic = main
            touched: list[Entity] = []
            for entity in rng.sample(sorted(live.values(), key=lambda e: e.path), 2):
                subject = edit(rng, entity)
                topic = commit("refs/heads/topic", subject, [put(entity)], topic)
                touched.append(entity)
            main = commit(
                "refs/heads/main",
                "Merge branch 'topic'",
                [put(e) for e in touched],
                main,
                merge=topic,
            )
            made += 3
        else:
            remaining = commits - made
            want_more = len(live) < entities
            action = rng.random()
            if want_more and (action < 0.5 or remaining <= entities - len(live)):
                kind, form = KIND_FORMS[number % len(KIND_FORMS)]
                entity = new_entity(rng, kind, form, number)
                number += 1
                live[entity.path] = entity
                main = commit("refs/heads/main", f"Add {entity.id}", [put(entity)], main)
            elif action < 0.53 and len(live) > 10:
                entity = live.pop(rng.choice(sorted(live)))
                old = entity.path
                entity.id = entity.id + "-v2" if not entity.id.endswith("-v2") else entity.id[:-3]
                live[entity.path] = entity
                change = b"R %s %s\n" % (old.encode(), entity.path.encode())
                main = commit("refs/heads/main", f"Rename {entity.id}", [change], main)
            elif action < 0.55 and len(live) > 10:
                entity = live.pop(rng.choice(sorted(live)))
                main = commit(
                    "refs/heads/main",
                    f"Remove {entity.id}",
                    [b"D " + entity.path.encode() + b"\n"],
                    main,
                )
            elif live:
                entity = live[rng.choice(sorted(live))]
                main = commit("refs/heads/main", edit(rng, entity), [put(entity)], main)
            else:
                continue
            made += 1
        if made // 500 > tag_count:
            tag_count = made // 500
            name = f"v{tag_count}.0"
            if tag_count % 2:
                chunks.append(b"reset refs/tags/%s\nfrom :%d\n\n" % (name.encode(), main))
            else:
                sign = b"Release Bot <release@example.org> %d +0000\n" % (when + 60)
                chunks.append(
                    b"tag %s\nfrom :%d\ntagger " % (name.encode(), main)
                    + sign
                    + data(f"Release {name}".encode())
                )
    yield from chunks


def write_history_repo(
    out: Path,
    *,
    entities: int = 1000,
    commits: int = 5000,
    seed: int = 0,
    schemas: Path = ROOT / "schemas",
) -> Path:
    """Create (replacing) a repository at `out` with the synthetic history; give its root."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out)], check=True)
    process = subprocess.Popen(["git", "fast-import", "--quiet"], cwd=out, stdin=subprocess.PIPE)
    assert process.stdin is not None
    for chunk in stream(entities, commits, seed, schemas):
        process.stdin.write(chunk)
    process.stdin.close()
    if process.wait() != 0:
        raise RuntimeError("git fast-import failed")
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=out, check=True)
    subprocess.run(["git", "branch", "-q", "-D", "topic"], cwd=out, check=False)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--entities", type=int, default=1000)
    parser.add_argument("--commits", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if args.out.exists():  # write_history_repo replaces OUT: only ever a new folder from here
        parser.error(f"{args.out} exists; give a new folder")
    started = time.perf_counter()
    write_history_repo(args.out, entities=args.entities, commits=args.commits, seed=args.seed)
    print(f"wrote {args.out} in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    main()
