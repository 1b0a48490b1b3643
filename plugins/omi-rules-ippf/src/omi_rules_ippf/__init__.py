"""omi-rules plugin: the NOMS Integrated Probation Performance Framework (IPPF).

The hooks live in ``omi_rules_ippf.plugin`` (the package's entry point, group ``omi_rules``);
the band and roll-up rules in ``omi_rules_ippf.rules``; the config's JSON Schema in
``omi_rules_ippf.schema``.
"""

__version__ = "1.0.0"
