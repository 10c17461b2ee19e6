"""Reading an .xlsx/.xlsm sheet without paying for its empty rectangle.

calamine holds a sheet as one dense grid from its first to its last used cell: a single stray `x` at
XFD1048576 asks for 16 384 × 1 048 576 cells (549 GB, and the process aborts); at ZZ100000 it takes
2.7 GB and 30 s. `scan_sheet` streams the sheet's XML once (a few C-level byte searches per megabyte,
~0.1 s for a 57 MB Närvaro) and estimates that grid; `read_sparse` then reads a sheet whose grid is out of
proportion to its cells cell by cell, so memory follows the cells that hold values (plus one empty list
per row up to the last one).

The sparse reader gives the same Python values as python-calamine's `to_python` (tested against it on
the example and generated workbooks): numbers float, text str, booleans bool, date-formatted numbers
date/datetime/time (timedelta for [h]:mm durations), error cells their text ("#REF!").
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote
from xml.parsers import expat

from lxml import etree

CHUNK = 8 << 20
# -- how much larger than its cells a sheet's grid may be before it is read sparsely: a normal sheet has
#    about one reference per cell and row, so this never fires for data without far-away cells --
DENSE_FACTOR = 16
DENSE_SLACK = 1_000_000
_FAR = re.compile(rb' r="([A-Z]{2,3}(?=[0-9]{1,7}")|[A-Z](?=[0-9]{7}"))([0-9]+)"')
# -- what every _FAR match starts with (two letters, or a letter and seven digits): a search for it alone
#    is a third cheaper than findall, and finds nothing in a sheet without far-away cells --
_FAR_START = re.compile(rb' r="[A-Z](?:[A-Z]|[0-9]{7})')
_ROW = re.compile(rb'<row [^>]{0,200}?\br="([0-9]{1,7})"')
_ERROR_MARKS = (b't="e"', b"t='e'")
_CELL_REF = re.compile(r"([A-Z]{1,3})([0-9]{1,7})")


class SheetUnreadable(Exception):
    """The sheet's XML cannot be read (not well-formed, a DTD, a damaged zip entry)."""


@dataclass
class SheetScan:
    """What one stream over a sheet's XML tells: its grid's extent, its references, error cells."""

    max_row: int = 0
    max_col: int = 0  # 0 = no column beyond Z was seen (the grid is at most 26 wide)
    refs: int = 0
    has_errors: bool = False

    @property
    def grid_cells(self) -> int:
        """An upper bound of the cells calamine's dense grid of this sheet holds."""
        return self.max_row * (self.max_col or 26)

    @property
    def out_of_proportion(self) -> bool:
        """Whether the grid is far larger than the cells and rows the XML holds (read sparsely)."""
        return self.grid_cells > DENSE_FACTOR * self.refs + DENSE_SLACK


def column_index(letters: str | bytes) -> int:
    """0-based column of Excel column letters ("A" -> 0, "XFD" -> 16383)."""
    n = 0
    for ch in letters.decode() if isinstance(letters, bytes) else letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def scan_sheet(zf: zipfile.ZipFile, part: str, chunk_size: int = CHUNK) -> SheetScan:
    """Stream `part` once, `chunk_size` bytes at a time (marks split across chunks are found).
    Raises SheetUnreadable for a DTD or a damaged entry."""
    scan = SheetScan()
    tail = head = b""
    try:
        with zf.open(part) as fh:
            while chunk := fh.read(chunk_size):
                buf = tail + chunk
                if len(head) < 4096:
                    head += chunk
                    # -- OOXML forbids a DTD; one in a sheet is a crafted file (entity expansion) --
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise SheetUnreadable("DTD")
                scan.refs += chunk.count(b' r="')
                # -- the single-quoted mark only where the chunk holds an apostrophe at all (a one-byte
                #    search; Excel and openpyxl quote attributes with ") --
                scan.has_errors = scan.has_errors or _ERROR_MARKS[0] in buf or (b"'" in buf and _ERROR_MARKS[1] in buf)
                # -- one pass finds every reference beyond column Z or below row 999 999 (rare in real data) --
                if _FAR_START.search(buf):
                    for letters, row in set(_FAR.findall(buf)):
                        if len(letters) > 1:
                            scan.max_col = max(scan.max_col, column_index(letters) + 1)
                        scan.max_row = max(scan.max_row, int(row))
                # -- rows come in order: the last reference of each chunk is the furthest down so far --
                at = buf.rfind(b"<row ")
                last = _ROW.match(buf, at) if at >= 0 else None
                if last:
                    scan.max_row = max(scan.max_row, int(last[1]))
                tail = buf[-24:]
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, ValueError, NotImplementedError) as exc:
        raise SheetUnreadable(str(exc)) from exc
    return scan


def _parser_kwargs() -> dict[str, Any]:
    return {"resolve_entities": False, "no_network": True, "huge_tree": True, "load_dtd": False}


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _text_of(el: etree._Element) -> str:
    # -- a rich-text string is its runs' <t> joined; phonetic guides (<rPh>) are not part of the value --
    return "".join(t.text or "" for t in el.iter() if _local(t.tag) == "t"
                   and _local(t.getparent().tag) != "rPh")


def _read(zf: zipfile.ZipFile, name: str | None, limit: int) -> bytes | None:
    if name is None:
        return None
    try:
        info = zf.getinfo(name)
    except KeyError:
        return None
    if info.file_size > limit:
        raise SheetUnreadable(f"{name} too large")
    with zf.open(info) as fh:
        data = fh.read(limit + 1)
    if len(data) > limit:
        raise SheetUnreadable(f"{name} inflates beyond its size")
    return data


@dataclass
class BookParts:
    """What cell values depend on outside the sheet: shared strings, date formats, the date system."""

    shared: list[str]
    xf_kind: list[str]  # per cell style: "" (number), "date" or "duration"
    date1904: bool


_DATE_BUILTIN = set(range(14, 23)) | set(range(27, 37)) | set(range(45, 48)) | set(range(50, 59))
_DURATION_BUILTIN = {46}
_QUOTED = re.compile(r'"[^"]*"|\\.|_.|\*.')
_BRACKET = re.compile(r"\[([^\]]*)\]")


def _format_kind(code: str) -> str:
    code = _QUOTED.sub("", code)
    if any(b.lower() in ("h", "hh", "m", "mm", "s", "ss") for b in _BRACKET.findall(code)):
        return "duration"
    code = _BRACKET.sub("", code.split(";")[0]).lower()
    return "date" if any(ch in code for ch in "dmyhs") else ""


def book_parts(zf: zipfile.ZipFile, workbook_part: str, limit: int) -> BookParts:
    """Shared strings, each cell style's kind and the date system of the workbook at `workbook_part`."""
    folder = posixpath.dirname(workbook_part)
    rels_data = _read(zf, posixpath.join(folder, "_rels", posixpath.basename(workbook_part) + ".rels"), limit)
    targets: dict[str, str] = {}
    if rels_data:
        for rel in etree.fromstring(rels_data, etree.XMLParser(**_parser_kwargs())):
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = unquote(rel.get("Target", ""))
            targets[kind] = (target.lstrip("/") if target.startswith("/")
                             else posixpath.normpath(posixpath.join(folder, target)))
    shared: list[str] = []
    data = _read(zf, targets.get("sharedStrings"), limit)
    if data:
        root = etree.fromstring(data, etree.XMLParser(**_parser_kwargs()))
        shared = [_text_of(si) for si in root if _local(si.tag) == "si"]
    kinds: list[str] = []
    data = _read(zf, targets.get("styles"), limit)
    if data:
        root = etree.fromstring(data, etree.XMLParser(**_parser_kwargs()))
        custom: dict[int, str] = {}
        for el in root.iter():
            if _local(el.tag) == "numFmt" and el.get("numFmtId", "").isdigit():
                custom[int(el.get("numFmtId", "0"))] = el.get("formatCode", "")
        for section in root:
            if _local(section.tag) == "cellXfs":
                for xf in section:
                    fid = int(xf.get("numFmtId", "0")) if xf.get("numFmtId", "0").isdigit() else 0
                    if fid in custom:
                        kinds.append(_format_kind(custom[fid]))
                    else:
                        kinds.append("duration" if fid in _DURATION_BUILTIN
                                     else "date" if fid in _DATE_BUILTIN else "")
    date1904 = False
    data = _read(zf, workbook_part, limit)
    if data:
        for el in etree.fromstring(data, etree.XMLParser(**_parser_kwargs())):
            if _local(el.tag) == "workbookPr":
                date1904 = el.get("date1904", "").lower() in ("1", "true")
    return BookParts(shared, kinds, date1904)


def _serial_to_python(v: float, kind: str, date1904: bool) -> Any:
    if kind == "duration":
        return dt.timedelta(days=v)
    if date1904:
        base = dt.datetime(1904, 1, 1)
    elif v < 60:
        base = dt.datetime(1899, 12, 31)  # -- Excel's day 1 is 1900-01-01; its 1900-02-29 does not exist --
    else:
        base = dt.datetime(1899, 12, 30)
    try:
        stamp = base + dt.timedelta(milliseconds=round(v * 86_400_000))
    except OverflowError:
        return v
    if 0 <= v < 1 and not date1904:
        return stamp.time()
    return stamp.date() if stamp.time() == dt.time(0) else stamp


def _cell_value(t: str, style: str, v: str | None, inline: str | None, parts: BookParts) -> Any:
    if t == "inlineStr":
        return inline or ""
    if v is None:
        return ""
    if t == "s":
        try:
            return parts.shared[int(v)]
        except (ValueError, IndexError):
            return ""
    if t in ("str", "e"):
        return v
    if t == "b":
        return v.strip() in ("1", "true")
    if t == "d":
        try:
            stamp = dt.datetime.fromisoformat(v.strip())
        except ValueError:
            return v
        return stamp.date() if stamp.time() == dt.time(0) else stamp
    try:
        number = float(v)
    except ValueError:
        return v
    kind = parts.xf_kind[int(style)] if style.isdigit() and int(style) < len(parts.xf_kind) else ""
    return _serial_to_python(number, kind, parts.date1904) if kind else number


class _SheetHandler:
    """expat callbacks collecting the cells that hold a value ({row: {col: value}}, 0-based)."""

    def __init__(self, parts: BookParts) -> None:
        self.parts = parts
        self.cells: dict[int, dict[int, Any]] = {}
        self.row, self.col = -1, -1
        self.t, self.s = "n", "0"
        self.v: list[str] | None = None
        self.inline: list[str] | None = None
        self.collect: list[str] | None = None
        self.phonetic = 0

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rsplit(":", 1)[-1]
        if local == "c":
            m = _CELL_REF.fullmatch(attrs.get("r", ""))
            if m:
                self.col, self.row = column_index(m[1]), int(m[2]) - 1
            else:
                self.col += 1
            self.t, self.s = attrs.get("t", "n"), attrs.get("s", "0")
            self.v, self.inline = None, None
        elif local == "row":
            r = attrs.get("r", "")
            self.row = int(r) - 1 if r.isdigit() else self.row + 1
            self.col = -1
        elif local == "v":
            self.v = self.collect = []
        elif local == "is":
            self.inline = []
        elif local == "t" and self.inline is not None and not self.phonetic:
            self.collect = self.inline
        elif local == "rPh":
            self.phonetic += 1

    def end(self, name: str) -> None:
        local = name.rsplit(":", 1)[-1]
        if local in ("v", "t"):
            self.collect = None
        elif local == "rPh":
            self.phonetic -= 1
        elif local == "c":
            value = _cell_value(self.t, self.s, None if self.v is None else "".join(self.v),
                                None if self.inline is None else "".join(self.inline), self.parts)
            if value != "" and self.row >= 0 and self.col >= 0:
                self.cells.setdefault(self.row, {})[self.col] = value
            self.v = self.inline = None

    def text(self, data: str) -> None:
        if self.collect is not None:
            self.collect.append(data)


def _no_entities(*_args: object) -> None:
    raise SheetUnreadable("entity declaration")


def read_sparse(zf: zipfile.ZipFile, part: str, parts: BookParts) -> list[list[Any]]:
    """The sheet's values from A1 as rows, each only as long as its last value (ragged), one list per row
    up to the last row holding a value. Raises SheetUnreadable when the XML is not well-formed."""
    handler = _SheetHandler(parts)
    parser = expat.ParserCreate()
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.text
    parser.EntityDeclHandler = _no_entities
    parser.buffer_text = True
    try:
        with zf.open(part) as fh:
            while chunk := fh.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except (expat.ExpatError, OSError, EOFError, zipfile.BadZipFile, zlib.error, ValueError) as exc:
        raise SheetUnreadable(str(exc)) from exc
    cells = handler.cells
    if not cells:
        return []
    rows: list[list[Any]] = [[] for _ in range(max(cells) + 1)]
    for r, found in cells.items():
        row = rows[r] = [""] * (max(found) + 1)
        for c, value in found.items():
            row[c] = value
    return rows
