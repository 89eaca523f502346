"""Set top-level scalar fields of an entity file by editing only their lines.

Comments, quoting, key order, line ends and every other byte of the file stay as they were:
an existing field has its value replaced in place (a trailing comment kept), a missing one is
added as a new line at the end of the fields. The result is read back and compared with the
original before anyone writes it, so an edit that would change anything else is refused.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from generator.content.discover import Candidate
from generator.content.load import LoadedFile, load_file
from generator.content.yamlquote import yaml_quote
from generator.errors import PlaybookError
from generator.files import read_regular, write_atomic


class EditError(PlaybookError):
    """The file cannot be edited safely; it is left as it was."""


_LINE_END = re.compile(r"\r\n|\r|\n")
_COMMENT = re.compile(r"\s+#")


def set_scalar_fields(loaded: LoadedFile, raw: bytes, values: Mapping[str, str]) -> bytes:
    """Give the file's bytes with each top-level field in `values` set to that string."""
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    newline = m.group(0) if (m := _LINE_END.search(text)) else "\n"
    lines = _LINE_END.split(text)
    added: list[str] = []
    for name, value in values.items():
        if name in loaded.data:
            lines = _replace_value(loaded, lines, name, value)
        else:
            added.append(f"{name}: {yaml_quote(value)}")
    if added:
        lines = _append(loaded, lines, added)
    edited = newline.join(lines)
    result = ("\ufeff" if bom else "") + edited
    _check_only(loaded, result.encode("utf-8"), values)
    return result.encode("utf-8")


def _replace_value(loaded: LoadedFile, lines: list[str], name: str, value: str) -> list[str]:
    if not isinstance(loaded.data[name], str):
        raise EditError(f"{loaded.rel}: `{name}` is not a single value; fix it by hand")
    key = loaded.locate((name,), key=True)
    at = loaded.locate((name,))
    if at.line != key.line:
        raise EditError(
            f"{loaded.rel}:{at.line}: `{name}` does not fit on its line; fix it by hand"
        )
    line = lines[at.line - 1]
    start = at.column - 1
    rest = line[start:]
    comment = _COMMENT.search(rest) if rest[:1] not in ("'", '"') else None
    if rest[:1] in ("'", '"'):
        close = _closing_quote(rest)
        end = start + close + 1
    else:
        end = start + (comment.start() if comment else len(rest.rstrip()))
    old = line[start:end]
    quote = old[:1] if old[:1] in ("'", '"') else ""
    written = yaml_quote(value) if quote == '"' else f"'{value}'" if quote == "'" else _plain(value)
    return [*lines[: at.line - 1], line[:start] + written + line[end:], *lines[at.line :]]


def _closing_quote(text: str) -> int:
    quote = text[0]
    index = 1
    while index < len(text):
        if text[index] == "\\" and quote == '"':
            index += 2
            continue
        if text[index] == quote:
            if quote == "'" and text[index + 1 : index + 2] == "'":
                index += 2
                continue
            return index
        index += 1
    raise EditError("a quoted value runs over several lines; fix it by hand")


def _plain(value: str) -> str:
    """Give the value as a plain scalar when YAML reads it back as this text, else quoted."""
    return value if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value) else yaml_quote(value)


def _append(loaded: LoadedFile, lines: list[str], added: list[str]) -> list[str]:
    """Add lines after the last field: before the closing `---` of front matter, else at the end."""
    if loaded.form == "md":
        closing = loaded.body_line - 2  # 0-based index of the closing fence
        return [*lines[:closing], *added, *lines[closing:]]
    end = len(lines)
    while end > 0 and lines[end - 1].strip() == "":
        end -= 1
    return [*lines[:end], *added, *lines[end:]] if end < len(lines) else [*lines, *added, ""]


def _check_only(loaded: LoadedFile, edited: bytes, values: Mapping[str, str]) -> None:
    """Refuse the edit unless reading it back gives the same fields, body and the new values."""
    candidate = Candidate(loaded.kind, Path(loaded.rel), loaded.rel, loaded.id, loaded.form)
    again, problems = load_file(candidate, edited)
    expected = {**loaded.data, **values}
    if again is None or problems or again.data != expected or again.body != loaded.body:
        raise EditError(f"{loaded.rel}: the file could not be edited without changing more")


def write_atomically(path: Path, original: bytes, edited: bytes) -> None:
    """Replace the file with `edited`, unless it changed since it was read as `original`."""
    if path.is_symlink():
        raise EditError(f"{path}: is a symbolic link; edit the file it points to")
    try:
        if read_regular(path, follow=False) != original:  # never blocks on a pipe
            raise EditError(f"{path}: changed while it was being edited; run the command again")
        mode = path.stat().st_mode & 0o7777
    except OSError as error:
        raise EditError(f"{path}: cannot edit: {error.strerror}") from error
    try:
        write_atomic(path, edited, mode=mode, durable=True)
    except OSError as error:
        raise EditError(f"{path}: cannot write: {error.strerror}") from error
