"""WorkbookSource and WorkbookSink over an xlwings `Book`: Excel on Windows/macOS, or xlwings' remote engine.

Calls across to Excel are slow, so they are few: one range read per input sheet. Output sheets:

- desktop Excel: the sheets are written, formatted, into a temporary .xlsx by the same writer as the
  command line (xlsx_package.write_copy), which Excel opens read-only; each output sheet is then cleared
  and filled with ONE copy of all its cells (values, number formats, fills, fonts, borders, column
  widths and row heights), plus a freeze-panes call: a fixed handful of calls per sheet, however many
  rows, where formatting block by block took hundreds of calls for a förbund's 600 groups;
- the remote engine (xlwings Server/Lite, which cannot open a second file): one clear, one write of all
  values and one call per style property value per block of cells, and one call per run of columns with
  the same width.

Only the program's output sheets are touched.
"""

from __future__ import annotations

import datetime as dt
import secrets
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from xlpy import spec
from xlpy.fmt import FORMULA_START
from xlpy.io.base import sheet_key
from xlpy.io.xlsx_sheetxml import column_letter
from xlpy.model import STYLES, OutputSheet

Rect = tuple[int, int, int, int]  # first row, first column, last row, last column; 1-based, inclusive
_MAX_ADDRESS = 255  # Excel's Range() accepts multi-area addresses up to 255 characters



def address(rect: Rect) -> str:
    """`(2, 1, 3, 2)` -> `A2:B3`; a single cell -> `A2`."""
    r1, c1, r2, c2 = rect
    first = f"{column_letter(c1)}{r1}"
    return first if (r1, c1) == (r2, c2) else f"{first}:{column_letter(c2)}{r2}"


def style_blocks(sheet: OutputSheet) -> dict[str, list[Rect]]:
    """Cells grouped by style key as few rectangles as a row-then-column merge finds ("text" left out)."""
    runs: dict[str, list[Rect]] = {}
    for r, row in enumerate(sheet.cell_rows(), start=1):
        c = 0
        while c < len(row):
            style = row[c].style
            end = c
            while end + 1 < len(row) and row[end + 1].style == style:
                end += 1
            if style != "text":
                runs.setdefault(style, []).append((r, c + 1, r, end + 1))
            c = end + 1
    merged: dict[str, list[Rect]] = {}
    for style, rects in runs.items():
        out: list[Rect] = []
        for rect in rects:
            prev = next((p for p in out if p[1] == rect[1] and p[3] == rect[3] and p[2] == rect[0] - 1), None)
            if prev is not None:
                out[out.index(prev)] = (prev[0], prev[1], rect[2], prev[3])
            else:
                out.append(rect)
        merged[style] = out
    return merged


# -- style properties a writer applies, in a fixed order; borders are left out: the remote engine has no
# portable call for them and they are cosmetic --
_PROPERTIES = ("num_format", "fill", "bold", "italic", "size", "color", "wrap")


def _property_blocks(sheet: OutputSheet) -> dict[tuple[str, Any], list[Rect]]:
    """Blocks by (property, value), so e.g. every bold style is made bold in one go."""
    out: dict[tuple[str, Any], list[Rect]] = {}
    for style, rects in style_blocks(sheet).items():
        props = STYLES.get(style, {})
        for prop in _PROPERTIES:
            if props.get(prop) not in (None, False):
                out.setdefault((prop, props[prop]), []).extend(rects)
    return {k: sorted(v) for k, v in sorted(out.items(), key=lambda kv: (_PROPERTIES.index(kv[0][0]), str(kv[0][1])))}


def _apply(rng: Any, prop: str, value: Any) -> None:
    if prop == "num_format":
        rng.number_format = value
    elif prop == "fill":
        rng.color = "#" + value
    elif prop in ("bold", "italic", "size"):
        setattr(rng.font, prop, value)
    elif prop == "color":
        rng.font.color = "#" + value
    elif prop == "wrap":
        rng.wrap_text = True


def _chunked_addresses(rects: Iterable[Rect]) -> list[str]:
    chunks: list[str] = []
    current = ""
    for rect in rects:
        part = address(rect)
        candidate = f"{current},{part}" if current else part
        if len(candidate) > _MAX_ADDRESS and current:
            chunks.append(current)
            current = part
        else:
            current = candidate
    if current:
        chunks.append(current)
    return chunks


def _cell_value(value: Any) -> Any:
    # -- Excel takes datetime, not date; a text Excel would take for a formula gets its quote prefix ("'",
    #    not shown, the same as quotePrefix in the file writer); everything else passes through as is --
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class XlwingsBook:
    """A WorkbookSource and WorkbookSink over an xlwings `Book` (desktop Excel or the remote engine).

    `via_file`: write output sheets by copying them from a temporary workbook the file writer made
    (desktop Excel); `multi_area`: when formatting block by block, cover all blocks of a style with one
    multi-area address (desktop Excel supports it, the remote engine does not). None decides both from
    the book's engine.
    """

    def __init__(self, book: Any, multi_area: bool | None = None, via_file: bool | None = None) -> None:
        self.book = book
        self.name: str = book.name
        def desktop() -> bool:
            return bool(book.app.engine.name == "excel")

        self.multi_area = desktop() if multi_area is None else multi_area
        self.via_file = desktop() if via_file is None else via_file

    def sheet_names(self) -> list[str]:
        """Sheet names in tab order."""
        return [s.name for s in self.book.sheets]

    def _sheet(self, name: str) -> Any | None:
        wanted = sheet_key(name)
        return next((s for s in self.book.sheets if sheet_key(s.name) == wanted), None)

    def read_values(self, sheet: str) -> list[list[Any]]:
        """Values from A1 to the last used cell of `sheet`, read with one range read (empty sheet: [])."""
        sh = self._sheet(sheet)
        if sh is None:
            raise KeyError(sheet)
        last = sh.used_range.last_cell
        values = sh.range((1, 1), (last.row, last.column)).options(ndim=2).value
        if values == [[None]]:
            return []
        return [list(row) for row in values]

    def read_input_values(self) -> dict[str, list[list[Any]]]:
        """The values of every input sheet of the contract that the book has, keyed by its sheet name."""
        wanted = {sheet_key(s.name) for s in spec.INPUT_SHEETS}
        return {n: self.read_values(n) for n in self.sheet_names() if sheet_key(n) in wanted}

    def write_sheets(self, sheets: list[OutputSheet]) -> None:
        """Replace each output sheet whole; a missing one is added after the last tab."""
        if self.via_file and sheets:
            self._write_via_file(sheets)
            return
        for out in sheets:
            self._write_sheet(out)

    def _write_via_file(self, sheets: list[OutputSheet]) -> None:
        """Write `sheets` into a temporary workbook with the file writer, open it read-only in the same
        Excel, and copy each sheet's cells over the output sheet in one call. The temporary file is
        removed afterwards; the user's workbook is changed in Excel only, and saved when the user saves."""
        from xlpy.io.xlsx_package import write_copy  # -- the desktop path only --

        with tempfile.TemporaryDirectory(prefix="xlpy-") as tmp:
            # -- a name no open workbook has: Excel refuses to open two workbooks of the same name --
            path = Path(tmp) / f"forsta_steget_utdata_{secrets.token_hex(4)}.xlsx"
            # -- Excel copies cells between workbooks as serials: the temporary workbook must count dates
            #    in the user's workbook's system, or a 1904 workbook gets every date 1 462 days late --
            write_copy(None, path, sheets, date1904=self._date1904())
            app = self.book.app
            try:
                updating = app.screen_updating
            except NotImplementedError:  # -- engines that can only switch it, not report it --
                updating = True
            app.screen_updating = False  # -- no flicker of the temporary workbook's window --
            try:
                source = app.books.open(str(path), update_links=False, read_only=True)
                try:
                    for out in sheets:
                        target = self._sheet(out.name)
                        if target is None:
                            target = self.book.sheets.add(out.name, after=self.book.sheets[-1])
                        target.clear()
                        # -- all cells, so column widths and row heights come along with values and formats --
                        source.sheets[out.name].cells.copy(target.range("A1"))
                        if out.freeze_rows:
                            target.freeze_panes.freeze_at(f"A{out.freeze_rows + 1}")
                finally:
                    source.close()
            finally:
                app.screen_updating = updating

    @property
    def date1904(self) -> bool:
        """Whether the book uses the 1904 date system, for bare serial numbers in date columns."""
        return self._date1904()

    def _date1904(self) -> bool:
        """Whether the book uses the 1904 date system (Workbook.Date1904 in Excel; False where unknown)."""
        try:
            return bool(self.book.api.Date1904)
        except Exception:  # -- engines without the COM/AppleScript object model --
            return False

    def _write_sheet(self, out: OutputSheet) -> None:
        sh = self._sheet(out.name)
        if sh is None:
            sh = self.book.sheets.add(out.name, after=self.book.sheets[-1])
        sh.clear()
        width = max((len(r) for r in out.cell_rows()), default=0)
        if width:
            matrix = [[_cell_value(c.value) for c in row] + [None] * (width - len(row)) for row in out.cell_rows()]
            sh.range((1, 1)).value = matrix
        for (prop, value), rects in _property_blocks(out).items():
            targets = _chunked_addresses(rects) if self.multi_area else [address(r) for r in rects]
            for target in targets:
                _apply(sh.range(target), prop, value)
        # -- internal links (Kontroll's row numbers) as Excel's own hyperlinks ("#" = within the workbook),
        #    shown as the row number; the desktop path gets them from the file writer with the copied cells --
        for r, row in enumerate(out.rows, start=1):
            for c, cell in enumerate(row, start=1):
                if cell.link is not None:
                    sh.range((r, c)).add_hyperlink(f"#{cell.link}", str(cell.value), f"Gå till {cell.link}")
        self._widths(sh, out.col_widths)
        # -- wrapped header rows: one call per distinct height, over all rows that share it --
        by_height: dict[float, list[int]] = {}
        for r, h in sorted(out.row_heights.items()):
            by_height.setdefault(h, []).append(r + 1)
        for h, rows in by_height.items():
            sh.range(",".join(f"{r}:{r}" for r in rows) if self.multi_area else f"{rows[0]}:{rows[0]}").row_height = h
            if not self.multi_area:
                for r in rows[1:]:
                    sh.range(f"{r}:{r}").row_height = h
        if out.freeze_rows:
            sh.freeze_panes.freeze_at(f"A{out.freeze_rows + 1}")

    @staticmethod
    def _widths(sh: Any, widths: list[float]) -> None:
        col = 0
        while col < len(widths):
            end = col
            while end + 1 < len(widths) and widths[end + 1] == widths[col]:
                end += 1
            first, last = column_letter(col + 1), column_letter(end + 1)
            sh.range(f"{first}:{last}").column_width = widths[col]
            col = end + 1
