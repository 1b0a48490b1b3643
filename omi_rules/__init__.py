"""omi-rules: inspection methodologies as versioned, checked YAML rulesets.

The package is arranged by stage, from reading YAML up to the command line;
``docs/architecture.md`` describes each package and what it may import.
"""

from omi_rules import _moved

__version__ = "0.1.0"

_moved.install()
