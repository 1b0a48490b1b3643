"""Case data: reading case samples and section 4 judgements, and checking them against a ruleset."""
