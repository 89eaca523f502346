"""The small exception family. Content problems are never exceptions: they are Issues.

Each error carries the exit code of the command it ends; the command line decides nothing else.
"""

EXIT_OK, EXIT_INVALID, EXIT_USAGE = 0, 1, 2
"""Success; invalid content or a failed step; a usage or configuration problem."""


class PlaybookError(Exception):
    """Base of every error the tool raises on purpose: bad usage or configuration (exit 2)."""

    exit_code = EXIT_USAGE


class ConfigError(PlaybookError):
    """The repository or its configuration is unusable (exit code 2)."""


class BuildError(PlaybookError):
    """The site engine failed after the content validated (exit code 1)."""

    exit_code = EXIT_INVALID
