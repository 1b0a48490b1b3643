"""The scoring engine: compile a checked ruleset, evaluate relevance over all cases at once,
count, score, grade and decide."""
