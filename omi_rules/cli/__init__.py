"""The ``omi-rules`` command line: ``app`` is the group (exit codes, the last line of defence
against tracebacks), ``commands`` holds one module per command, ``common`` what they share.

``omi_rules.cli:run`` is the console script's entry point: ``main`` as a process.
"""

from omi_rules.cli.app import main, run

__all__ = ["main", "run"]
