"""Reading a filled data-collection workbook (.xlsx): python-calamine against openpyxl.

The omi-2008 template (``omi-rules template``) is filled with the North Wales example resampled,
seeded, to a national cycle (5,040 cases) and to an archive ten times larger (50,400 cases).
The filled workbook is written with xlsxwriter as Excel writes one (shared strings, numbers
without a decimal point; tiers as numbers, yes/no fields as the drop-down's words), with the
template's hidden sheet, so ``read_xlsx`` reads it as a template. For each, in one process:

* ``openpyxl``: ``readers.read_xlsx`` with the calamine reader turned off -- the reader before
  python-calamine, and still the reference one (the baseline);
* ``read_xlsx``: the same call as ``score`` makes it, the sheets read by python-calamine
  (``casedata.xlsx``), including its scan of the zip's parts (also shown alone);
* ``calamine alone``: ``CalamineWorkbook.get_sheet_by_name("cases").to_python()``, the floor.

The 50,400-case workbook unpacks to 282 MB, over ``MAX_XLSX_UNPACKED_BYTES`` (200 MiB), and its
grid (50,404 x 234) is over ``MAX_XLSX_CELLS``: ``score`` refuses it (D009). The limits are
raised here for the measurement only. openpyxl takes about a minute on it: once, not best of N.
"""

from __future__ import annotations

import argparse
import csv
import random
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import xlsxwriter
from _timing import best_of
from openpyxl import load_workbook
from ruamel.yaml import YAML

from omi_rules.casedata import readers, xlsx

ROOT = Path(__file__).resolve().parent.parent
RULESET = ROOT / "rulesets" / "omi-2008"
EXAMPLE = ROOT / "examples" / "north-wales-2008" / "cases.csv"


def template(path: Path) -> Path:
    command = [sys.executable, "-m", "omi_rules", "template", str(RULESET), "--output", str(path)]
    subprocess.run(command, cwd=ROOT, capture_output=True, check=True)
    return path


def filled(made: Path, cases: int, path: Path, seed: int = 1) -> Path:
    """The template's sheets and ``cases`` resampled cases, written as Excel would."""
    fields = YAML(typ="safe").load((RULESET / "ruleset.yaml").read_text(encoding="utf-8"))["fields"]
    kinds = {f["id"]: f["type"] for f in fields}
    with EXAMPLE.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    rng = random.Random(seed)
    source = load_workbook(made)
    book = xlsxwriter.Workbook(str(path))
    for prop in source.custom_doc_props.props:
        book.set_custom_property(prop.name, prop.value)
    for ws in source.worksheets:
        sheet = book.add_worksheet(ws.title)
        if ws.sheet_state != "visible":
            sheet.hide()
        for row in ws.iter_rows():
            for cell in row:
                if cell.value is not None:
                    sheet.write(cell.row - 1, cell.column - 1, cell.value)
        if ws.title != "cases":
            continue
        ids = [cell.value for cell in ws[4]]
        at = {key: ids.index(key) for key in header}
        for i in range(cases):
            for key, value in zip(header, [f"c{i:06d}", *rng.choice(rows)[1:]], strict=True):
                if value == "":
                    continue
                if kinds.get(key) == "int":
                    sheet.write_number(4 + i, at[key], int(value))
                elif kinds.get(key) == "bool":
                    sheet.write_string(4 + i, at[key], "yes" if value.lower() in ("true", "yes", "y", "1") else "no")
                else:
                    sheet.write_string(4 + i, at[key], value)
    book.close()
    return path


def with_openpyxl(path: Path) -> Any:
    original = xlsx.read_sheets
    xlsx.read_sheets = lambda *_: None  # type: ignore[assignment]
    try:
        return readers.read_xlsx(path, path.name)
    finally:
        xlsx.read_sheets = original


def calamine_alone(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(path)) as book:
        book.get_sheet_by_name("cases").to_python()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_040, 50_400])
    args = parser.parse_args()
    readers.MAX_XLSX_UNPACKED_BYTES = 1 << 30  # the measurement only (see the docstring)
    readers.MAX_XLSX_CELLS = 20_000_000
    with tempfile.TemporaryDirectory() as work:
        made = template(Path(work) / "collect.xlsx")
        for cases in args.sizes:
            path = filled(made, cases, Path(work) / f"cases-{cases}.xlsx")
            fast = readers.read_xlsx(path, path.name)
            assert xlsx.read_sheets(path, path.name, readers.MAX_XLSX_CELLS) is not None, "calamine gave way"
            assert fast.origin is not None and fast.size == cases
            repeat = args.repeat if cases < 50_000 else 1
            base = best_of(lambda path=path: with_openpyxl(path), repeat=repeat)
            took = best_of(lambda path=path: readers.read_xlsx(path, path.name), repeat=args.repeat)
            scan = best_of(lambda path=path: xlsx._scan(path), repeat=args.repeat)
            floor = best_of(lambda path=path: calamine_alone(path), repeat=args.repeat)
            size = path.stat().st_size / 2**20
            print(
                f"{cases:>6,} cases ({size:4.1f} MB): openpyxl {base:6.2f} s; read_xlsx {took:5.2f} s "
                f"({base / took:4.1f}x faster; of it the scan {scan:4.2f} s); "
                f"calamine alone {floor:5.2f} s ({base / floor:4.1f}x)"
            )


if __name__ == "__main__":
    main()
