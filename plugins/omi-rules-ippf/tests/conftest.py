"""Let the tests run from a checkout that is not installed: the package is then imported from
``src/`` and the entry-point test is skipped."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

if importlib.util.find_spec("omi_rules_ippf") is None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
