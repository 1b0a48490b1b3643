"""An example omi-rules plugin: the ``floor_weighted`` criterion aggregation.

The hooks live in ``omi_rules_example.plugin``, which the package's entry point (group
``omi_rules``) names. See the README for how it is written, installed, checked and tested.
"""

__version__ = "1.0.0"
