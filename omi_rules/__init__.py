"""omi-rules: inspection methodologies as versioned, checked YAML rulesets."""

__version__ = "0.1.0"
