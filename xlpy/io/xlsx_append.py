"""Append rows to input sheets of a user's .xlsx/.xlsm by editing its zip package surgically and atomically.

The survey import (`xlpy enkat importera`) adds rows to Enkätsvar and Enkätfrågor. Like the output-sheet
writer (xlpy.io.xlsx_package) it never loads and saves the workbook with openpyxl: it edits only the
worksheet parts it appends to (cells written as inline strings, numbers and date serials), the Excel Tables
on those sheets (their range grows to hold the new rows) and xl/styles.xml (a date format appended if
missing). Every other zip entry keeps its original compressed bytes. The same checks hold: refused while
Excel has the file open, under the workbook lock, written to a temporary file that is verified before it
replaces the workbook.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from xlpy.io import safety
from xlpy.io.base import WorkbookError
from xlpy.io.xlsx_opc import Package, parse_xml, serialize
from xlpy.io.xlsx_package import (
    NS,
    NS_R,
    REL_STYLES,
    _check_parses,
    _check_suffix,
    _load,
    _resolve_rel,
    _styles,
    _workbook_part,
    save_package,
)
from xlpy.io.xlsx_sheetxml import MAX_CELL_CHARS, column_letter, excel_serial

REL_TABLE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/table"
_Q = f"{{{NS}}}"
_REF = re.compile(r"([A-Z]+)(\d+)")
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Append:
    """Rows to add to one sheet. sheet: its name as in the workbook; header_row: the 1-based row of its
    header; first_row: the 1-based row the first new row goes to (below the last row holding a value);
    rows: each a mapping of 0-based column index -> value (str, int, float, datetime.date; None = empty)."""

    sheet: str
    header_row: int
    first_row: int
    rows: Sequence[Mapping[int, Any]]


def append_rows(path: Path | str, appends: Sequence[Append]) -> None:
    """Add the rows of `appends` to their sheets in the workbook at `path`, leaving everything else as it was.

    Raises WorkbookError (Swedish) when the file is missing, open in Excel, locked, read-only, not an
    .xlsx/.xlsm workbook, or lacks a named sheet; the file is then unchanged.
    """
    path = Path(path)
    path = path.resolve() if path.is_symlink() else path
    _check_suffix(path)
    if not path.is_file():
        raise WorkbookError(f"Filen {path.name} finns inte.")
    safety.check_not_open(path)
    safety.check_writable(path)
    with safety.workbook_lock(path):
        package = _load(path.read_bytes(), path.name)
        apply_appends(package, appends, path.name)
        for name in package.names():
            if name.lower() in package.touched:
                _check_parses(package.read(name))

        save_package(path, package, mode_from=path)


def apply_appends(package: Package, appends: Sequence[Append], label: str = "") -> None:
    """Append the rows in memory (see append_rows); raises WorkbookError for a sheet the workbook lacks."""
    wb_part = _workbook_part(package, label)
    workbook = parse_xml(package.read(wb_part))
    wb_rels = package.rels(wb_part)
    styles = _styles(package, wb_part)
    date_xf = styles.xf_index({"num_format": "yyyy-mm-dd"})
    sheets = {el.get("name", "").strip().casefold(): el for el in workbook.iter(_Q + "sheet")}
    for a in appends:
        if not a.rows:
            continue
        el = sheets.get(a.sheet.strip().casefold())
        rel = wb_rels.by_id(el.get(f"{{{NS_R}}}id", "")) if el is not None else None
        if rel is None:
            raise WorkbookError(f"Bladet {a.sheet} finns inte i {label}.")
        part = _resolve_rel(wb_part, rel)
        root = parse_xml(package.read(part))
        last_row = _append_to_sheet(root, a, date_xf)
        package.write(part, serialize(root))
        _grow_tables(package, part, a.header_row, last_row)
    styles_part = _resolve_rel(wb_part, wb_rels.by_type(REL_STYLES)[0])
    package.write(styles_part, styles.to_bytes())
    package.flush()


def _cell(ref: str, value: Any, style: str | None, date_xf: int) -> etree._Element:
    c = etree.Element(_Q + "c", r=ref)
    if isinstance(value, bool):
        c.set("t", "b")
        etree.SubElement(c, _Q + "v").text = "1" if value else "0"
    elif isinstance(value, dt.date):
        c.set("s", str(date_xf))
        etree.SubElement(c, _Q + "v").text = repr(excel_serial(value)).removesuffix(".0")
    elif isinstance(value, (int, float)):
        if style:
            c.set("s", style)
        etree.SubElement(c, _Q + "v").text = repr(value) if isinstance(value, float) else str(value)
    else:
        if style:
            c.set("s", style)
        c.set("t", "inlineStr")
        t = etree.SubElement(etree.SubElement(c, _Q + "is"), _Q + "t")
        text = _ILLEGAL.sub("", str(value))[:MAX_CELL_CHARS]
        t.text = text
        if text != text.strip():
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
    return c


def _col_index(ref: str) -> int:
    m = _REF.fullmatch(ref)
    if not m:
        return 0
    n = 0
    for ch in m[1]:
        n = n * 26 + ord(ch) - 64
    return n


def _append_to_sheet(root: etree._Element, a: Append, date_xf: int) -> int:
    """Write the rows into <sheetData> (an existing empty row keeps its place and cell styles); returns
    the last row number written."""
    data = root.find(_Q + "sheetData")
    if data is None:
        raise WorkbookError(f"Bladet {a.sheet} går inte att skriva till (saknar celldata).")
    existing = {int(r.get("r", "0")): r for r in data.iterchildren(_Q + "row")}
    last = a.first_row - 1
    for offset, values in enumerate(a.rows):
        number = a.first_row + offset
        row = existing.get(number)
        if row is None:
            row = etree.Element(_Q + "row", r=str(number))
            later = [n for n in existing if n > number]
            if later:
                existing[min(later)].addprevious(row)
            else:
                data.append(row)
            existing[number] = row
        # -- strip the row's span hint: it may not cover the new cells, and Excel recomputes it --
        row.attrib.pop("spans", None)
        cells = {_col_index(c.get("r", "")): c for c in row.iterchildren(_Q + "c")}
        for j, value in sorted(values.items()):
            if value is None or value == "":
                continue
            ref = f"{column_letter(j + 1)}{number}"
            old = cells.get(j + 1)
            new = _cell(ref, value, old.get("s") if old is not None else None, date_xf)
            if old is not None:
                old.addprevious(new)
                row.remove(old)
            else:
                after = [k for k in cells if k > j + 1]
                if after:
                    cells[min(after)].addprevious(new)
                else:
                    row.append(new)
            cells[j + 1] = new
        last = number
    _grow_dimension(root, last)
    return last


def _grow_dimension(root: etree._Element, last_row: int) -> None:
    dim = root.find(_Q + "dimension")
    if dim is None:
        return
    ref = dim.get("ref", "")
    m = re.fullmatch(r"([A-Z]+\d+):([A-Z]+)(\d+)", ref)
    if m and int(m[3]) < last_row:
        dim.set("ref", f"{m[1]}:{m[2]}{last_row}")


def _grow_tables(package: Package, sheet_part: str, header_row: int, last_row: int) -> None:
    """Extend each Excel Table of the sheet whose header is `header_row` so it covers `last_row`."""
    for _id, rel_type, target in package.rels(sheet_part).internal_targets():
        if rel_type != REL_TABLE or not package.has(target):
            continue
        table = parse_xml(package.read(target))
        m = re.fullmatch(r"([A-Z]+)(\d+):([A-Z]+)(\d+)", table.get("ref", ""))
        if not m or int(m[2]) != header_row or int(m[4]) >= last_row:
            continue
        if int(table.get("totalsRowCount", "0") or 0):
            # -- the new rows would land below the totals row, outside the table --
            raise WorkbookError(f"Tabellen {table.get('displayName', '')} har en summarad. Ta bort summaraden "
                                "(Tabelldesign > Summarad) och importera igen.")
        ref = f"{m[1]}{m[2]}:{m[3]}{last_row}"
        table.set("ref", ref)
        auto = table.find(_Q + "autoFilter")
        if auto is not None:
            auto.set("ref", ref)
        package.write(target, serialize(table))
