"""A ruleset as files: loading its main and part files (``loader``), ``extends`` (``inherit``),
choosing the version in force on a date (``versions``), showing the resolved result with where
each rule was written (``resolve``), and the environments its conditions are checked and
evaluated in (``environments``).

The shapes themselves are in ``omi_rules.model``; what the schema cannot say about a loaded
ruleset is checked in ``omi_rules.checks``.
"""
