"""Named checks over the content, and the reporters that print what they find."""
