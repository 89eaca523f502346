"""Page templates read as FileSystemLoader does, but only from ordinary files, never via links;
compiled once per process."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from pathlib import Path

from jinja2 import BaseLoader, BytecodeCache, Environment, TemplateNotFound
from jinja2.bccache import Bucket
from jinja2.loaders import split_template_path

from generator.errors import ConfigError
from generator.files import read_regular


class RegularFileLoader(BaseLoader):
    """Loads templates from one folder: a pipe would block the build, a link could publish any
    file of the machine, so both are refused (exit 2, naming the file)."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        path = self.folder.joinpath(*split_template_path(template))
        try:
            source = read_regular(path, follow=False).decode("utf-8")
            mtime = os.stat(path, follow_symlinks=False).st_mtime
        except FileNotFoundError:
            raise TemplateNotFound(template) from None
        except (OSError, UnicodeDecodeError) as error:
            reason = getattr(error, "strerror", None) or "not UTF-8 text"
            if isinstance(error, OSError) and error.errno == errno.ELOOP:
                reason = "a symbolic link, which is not followed"
            raise ConfigError(f"{path}: cannot read the template: {reason}") from None

        def uptodate() -> bool:
            try:
                return os.stat(path, follow_symlinks=False).st_mtime == mtime
            except OSError:
                return False

        return source, str(path), uptodate


class CompiledTemplates(BytecodeCache):
    """Compiled page templates, kept for the life of the process: a preview renders the site
    on every save. Jinja checks each against its source's checksum before using it."""

    def __init__(self) -> None:
        self._compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        if bucket.key in self._compiled:
            bucket.bytecode_from_string(self._compiled[bucket.key])

    def dump_bytecode(self, bucket: Bucket) -> None:
        self._compiled[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()

