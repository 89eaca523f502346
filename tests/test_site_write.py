"""The one writer: atomic swap, identical trees left alone, refusals that protect sources."""

from __future__ import annotations

from pathlib import Path

import pytest
from sitekit import tree_bytes

from generator.errors import BuildError, ConfigError
from generator.site.write import MARKER, write_tree


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for folder in ("playbook", "schemas", "site_templates"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "keep.txt").write_text("source", encoding="utf-8")
    return tmp_path


def protected(root: Path) -> list[Path]:
    return [root / "playbook", root / "schemas", root / "site_templates"]


def write(files: dict[str, str], out: Path, root: Path) -> frozenset[str]:
    return write_tree(files, out, root, protected(root)).changed


def test_writes_the_tree_and_leaves_an_identical_one_alone(root: Path) -> None:
    out = root / "build" / "docs"
    files = {"index.md": "# Home\n", "roles/pm.md": "# PM\n"}
    assert write(files, out, root) == {"index.md", "roles/pm.md"}
    assert (out / "roles" / "pm.md").read_text(encoding="utf-8") == "# PM\n"
    assert (out / MARKER).is_file()
    before = (out / "index.md").stat().st_mtime_ns
    assert write(files, out, root) == frozenset()
    assert (out / "index.md").stat().st_mtime_ns == before


@pytest.mark.parametrize(
    ("after", "same_paths"),
    [
        ({"index.md": "new\n", "data.json": "{}"}, True),  # contents only: a partial rebuild
        ({"index.md": "old\n", "data.json": "[]", "new.md": "n\n"}, False),  # a page came
        ({"index.md": "old\n"}, False),  # a file went
    ],
)
def test_a_write_says_whether_only_contents_changed(
    root: Path, after: dict[str, str], same_paths: bool
) -> None:
    out = root / "build" / "docs"
    write({"index.md": "old\n", "data.json": "[]"}, out, root)
    assert write_tree(after, out, root, protected(root)).same_paths is same_paths


def test_a_change_gives_what_changed_and_unchanged_files_keep_their_time(root: Path) -> None:
    out = root / "build" / "docs"
    write({"index.md": "# Home\n", "a.md": "a\n", "gone.md": "x\n"}, out, root)
    kept = (out / "a.md").stat().st_mtime_ns
    changed = write({"index.md": "# New home\n", "a.md": "a\n", "new.md": "n\n"}, out, root)
    assert changed == {"index.md", "new.md", "gone.md"}
    assert (out / "a.md").stat().st_mtime_ns == kept  # a dirty engine build skips it
    assert (out / "index.md").read_text(encoding="utf-8") == "# New home\n"
    assert not (out / "gone.md").exists()


def test_a_link_planted_in_the_old_tree_is_never_followed(root: Path, tmp_path: Path) -> None:
    out = root / "build" / "docs"
    write({"index.md": "same\n"}, out, root)
    secret = tmp_path / "secret.txt"
    secret.write_text("same\n", encoding="utf-8")
    (out / "index.md").unlink()
    (out / "index.md").symlink_to(secret)
    assert write({"index.md": "same\n"}, out, root) == {"index.md"}
    assert not (out / "index.md").is_symlink()
    assert (out / "index.md").read_text(encoding="utf-8") == "same\n"


def test_new_tree_replaces_old_files_entirely(root: Path) -> None:
    out = root / "build" / "docs"
    write({"index.md": "old\n", "gone.md": "old\n"}, out, root)
    write({"index.md": "new\n"}, out, root)
    assert set(tree_bytes(out)) == {"index.md", MARKER}
    assert [p.name for p in out.parent.iterdir()] == ["docs"]


def test_a_failed_write_leaves_the_previous_tree_untouched(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = root / "build" / "docs"
    write({"index.md": "old\n", "roles/pm.md": "old\n"}, out, root)
    before = tree_bytes(out)
    original = Path.write_bytes
    calls = []

    def failing(self: Path, data: bytes) -> int:
        calls.append(self)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return original(self, data)

    monkeypatch.setattr(Path, "write_bytes", failing)
    with pytest.raises(BuildError, match=r"cannot write .*: No space left on device"):
        write({"index.md": "new\n", "roles/pm.md": "new\n", "tools/x.md": "new\n"}, out, root)
    monkeypatch.undo()
    assert tree_bytes(out) == before
    assert [p.name for p in out.parent.iterdir()] == ["docs"]


@pytest.mark.parametrize(
    "path", ["../escape.md", "/abs.md", "a/../b.md", "a//b.md", "", "a\\b.md", MARKER]
)
def test_refuses_paths_outside_the_tree(root: Path, path: str) -> None:
    with pytest.raises(BuildError):
        write({path: "x"}, root / "build" / "docs", root)


def test_refuses_to_write_the_same_path_twice(root: Path) -> None:
    with pytest.raises(BuildError, match="twice"):
        write({"Index.md": "a", "index.md": "b"}, root / "out", root)
    with pytest.raises(BuildError, match="file and a folder"):
        write({"roles": "a", "roles/pm.md": "b"}, root / "out", root)
    with pytest.raises(BuildError, match="file and a folder"):
        write({"roles": "a", "roles/pm/notes.md": "b"}, root / "out", root)


@pytest.mark.parametrize(
    "target", [".", "playbook", "schemas", "site_templates", "playbook/sub", ".."]
)
def test_never_writes_into_or_over_sources(root: Path, target: str) -> None:
    with pytest.raises(ConfigError):
        write({"index.md": "x"}, root / target, root)
    for folder in ("playbook", "schemas", "site_templates"):
        assert (root / folder / "keep.txt").read_text(encoding="utf-8") == "source"


def test_refuses_to_replace_a_folder_it_did_not_make(root: Path) -> None:
    foreign = root / "notes"
    foreign.mkdir()
    (foreign / "mine.txt").write_text("precious", encoding="utf-8")
    with pytest.raises(ConfigError, match="not made by playbook"):
        write({"index.md": "x"}, foreign, root)
    assert (foreign / "mine.txt").read_text(encoding="utf-8") == "precious"


def test_a_folder_that_cannot_be_made_is_a_located_error(root: Path) -> None:
    (root / "afile").write_text("in the way", encoding="utf-8")
    with pytest.raises(BuildError, match="cannot write"):
        write({"index.md": "# Home\n"}, root / "afile" / "sub", root)
    assert (root / "afile").read_text(encoding="utf-8") == "in the way"
