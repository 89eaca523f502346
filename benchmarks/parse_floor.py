"""The parse floor: read every entity file and load its YAML with PyYAML's C loader, nothing else.

Run as `python -m benchmarks.parse_floor ROOT`; prints how many documents it read.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml


def parse_all(content: Path) -> int:
    """Give the number of YAML documents read under `content` (front matter for `.md` files)."""
    count = 0
    for path in sorted(content.glob("*/*")):
        text = path.read_text("utf-8")
        if path.suffix == ".md":
            text = text.split("\n---\n", 1)[0].removeprefix("---\n")
        yaml.load(text, Loader=yaml.CSafeLoader)
        count += 1
    return count


if __name__ == "__main__":
    print(parse_all(Path(sys.argv[1]) / "playbook"), "documents parsed")
