"""The one interface between the program and a workbook, whatever holds it (file, Excel, memory)."""

from __future__ import annotations

import unicodedata
from typing import Any, Protocol, runtime_checkable

from xlpy.model import OutputSheet


def sheet_key(name: str) -> str:
    """A sheet name as compared with another: NFC (a Mac may store `Ma\u030al` for `Mål`), trimmed, case-folded.

    Excel treats names that differ only in case as one sheet; names that differ only in their Unicode
    composition look identical to the user, so they are one sheet here too.
    """
    return unicodedata.normalize("NFC", name).strip().casefold()


class WorkbookError(Exception):
    """The workbook cannot be used at all (missing, not a workbook, locked). The message is Swedish and
    meant for the user; the CLI turns it into exit code 2."""


@runtime_checkable
class WorkbookSource(Protocol):
    """Reads cell values. Values are str, int, float, bool, datetime.date/datetime or None."""

    name: str

    def sheet_names(self) -> list[str]:
        """The workbook's sheet names in tab order, as the user typed them."""
        ...

    def read_values(self, sheet: str) -> list[list[Any]]:
        """All values of `sheet` from A1 to its last used cell, one list per row (one read per sheet)."""
        ...


@runtime_checkable
class WorkbookSink(Protocol):
    """Replaces the program's output sheets, leaving everything else untouched."""

    def write_sheets(self, sheets: list[OutputSheet]) -> None:
        """Write each sheet whole, replacing any earlier version with the same name."""
        ...
