"""An in-memory workbook: a real WorkbookSource and WorkbookSink for tests and examples, no files, no Excel."""

from __future__ import annotations

from typing import Any

from xlpy.io.base import sheet_key
from xlpy.model import OutputSheet


class MemoryWorkbook:
    """Sheets as lists of rows from A1, e.g. `MemoryWorkbook({"Grupper": [["GruppID", ...], ["K2", ...]]})`.

    Writing an OutputSheet stores it whole in `written` (by name) and its plain values as a sheet, so a
    second read sees what the program wrote, as it would in a real workbook. Sheet names match
    case-insensitively on write, like Excel's.
    """

    def __init__(self, sheets: dict[str, list[list[Any]]] | None = None, name: str = "minne.xlsx") -> None:
        self.name = name
        self.sheets: dict[str, list[list[Any]]] = dict(sheets or {})
        self.written: dict[str, OutputSheet] = {}

    def sheet_names(self) -> list[str]:
        """Sheet names in insertion order."""
        return list(self.sheets)

    def read_values(self, sheet: str) -> list[list[Any]]:
        """The rows of `sheet` as stored (not copied). KeyError if there is no sheet by that exact name."""
        return self.sheets[sheet]

    def write_sheets(self, sheets: list[OutputSheet]) -> None:
        """Replace each sheet whole; an existing sheet keeps its tab position, a new one goes last."""
        for out in sheets:
            values = [[cell.value for cell in row] for row in out.cell_rows()]
            existing = next((n for n in self.sheets if sheet_key(n) == sheet_key(out.name)), None)
            if existing is not None and existing != out.name:
                # -- keep the tab position but take the program's spelling of the name --
                self.sheets = {(out.name if n == existing else n): v for n, v in self.sheets.items()}
            self.sheets[out.name] = values
            self.written[out.name] = out
