"""Fuzz tests of the front door: every input path and every condition (issue 6, parts 3 and 4).

See docs/testing.md, "Fuzzing the front door".
"""
