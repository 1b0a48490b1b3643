"""The condition language: ``sentence in ['licence', 'custody'] and roh >= 'high'``.

``parser`` turns text into ``nodes`` through a whitelist (never ``eval``); ``checker`` types a
parsed condition against an environment (``types``: what names and functions exist) and
reports misspellings with "did you mean"; ``vector`` evaluates a checked condition over all
cases at once with numpy and ``rowwise`` over one case, with the same semantics, to explain it.

This package knows nothing of rulesets: which names a condition may use is decided by the
environments built from a ruleset (``omi_rules.ruleset.environments``).
"""
