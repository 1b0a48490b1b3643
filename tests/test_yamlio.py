"""The YAML reader gives the same data, codes and positions with libyaml's C event parser and
with ruamel's pure-Python parser (the fallback where the C extension is missing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from omi_rules.yamlio import reader as yamlio

from .conftest import MINIMAL, ROOT
from .test_cli import MALFORMED

SOURCES = {
    f"{p.parent.name}/{p.name}": p.read_text(encoding="utf-8")
    for p in [*MINIMAL.glob("*.yaml"), *(ROOT / "rulesets" / "omi-2008").glob("*.yaml")]
}
SOURCES.update({name: value for name, value in MALFORMED.items() if isinstance(value, str)})


def _parse(text: str, pure: bool, monkeypatch: pytest.MonkeyPatch) -> yamlio.YamlDocument:
    with monkeypatch.context() as patch:
        if pure:
            patch.setattr(yamlio, "CParser", None)
        return yamlio.parse_yaml(text, "f.yaml", Path("f.yaml"))


@pytest.mark.skipif(yamlio.CParser is None, reason="ruamel.yaml.clib is not installed")
@pytest.mark.parametrize("name", sorted(SOURCES))
def test_c_and_pure_parsers_agree(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = _parse(SOURCES[name], False, monkeypatch)
    slow = _parse(SOURCES[name], True, monkeypatch)
    assert fast.data == slow.data
    assert [d.code for d in fast.diagnostics] == [d.code for d in slow.diagnostics]
    if not fast.diagnostics:
        assert fast.source_map.values == slow.source_map.values
        assert fast.source_map.keys == slow.source_map.keys
