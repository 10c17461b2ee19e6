"""The output sheet `Över tid` (WORKBOOK.md): results per group since the project started, with subtotals.

Rows and columns come from xlpy.core.overtime, so the report's chapter "Resultat över tid" shows the same
figures. Exact figures: suppression is for the report, not the workbook (METRICS.md).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlpy.core import overtime
from xlpy.model import OutCell, OutputSheet
from xlpy.spec import GENERATED_NOTE, OUTPUT_SHEETS

NO_VALUE = "–"
_WIDTHS = {"date": 11.0, "text": 17.0, "int": 9.0, "pct": 9.0, "pct1": 9.0}


def _cell(kind: str, value: Any, bold: bool) -> OutCell:
    if value is None:
        return OutCell(NO_VALUE)
    if kind == "date":
        return OutCell(dt.date.fromisoformat(value[:10]), "date")
    if kind == "text":
        return OutCell(value, "bold" if bold else "text")
    return OutCell(value, kind)


def overtime_sheet(results: dict[str, Any]) -> OutputSheet | None:
    """`Över tid`, or None when there are no groups (the sheet is then not written)."""
    rows_ = overtime.rows(results)
    if not rows_:
        return None
    cols = overtime.columns(results)
    meta = results["meta"]
    period = meta.get("period") or {}
    when = (f"Rapportperiod {period['start']} – {period['end']}" if period else "Rapportperiod saknas")
    rows: list[list[OutCell]] = [
        [OutCell(f"Över tid – {meta['project_name']}", "title")],
        [OutCell(f"{GENERATED_NOTE} {when}.", "note")],
        [OutCell("En rad per grupp sedan projektstart (alla grupper som startat senast rapportperiodens slut), "
                 "i startordning, med summor per omgång och per kommun. Status i perioden: Avslutad tidigare, "
                 "Avslutad, Pågår. Siffrorna gäller per rapportperiodens slut.", "note")],
        [OutCell("Enhet", "header"), *(OutCell(c.header, "header") for c in cols)],
    ]
    for r in rows_:
        bold = r.kind != "group"
        rows.append([OutCell(r.label, "bold" if bold else "text"),
                     *(_cell(c.kind, c.value(r.unit), bold) for c in cols)])
    widths = [26.0, *(_WIDTHS.get(c.kind, 10.0) for c in cols)]
    return OutputSheet(OUTPUT_SHEETS["overtime"], rows, widths, freeze_rows=4)
