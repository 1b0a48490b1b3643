"""The methodology handbook: a ruleset rendered for people who review it without reading YAML.

``english`` turns checked conditions into plain English; ``render`` lays the whole ruleset out
as one self-contained HTML page or as Markdown.
"""

from omi_rules.handbook.english import condition_in_words, describe_condition, relevance_sentence
from omi_rules.handbook.render import render_handbook

__all__ = ["condition_in_words", "describe_condition", "relevance_sentence", "render_handbook"]
