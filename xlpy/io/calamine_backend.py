"""Read-only workbook access through python-calamine: fast, no Excel, reads .xlsx/.xlsm/.xlam/.xlsb/.xls/.ods.

Every way a file can be unusable becomes one `WorkbookError` with a plain Swedish sentence; calamine's
own (English, technical) text is kept only in `__cause__` for logs.

python-calamine 0.9 returns cells holding an Excel error (#REF!, #N/A, …) as empty strings (issue
dimastbk/python-calamine#105). For the zip-based Excel formats this module puts the error text back, by
scanning the sheet's XML for error cells (cheap: a substring test, a parse only when one is there), so
reading can report them. In .xls and .ods files they still read as empty cells.
"""

from __future__ import annotations

import re
import threading
import zipfile
import zlib
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree as ET

import olefile
import python_calamine as pc

from xlpy.io import isolated, xlsx_cells
from xlpy.io.base import WorkbookError, sheet_key
from xlpy.io.xlsx_tables import totals_cells

SUPPORTED_SUFFIXES = (".xlsx", ".xlsm", ".xlam", ".xlsb", ".xls", ".ods")
ZIP_XML_SUFFIXES = (".xlsx", ".xlsm", ".xlam")
# -- one part (shared strings, styles) read whole; inflation beyond this is a crafted entry --
MAX_PART_BYTES = 512 * 2**20
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# -- far above any real follow-up workbook (350 000 Närvaro rows unpack to about 60 MB) --
MAX_UNPACKED_BYTES = 2 * 2**30


class CalamineSource:
    """A workbook file opened for reading. `name` is the file name (no directories: it ends up in reports).

    Prefer `open_source(path)`, which checks the file first and explains problems in Swedish.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.name = self.path.name
        self._prefetched: dict[str, tuple[threading.Thread, dict[str, Any]]] = {}
        self._zip_xml = self.path.suffix.lower() in ZIP_XML_SUFFIXES
        self._isolated: dict[str, list[list[Any]]] | None = None
        self._names: list[str] = []
        self._parts: xlsx_cells.BookParts | None = None
        self._book: Any = None
        # -- the package's directory and sheet-to-part map, read once: each read_values used to open the
        #    zip twice and parse the workbook part and its relationships twice (17 sheets × 10 workbooks
        #    of a consolidation: 0.7 s) --
        self._zf: zipfile.ZipFile | None = None
        self._sheet_parts: dict[str, str] | None = None
        if not self._zip_xml:
            # -- .xls/.xlsb/.ods: calamine parses them on open, and a damaged one can abort the process --
            try:
                self._names, self._isolated = isolated.read_workbook(str(self.path))
            except isolated.ChildFailed as exc:
                raise WorkbookError(_msg_password(self.name) if exc.args[0] == "password"
                                    else _msg_corrupt(self.name)) from exc
            return
        try:
            self._book = pc.CalamineWorkbook.from_path(str(self.path))
            self._names = [m.name for m in self._book.sheets_metadata if m.typ == pc.SheetTypeEnum.WorkSheet]
        except pc.PasswordError as exc:
            raise WorkbookError(_msg_password(self.name)) from exc
        except BaseException as exc:
            _reraise_interrupt(exc)  # -- a Rust panic is a BaseException (pyo3_runtime.PanicException) --
            raise WorkbookError(_msg_corrupt(self.name)) from exc

    @property
    def date1904(self) -> bool:
        """Whether the workbook counts dates in the 1904 system. calamine already turns date-formatted
        cells into the right dates; this is for bare serial numbers typed into a date column."""
        if not hasattr(self, "_date1904"):
            self._date1904 = _uses_1904_dates(self.path)
        return self._date1904

    def sheet_names(self) -> list[str]:
        """The sheet names in tab order (worksheets only; chart sheets have no cells)."""
        return list(self._names)

    def prefetch(self, sheet: str) -> None:
        """Scan `sheet` (xlsx_cells.scan_sheet) now, then start calamine's parse of it in a background
        thread, on a second handle of the file, so that a later read_values(sheet) only turns cells into
        Python values. calamine releases the GIL while it parses the sheet's XML (~0.8 s of 1.1 s for
        350 000 Närvaro rows), so the small sheets are read (and the command's modules imported) meanwhile.

        The scan runs in the calling thread on purpose: it is Python and byte searches holding the GIL in
        calls of several milliseconds, and beside a thread that keeps releasing the GIL (file reads,
        imports) each of those releases waited for a whole search: imports and scan both took 4-5× as long.
        """
        if sheet in self._prefetched or not self._zip_xml:
            return
        box: dict[str, Any] = {}
        try:
            box["plan"] = plan = self._plan(sheet)
        except BaseException as exc:  # -- read_values reads the sheet again and reports it properly --
            _reraise_interrupt(exc)
            box["error"] = exc
            plan = None

        def run() -> None:
            try:
                book = pc.CalamineWorkbook.from_path(str(self.path))
                box["book"], box["sheet"] = book, book.get_sheet_by_name(sheet)
            except BaseException as exc:  # -- read_values reads the sheet again and reports it properly --
                box["error"] = exc
            if box.get("abandoned") and "book" in box:  # -- closed without waiting (discard_ahead) --
                box.pop("sheet", None)
                box["book"].close()

        thread = threading.Thread(target=run, daemon=True)
        if plan is not None and not plan[0].out_of_proportion:
            thread.start()
        self._prefetched[sheet] = (thread, box)

    def read_values(self, sheet: str) -> list[list[Any]]:
        """All values of `sheet` from A1 (empty leading rows and columns included, so row numbers match
        Excel's). Empty cells are "", dates are datetime.date/datetime, numbers float (int for .xls/.ods).
        Rows may be shorter than the longest one. Raises WorkbookError (Swedish) when the sheet cannot be
        read: damaged XML, a DTD, a panic inside calamine."""
        if self._isolated is not None:
            if sheet not in self._isolated:
                raise WorkbookError(self._msg_sheet(sheet))
            return self._isolated[sheet]
        pending = self._prefetched.pop(sheet, None)
        box: dict[str, Any] = {}
        if pending is not None:
            if pending[0].ident is not None:  # -- started (not when the scan said: read sparsely) --
                pending[0].join()
            box = pending[1]
        try:
            scan, part = box["plan"] if "plan" in box else self._plan(sheet)
            if scan.out_of_proportion and part is not None:
                # -- a far-away stray cell: calamine's grid would be out of all proportion to the cells --
                return self._read_sparse(part)
            if "sheet" in box:
                parsed = box["sheet"]
                box["book"].close()
            else:
                parsed = self._book.get_sheet_by_name(sheet)
            rows: list[list[Any]] = parsed.to_python(skip_empty_area=False)
            errors = _error_cells(self.path, part) if scan.has_errors and part is not None else {}
        except WorkbookError:
            raise
        except pc.PasswordError as exc:
            raise WorkbookError(_msg_password(self.name)) from exc
        except BaseException as exc:
            _reraise_interrupt(exc)
            raise WorkbookError(self._msg_sheet(sheet)) from exc
        for (r, c), text in errors.items():
            while len(rows) <= r:
                rows.append([])
            row = rows[r]
            row.extend([""] * (c + 1 - len(row)))
            row[c] = text
        # -- an Excel Table's totals row is not data: its cells read as empty, so the row is skipped --
        for r, first, last in self._table_totals(part):
            if r < len(rows):
                cells = rows[r]
                for c in range(first, min(last + 1, len(cells))):
                    cells[c] = ""
        return rows

    def _msg_sheet(self, sheet: str) -> str:
        return f"Bladet {sheet} i {self.name} går inte att läsa; filen kan vara skadad."

    def _plan(self, sheet: str) -> tuple[xlsx_cells.SheetScan, str | None]:
        """The sheet's scan and zip part; a scan of nothing when the part cannot be found (calamine then
        reads it as it can). Raises SheetUnreadable for a DTD or damaged entry."""
        zf = self._zip()
        part = self._part_of(zf, sheet)
        if part is None or part not in zf.NameToInfo:
            return xlsx_cells.SheetScan(), None
        return xlsx_cells.scan_sheet(zf, part), part

    def _zip(self) -> zipfile.ZipFile:
        """The package, opened once per source (closed by close())."""
        if self._zf is None:
            self._zf = zipfile.ZipFile(self.path)
        return self._zf

    def _part_of(self, zf: zipfile.ZipFile, sheet: str) -> str | None:
        """The zip part of the sheet named `sheet` (as _sheet_part finds it), from a map built once;
        None when the workbook part or its relationships cannot be read."""
        if self._sheet_parts is None:
            try:
                self._sheet_parts = _sheet_parts(zf)
            except (KeyError, ET.ParseError, ValueError):
                self._sheet_parts = {}
        return self._sheet_parts.get(sheet)

    def _table_totals(self, part: str | None) -> list[tuple[int, int, int]]:
        """The totals rows of the sheet's Excel Tables (xlsx_tables.totals_cells); [] when unreadable."""
        if part is None:
            return []
        try:
            return totals_cells(self._zip(), part)
        except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError, zlib.error):
            return []

    def _read_sparse(self, part: str) -> list[list[Any]]:
        with zipfile.ZipFile(self.path) as zf:
            if self._parts is None:
                self._parts = xlsx_cells.book_parts(zf, _workbook_part(zf), MAX_PART_BYTES)
            return xlsx_cells.read_sparse(zf, part, self._parts)

    def close(self, wait: bool = True) -> None:
        """Release the file (calamine keeps it open until then), including any background parse's handle.
        wait=False: a parse still running is not waited for; its thread closes its own handle when done."""
        for thread, box in self._prefetched.values():
            if thread.is_alive() and not wait:
                box["abandoned"] = True
                continue
            if thread.ident is not None:
                thread.join()
            if "book" in box:
                box["book"].close()
        self._prefetched.clear()
        if self._book is not None:
            self._book.close()
        if self._zf is not None:
            self._zf.close()
            self._zf = None

    def __enter__(self) -> CalamineSource:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- sources opened by read_ahead, waiting for the open_source of the same, unchanged file --
_AHEAD: dict[Path, tuple[tuple[int, int, int, int], CalamineSource]] = {}


def _signature(path: Path) -> tuple[int, int, int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns


def read_ahead(path: str | Path, sheet: str) -> None:
    """Open `path` now and start parsing its sheet named like `sheet` (by sheet_key) in the background,
    for the next open_source of the same file; meant to run before the heavy imports of a command, which
    then load while calamine parses (it releases the GIL). Every check of open_source and of the read
    runs as before: a file that cannot be opened here is left to open_source to report."""
    p = Path(path)
    try:
        key, signature = p.resolve(), _signature(p)
        source = open_source(p)
    except (WorkbookError, OSError, RuntimeError):
        return
    wanted = sheet_key(sheet)
    name = next((n for n in source.sheet_names() if sheet_key(n) == wanted), None)
    if name is not None:
        source.prefetch(name)
    earlier = _AHEAD.pop(key, None)
    if earlier is not None:
        earlier[1].close()
    _AHEAD[key] = (signature, source)


def discard_ahead() -> None:
    """Close every source read_ahead opened that no open_source has taken, without waiting for a parse
    still running (a command refused before reading, e.g. the file open in Excel, answers at once)."""
    while _AHEAD:
        _, (_, source) = _AHEAD.popitem()
        source.close(wait=False)


def _take_ahead(path: Path) -> CalamineSource | None:
    try:
        key = path.resolve()
        signature, source = _AHEAD.pop(key)
    except (KeyError, OSError, RuntimeError):
        return None
    try:
        same = _signature(path) == signature
    except OSError:
        same = False
    if not same:  # -- the file changed since: read it again (a stale parse is not waited for) --
        source.close(wait=False)
        return None
    return source


def open_source(path: str | Path) -> CalamineSource:
    """Open a workbook file for reading, or raise WorkbookError with one Swedish sentence saying why not.
    A source read_ahead opened for the same unchanged file is handed over (once)."""
    p = Path(path)
    ahead = _take_ahead(p) if _AHEAD else None
    if ahead is not None:
        return ahead
    name = p.name or str(p)
    if not p.exists():
        raise WorkbookError(f"Filen {name} finns inte; kontrollera sökvägen.")
    if p.is_dir():
        raise WorkbookError(f"{name} är en mapp, inte en arbetsbok; ange sökvägen till en .xlsx- eller .xlsm-fil.")
    suffix = p.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise WorkbookError(
            f"Filen {name} har ett format som inte kan läsas ({suffix or 'ingen filändelse'}); "
            "spara den som Excel-arbetsbok (.xlsx eller .xlsm)."
        )
    try:
        with p.open("rb") as fh:
            head = fh.read(8)
    except OSError as exc:
        raise WorkbookError(f"Filen {name} går inte att öppna; den kan vara låst av ett annat program.") from exc
    if not head:
        raise WorkbookError(f"Filen {name} är tom.")
    if head.startswith(_OLE_MAGIC) and _is_encrypted_package(p):
        raise WorkbookError(_msg_password(name))
    if suffix in (".xlsx", ".xlsm", ".xlam", ".xlsb", ".ods") and not head.startswith(_ZIP_MAGIC):
        raise WorkbookError(_msg_corrupt(name))
    unpacked = _unpacked_size(p) if head.startswith(_ZIP_MAGIC) else 0
    if unpacked > MAX_UNPACKED_BYTES:
        raise WorkbookError(f"Filen {name} är orimligt stor uppackad ({unpacked // 2**20} MB); den kan vara skadad.")
    source = CalamineSource(p)
    if not source.sheet_names():
        # -- every real workbook has at least one sheet; none means its workbook part is missing --
        source.close()
        raise WorkbookError(_msg_corrupt(name))
    return source


def _unpacked_size(path: Path) -> int:
    # -- the sizes the zip's central directory declares; a "zip bomb" of a few hundred KB can declare
    #    gigabytes, which calamine would try to hold in memory --
    try:
        with zipfile.ZipFile(path) as z:
            return sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return 0  # not readable as a zip: calamine's own check gives the "skadad" message


def _is_encrypted_package(path: Path) -> bool:
    # -- an encrypted .xlsx is an OLE compound file holding EncryptionInfo + EncryptedPackage --
    try:
        with olefile.OleFileIO(str(path)) as ole:
            return bool(ole.exists("EncryptionInfo"))
    except (OSError, ValueError):
        return False


def _msg_password(name: str) -> str:
    return f"Arbetsboken {name} är lösenordsskyddad; spara en kopia utan lösenord och försök igen."


def _msg_corrupt(name: str) -> str:
    return f"Filen {name} är ingen Excel-arbetsbok eller är skadad."


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_CELL_REF = re.compile(r"([A-Z]+)([0-9]+)")


def _reraise_interrupt(exc: BaseException) -> None:
    # -- Ctrl-C and exit pass through; everything else calamine raises (a Rust panic included) is a
    #    damaged file --
    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        raise exc


def _error_cells(path: Path, part: str) -> dict[tuple[int, int], str]:
    """Error cells of one sheet part of an .xlsx/.xlsm as {(row, col) 0-based: "#REF!"}; only called for a
    sheet whose scan saw an error-cell mark. Raises SheetUnreadable when its XML cannot be parsed."""
    found: dict[tuple[int, int], str] = {}
    try:
        with zipfile.ZipFile(path) as zf, zf.open(part) as fh:
            for _, el in ET.iterparse(fh):
                if el.tag == _MAIN + "c":
                    if el.get("t") == "e":
                        m = _CELL_REF.fullmatch(el.get("r", ""))
                        v = el.find(_MAIN + "v")
                        if m and v is not None and v.text:
                            found[(int(m[2]) - 1, _column_index(m[1]))] = v.text
                    el.clear()
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError, zlib.error, EOFError) as exc:
        raise xlsx_cells.SheetUnreadable(str(exc)) from exc
    return found


def _workbook_part(zf: zipfile.ZipFile) -> str:
    return "xl/workbook.xml"


def _sheet_part(zf: zipfile.ZipFile, sheet: str) -> str | None:
    """The zip part of the sheet named `sheet`, or None."""
    return _sheet_parts(zf).get(sheet)


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Every sheet name of the package's workbook part -> its zip part (the first sheet of a name, a
    sheet whose relationship has no target left out)."""
    book = ET.fromstring(zf.read("xl/workbook.xml"))
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets: dict[str | None, str | None] = {}
    for r in rels.iter(_PKG_REL + "Relationship"):
        targets.setdefault(r.get("Id"), r.get("Target"))
    out: dict[str, str] = {}
    seen: set[str | None] = set()
    for s in book.iter(_MAIN + "sheet"):
        name = s.get("name")
        if name in seen:
            continue
        seen.add(name)
        target = targets.get(s.get(_REL + "id"))
        if name is not None and target:
            # -- targets are relative to xl/ unless absolute within the package --
            out[name] = target.lstrip("/") if target.startswith("/") else str(PurePosixPath("xl") / target)
    return out


_WORKBOOK_PR = re.compile(rb"<(?:\w+:)?workbookPr\b[^>]*?\bdate1904\s*=\s*[\"'](?:1|true)[\"']")


def _uses_1904_dates(path: Path) -> bool:
    """`<workbookPr date1904="1">` in an .xlsx/.xlsm/.xlam's workbook part (found through the package's
    root relationships); False for other formats and for anything unreadable."""
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xlam"):
        return False
    try:
        with zipfile.ZipFile(path) as zf:
            rels = ET.fromstring(zf.read("_rels/.rels"))
            target = next((r.get("Target", "") for r in rels.iter(_PKG_REL + "Relationship")
                           if r.get("Type", "").endswith("/officeDocument")), "xl/workbook.xml")
            with zf.open(target.lstrip("/")) as fh:
                head = fh.read(1 << 16)  # -- workbookPr comes before the sheet list, near the start --
    except (OSError, KeyError, zipfile.BadZipFile, ET.ParseError, zlib.error):
        return False
    return bool(_WORKBOOK_PR.search(head))


def _column_index(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1
