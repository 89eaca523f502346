"""History: one git pass, a blob cache, and field-level diffs between versions of an entity."""
