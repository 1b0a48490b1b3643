"""A ruleset's life between versions: YAML ruleset tests with coverage (``ruleset_tests``), the
semantic diff of two versions (``diff``), re-scoring past inspections under both
(``impact``), and synthetic samples for any ruleset (``synthetic``, for benchmarks and tests).
"""
