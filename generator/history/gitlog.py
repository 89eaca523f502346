"""Read git: one `git log` pass, tags, trees, and blobs streamed by one `cat-file --batch`.

This module is the history stage's only edge to git. Everything it returns is plain data; the
parsing of git's output is done by pure functions so it can be tested without a repository.
"""

from __future__ import annotations

import contextlib
import os
import re
import subprocess
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from generator.errors import PlaybookError
from generator.files import read_regular

LOG_FORMAT = "%x1e%H%x1f%aN%x1f%aI%x1f%D%x1f%s"
"""Commit header of our log: a record separator, then fields split by unit separators; the
subject comes last so any character in it is kept."""

NO_HISTORY = (
    "no git history: {reason}. The changelog, the feed and the created/updated dates are empty. "
    "Build from a git clone with full history (in GitHub Actions: actions/checkout with "
    "`fetch-depth: 0`)."
)
SHALLOW = (
    "partial git history: this is a shallow clone, so the changelog starts at {date} and older "
    "changes are missing. Fetch the full history (`git fetch --unshallow`, or in GitHub Actions "
    "actions/checkout with `fetch-depth: 0`)."
)


class GitUnavailable(PlaybookError):
    """Git cannot give history here; the message says why, for History.warning (or exit 2)."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """One line of `git log --raw`: a file added, modified, deleted or renamed in a commit."""

    old_path: str | None
    new_path: str | None
    old_blob: str | None
    """Blob id before the change; None for an addition."""
    new_blob: str | None
    """Blob id after the change; None for a deletion."""


@dataclass(frozen=True, slots=True)
class RawCommit:
    """A commit as `git log` prints it, with the files it changed under our paths."""

    sha: str
    author: str
    date: str
    subject: str
    files: tuple[FileChange, ...]
    tags: tuple[str, ...] = ()
    """Names of the tags on this commit."""


@dataclass(frozen=True, slots=True)
class Tag:
    """A tag that names a commit: annotated (its tagger date) or lightweight (the commit's date)."""

    name: str
    commit: str
    date: str


NULL_BLOB = "0" * 40


def parse_log(output: str) -> list[RawCommit]:
    """Give the commits of `git log -z --raw --format=LOG_FORMAT` output, in its order."""
    commits: list[RawCommit] = []
    header: str | None = None
    files: list[FileChange] = []
    tokens = iter(output.split("\0"))
    for token in tokens:
        token = token.lstrip("\n")
        if token.startswith("\x1e"):
            if header is not None:
                commits.append(_raw_commit(header, files))
            header, files = token[1:], []
        elif token.startswith(":"):
            change = _file_change(token[1:].split(), tokens)
            if change is not None:
                files.append(change)
    if header is not None:
        commits.append(_raw_commit(header, files))
    return commits


def _raw_commit(header: str, files: list[FileChange]) -> RawCommit:
    sha, author, date, refs, subject = [*header.split("\x1f", 4), "", "", "", ""][:5]
    tags = tuple(r.removeprefix("tag: ") for r in refs.split(", ") if r.startswith("tag: "))
    return RawCommit(sha, author, date, subject, tuple(files), tags)


def _file_change(parts: list[str], tokens: Iterator[str]) -> FileChange | None:
    """Read `old_mode new_mode old_blob new_blob STATUS`, then its path (two for R and C)."""
    if len(parts) < 5:
        return None
    status = parts[4][:1]
    first = next(tokens, "")
    second = next(tokens, "") if status in ("R", "C") else None
    old_blob = None if parts[2] == NULL_BLOB else parts[2]
    new_blob = None if parts[3] == NULL_BLOB else parts[3]
    if status == "C":  # a copy leaves the source in place: only the copy is new
        return FileChange(None, second, None, new_blob)
    if status == "R":
        return FileChange(first, second, old_blob, new_blob)
    if status == "A":
        return FileChange(None, first, None, new_blob)
    if status == "D":
        return FileChange(first, None, old_blob, None)
    return FileChange(first, first, old_blob, new_blob)  # M, or T (a type change)


def parse_tags(output: str) -> list[Tag]:
    """Give the tags that name commits, from our `git for-each-ref` format."""
    tags: list[Tag] = []
    for line in output.splitlines():
        parts = line.split("\0")
        if len(parts) != 6:
            continue
        name, kind, target, peeled_kind, peeled, date = parts
        if kind == "commit":
            tags.append(Tag(name, target, date))
        elif kind == "tag" and peeled_kind == "commit":
            tags.append(Tag(name, peeled, date))
    return tags


def parse_tree(output: str) -> dict[str, str]:
    """Give path -> blob id from `git ls-tree -r -z` output (files only)."""
    tree: dict[str, str] = {}
    for record in output.split("\0"):
        meta, tab, path = record.partition("\t")
        parts = meta.split()
        if tab and len(parts) == 3 and parts[1] == "blob":
            tree[path] = parts[2]
    return tree


class GitRepository:
    """A git working tree, read by one git command per question."""

    def __init__(
        self, toplevel: Path, prefix: str, common_dir: Path, shallow: bool, git_dir: Path
    ) -> None:
        self.toplevel = toplevel
        self.prefix = prefix
        """Where the playbook's repository root sits inside the git tree: `` or `docs/`."""
        self.common_dir = common_dir
        self.shallow = shallow
        self.git_dir = git_dir
        """This working tree's own git folder: outside the tree, so no commit can write in it."""

    def run(self, *args: str) -> str:
        """Give the output of one git command, decoded; raise GitUnavailable when it fails."""
        return run_git(self.toplevel, *args)

    def head(self) -> str | None:
        """Give the commit HEAD names, or None in a repository with no commits yet."""
        try:
            return self.run("rev-parse", "--verify", "-q", "HEAD^{commit}").strip() or None
        except GitUnavailable:
            return None

    def resolve(self, revision: str) -> str:
        """Give the commit a revision names; GitUnavailable if it names none."""
        if revision.startswith("-") or not revision.strip():
            raise GitUnavailable(f"'{revision}' is not a revision")
        try:
            return self.run("rev-parse", "--verify", "-q", f"{revision}^{{commit}}").strip()
        except GitUnavailable:
            raise GitUnavailable(f"'{revision}' is not a commit in this repository") from None

    def merge_base(self, a: str, b: str) -> str | None:
        """Give the best common ancestor of two commits, or None when they share none."""
        try:
            return self.run("merge-base", a, b).strip() or None
        except GitUnavailable:
            return None

    def shallow_boundary(self) -> frozenset[str]:
        """Give the commits whose parents this clone lacks (empty unless the clone is shallow)."""
        if not self.shallow:
            return frozenset()
        try:
            return frozenset(read_regular(self.common_dir / "shallow").decode("ascii").split())
        except (OSError, UnicodeDecodeError):
            return frozenset()

    def pathspecs(self, *names: str) -> list[str]:
        return [f"{self.prefix}{name}" for name in names]

    def log(self, revisions: Sequence[str], paths: Sequence[str]) -> list[RawCommit]:
        """Give the first-parent history of `paths` (one `git log`), newest first.

        Merge commits are diffed against their first parent, so a merged branch's changes are
        attributed to the merge that brought them onto the main line, once. Tagged commits are
        listed too (with no files when they touch none of `paths`) so releases can be placed.
        """
        return parse_log(self.run(
            "-c", "core.quotePath=false", "-c", "log.showSignature=false", "log", "-z", "--raw",
            "--no-abbrev", "-M", "--first-parent", "--diff-merges=first-parent", "--no-color",
            "--no-ext-diff", "--no-textconv", "--simplify-by-decoration",
            "--decorate-refs=refs/tags/", f"--format={LOG_FORMAT}", *revisions,
            "--", *self.pathspecs(*paths),
        ))  # fmt: skip

    def tags(self) -> list[Tag]:
        """Give every tag that names a commit, with its date."""
        output = self.run(
            "for-each-ref",
            "refs/tags",
            "--format=%(refname:strip=2)%00%(objecttype)%00%(objectname)%00%(*objecttype)"
            "%00%(*objectname)%00%(creatordate:iso-strict)",
        )
        return parse_tags(output)

    def tree(self, commit: str, paths: Sequence[str]) -> dict[str, str]:
        """Give path -> blob id of the files under `paths` at `commit`."""
        output = self.run(
            "ls-tree", "-r", "-z", "--full-tree", commit, "--", *self.pathspecs(*paths)
        )
        return parse_tree(output)

    def blobs(self, blob_ids: Sequence[str]) -> Iterator[tuple[str, bytes | None]]:
        """Give (blob id, bytes or None when missing) in order, from one `git cat-file --batch`.

        Every id is sent at once by a writer thread, so git unpacks the next blobs while the
        caller parses the last ones (asking one blob at a time left each side idle in turn).
        GitPython starts the process; it is imported only here, when there are blobs to read
        (about a tenth of a second).
        """
        if not blob_ids:
            return
        import git

        # Kept referenced to the end: GitPython stops the process once its handle is dropped.
        handle = git.Git(self.toplevel).execute(
            ["git", "cat-file", "--batch"], as_process=True, istream=subprocess.PIPE
        )
        process = handle.proc
        assert process is not None and process.stdin is not None and process.stdout is not None
        stdin, stdout = process.stdin, process.stdout
        writer = threading.Thread(target=_send_ids, args=(stdin, blob_ids), daemon=True)
        writer.start()
        try:
            for blob_id in blob_ids:
                header = stdout.readline()
                if not header:
                    raise GitUnavailable("git cat-file stopped before giving every file version")
                fields = header.split()
                if len(fields) != 3:  # `<id> missing`: a shallow or partial clone
                    yield blob_id, None
                    continue
                size = int(fields[2])
                data = stdout.read(size + 1)  # the blob, then a newline
                if len(data) != size + 1:
                    raise GitUnavailable("git cat-file stopped in the middle of a file version")
                yield blob_id, data[:-1] if fields[1] == b"blob" else None
        finally:  # also when the caller stops reading early
            process.kill()
            process.wait()
            writer.join()
            stdout.close()
            del handle


def _send_ids(stream: IO[bytes], blob_ids: Sequence[str]) -> None:
    """Write the ids for cat-file and close its input; git may exit first (then stop quietly)."""
    with contextlib.suppress(OSError):  # BrokenPipeError and the like
        stream.write("".join(f"{blob_id}\n" for blob_id in blob_ids).encode("ascii"))
    with contextlib.suppress(OSError):
        stream.close()


def run_git(cwd: Path, *args: str) -> str:
    """Give the output of `git ARGS` in `cwd`, decoded; GitUnavailable says why it failed."""
    process = _popen(cwd, args)
    try:
        out, err = process.communicate()
    except OSError as error:  # reading its output failed: no more to say than that
        raise GitUnavailable(f"git {args[0]} failed") from error
    if process.returncode != 0:
        raise GitUnavailable(git_reason(err.decode("utf-8", errors="replace"), args[0]))
    return out.decode("utf-8", errors="replace")


def _popen(cwd: Path, args: Sequence[str]) -> subprocess.Popen[bytes]:
    """Start git, never prompting nor taking optional locks; GitUnavailable if it cannot run."""
    try:
        return subprocess.Popen(
            ["git", *args], cwd=cwd, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "GIT_OPTIONAL_LOCKS": "0"},
        )  # fmt: skip
    except FileNotFoundError:
        raise GitUnavailable("git is not installed (no `git` command on PATH)") from None
    except OSError as error:
        raise GitUnavailable(f"cannot run git: {error.strerror}") from None


def open_repository(root: Path) -> GitRepository:
    """Give the git repository holding `root`; GitUnavailable says why there is none."""
    if not root.is_dir():
        raise GitUnavailable("the repository root is not a folder")
    try:
        lines = run_git(
            root, "rev-parse", "--show-toplevel", "--git-common-dir", "--is-shallow-repository",
            "--absolute-git-dir",
        ).splitlines()  # fmt: skip
    except GitUnavailable as error:
        if "not a git repository" in str(error):
            # No paths in these reasons: they reach the site, which must not depend on where
            # the checkout lives.
            raise GitUnavailable("the playbook is not inside a git repository") from None
        raise
    if len(lines) != 4:
        raise GitUnavailable("the playbook is not in a git working tree")
    toplevel = Path(lines[0]).resolve()
    try:
        rel = root.resolve().relative_to(toplevel).as_posix()
    except ValueError:
        raise GitUnavailable("the playbook is outside the git working tree") from None
    prefix = "" if rel == "." else rel + "/"
    common_dir = (root / lines[1]).resolve()
    return GitRepository(toplevel, prefix, common_dir, lines[2] == "true", Path(lines[3]))


DUBIOUS_OWNERSHIP = (
    "git refuses to read this repository because it belongs to another user (git's "
    '"dubious ownership" check, common in CI containers). To trust it, run '
    '`git config --global --add safe.directory "$PWD"` in its top folder, or in GitHub '
    "Actions check it out with actions/checkout"
)
_ABSOLUTE_PATH = re.compile(r"""(?<![\w.~-])/(?:[^\s'"`/]+/?)+|'/[^']*'""")


def git_reason(stderr: str, command: str) -> str:
    """Give why git failed, in words fit for the site: no absolute path of this machine.

    The reason ends up in History.warning, which the changelog page shows; where the checkout
    lives is nobody's business there, and would make two builds of one commit differ.
    """
    if "dubious ownership" in stderr:
        return DUBIOUS_OWNERSHIP
    reason = _first_line(stderr)
    return _ABSOLUTE_PATH.sub("(a folder)", reason) or f"git {command} failed"


def _first_line(text: str) -> str:
    for line in text.strip().splitlines():
        line = line.strip()
        if line:
            return line.removeprefix("fatal: ").removeprefix("error: ")
    return ""
