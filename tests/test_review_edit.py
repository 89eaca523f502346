"""Editing review fields in place: every other byte of the file stays as it was."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.content.discover import Candidate
from generator.content.edit import EditError, set_scalar_fields, write_atomically
from generator.content.load import load_file

NEW = {"last_reviewed": "2026-03-01", "reviewed_by": "@acme/data"}


def edit(text: str, form: str = "yml", values: dict[str, str] = NEW) -> str:
    raw = text.encode("utf-8")
    candidate = Candidate(
        "tools", Path(f"board.{form}"), f"playbook/tools/board.{form}", "board", form
    )
    loaded, problems = load_file(candidate, raw)
    assert loaded is not None and not problems
    return set_scalar_fields(loaded, raw, values).decode("utf-8")


def test_a_block_scalar_at_the_end_keeps_its_text() -> None:
    text = "title: Board\nnotes: |\n  Line one.\n\n  Line two.\n"
    assert edit(text) == text + 'last_reviewed: "2026-03-01"\nreviewed_by: "@acme/data"\n'


def test_kept_trailing_blank_lines_are_refused_rather_than_changed() -> None:
    with pytest.raises(EditError):
        edit("title: Board\nnotes: |+\n  Line one.\n\n")


def test_no_final_line_break_and_a_byte_order_mark() -> None:
    assert edit("\ufefftitle: Board") == (
        '\ufefftitle: Board\nlast_reviewed: "2026-03-01"\nreviewed_by: "@acme/data"\n'
    )


def test_an_existing_plain_date_stays_plain_and_its_comment_stays() -> None:
    text = "title: Board\nlast_reviewed: 2025-01-01 # at the offsite\nreviewed_by: '@acme/ops'\n"
    assert edit(text) == (
        "title: Board\nlast_reviewed: 2026-03-01 # at the offsite\nreviewed_by: '@acme/data'\n"
    )


def test_front_matter_gets_the_lines_before_its_closing_fence() -> None:
    text = "---\ntitle: Intro\n# a comment\n---\n\n# Not a field: body text\n"
    assert edit(text, "md") == (
        "---\ntitle: Intro\n# a comment\n"
        'last_reviewed: "2026-03-01"\nreviewed_by: "@acme/data"\n---\n\n# Not a field: body text\n'
    )


def test_a_value_that_is_not_one_line_is_left_for_a_person() -> None:
    with pytest.raises(EditError):
        edit("title: Board\nlast_reviewed: [2025-01-01]\n")
    with pytest.raises(EditError):
        edit('title: Board\nlast_reviewed: "2025-01-01\n  "\n')


def test_the_write_refuses_a_file_changed_since_it_was_read(tmp_path: Path) -> None:
    path = tmp_path / "board.yml"
    path.write_bytes(b"title: Changed meanwhile\n")
    with pytest.raises(EditError, match="changed while"):
        write_atomically(path, b"title: Board\n", b"title: Board\nlast_reviewed: x\n")
    assert path.read_bytes() == b"title: Changed meanwhile\n"
    link = tmp_path / "link.yml"
    link.symlink_to(path)
    with pytest.raises(EditError, match="symbolic link"):
        write_atomically(link, path.read_bytes(), b"x")
    assert not list(tmp_path.glob(".board.yml.*"))
