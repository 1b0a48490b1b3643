"""One module per command (``get`` and ``set`` share ``edit``), each registered by ``omi_rules.cli.app``."""
