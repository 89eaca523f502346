"""Playbook: validate an operating playbook kept as YAML and Markdown, and render it as a site."""

__version__ = "0.1.0"
