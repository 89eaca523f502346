"""The site stage: render to a Markdown tree, write it atomically, adapt it to MkDocs."""
