"""The small exception family. Content problems are never exceptions: they are Issues."""


class PlaybookError(Exception):
    """Base of every error the tool raises on purpose."""


class ConfigError(PlaybookError):
    """The repository or its configuration is unusable (exit code 2)."""


class BuildError(PlaybookError):
    """The site engine failed after the content validated (exit code 1)."""
