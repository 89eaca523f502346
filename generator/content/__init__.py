"""Reading content: strict YAML with positions, front matter, discovery and schemas."""
