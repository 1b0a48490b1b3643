"""Renderings of a scoring result: terminal tables, Markdown, JSON; written atomically."""
