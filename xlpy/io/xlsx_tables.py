"""The totals rows of Excel Tables (ListObjects) in an .xlsx/.xlsm sheet, so readers can leave them out.

A Table's totals row ("Summa", =SUBTOTAL(...)) sits inside the sheet's cells like data; read as a data
row it gave "Datum saknas" on Närvaro and a failed run (issue #10). The table part says how many rows at
the bottom of its range are totals: `totalsRowCount` (ECMA-376 §18.5.1.2; default 0). `totalsRowShown`
only records whether such a row was ever shown and is not used.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
import zlib
from xml.etree import ElementTree as ET

_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_REL_TABLE = "/table"
_REF = re.compile(r"\$?([A-Z]+)\$?([0-9]+)(?::\$?([A-Z]+)\$?([0-9]+))?")


def totals_cells(zf: zipfile.ZipFile, sheet_part: str) -> list[tuple[int, int, int]]:
    """(row, first column, last column), 0-based, of every totals row of every Table on the worksheet
    part `sheet_part`; [] when there is none or the parts cannot be read."""
    folder, name = posixpath.split(sheet_part)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    try:
        rels = ET.fromstring(zf.read(rels_name))
    except (KeyError, OSError, ET.ParseError, zipfile.BadZipFile, zlib.error):
        return []
    found: list[tuple[int, int, int]] = []
    for rel in rels.iter(_PKG_REL + "Relationship"):
        if not rel.get("Type", "").endswith(_REL_TABLE) or rel.get("TargetMode") == "External":
            continue
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        try:
            table = ET.fromstring(zf.read(part))
        except (KeyError, OSError, ET.ParseError, zipfile.BadZipFile, zlib.error):
            continue
        try:
            count = int(table.get("totalsRowCount", "0"))
        except ValueError:
            continue
        m = _REF.fullmatch(table.get("ref", ""))
        if count <= 0 or not m or not m[3]:
            continue
        first_col, last_col = _column_index(m[1]), _column_index(m[3])
        top, bottom = int(m[2]) - 1, int(m[4]) - 1
        for row in range(max(top + 1, bottom - count + 1), bottom + 1):
            found.append((row, first_col, last_col))
    return found


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
