"""Builds a new input workbook (.xlsx) from the contract in xlpy.spec: one sheet per input sheet, each
with an instruction line, a header row formatted as an Excel Table, drop-downs and number formats.

This module writes a NEW file with openpyxl; it never opens a user's workbook (see
shared/notes/excel-facts.md: an openpyxl load-and-save round trip can destroy a user's work).
"""

from __future__ import annotations

import datetime as dt
import io
import math
import sys
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.table import Table, TableStyleInfo
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.xml.functions import tostring

from xlpy import defaults, spec

__all__ = [
    "DEFAULT_GOALS",
    "FIXED_TIMESTAMP",
    "HEADER_ROW",
    "FIRST_DATA_ROW",
    "VALIDATION_LAST_ROW",
    "create_workbook",
    "default_settings_rows",
    "table_name",
]

HEADER_ROW = 2
FIRST_DATA_ROW = 3
# -- drop-downs reach this row; Närvaro holds one row per person and day, so it gets more room --
VALIDATION_LAST_ROW = 2000
VALIDATION_LAST_ROW_BY_SHEET = {"attendance": 100000}
# -- building twice must give the same file, so no clock time goes into it --
FIXED_TIMESTAMP = dt.datetime(2019, 1, 1, 0, 0, 0)
CREATOR = "Första Steget"
TABLE_STYLE = "TableStyleMedium2"
AUTO_WIDTH_MAX = 45
FONT = "Calibri"  # -- openpyxl's default cell font; named explicitly so bold/italic cells match it --

YES_NO = ("ja", "nej")
# -- the Mått drop-down: every metric key, with the placement periods a new workbook has (1 and 2) --
METRIC_KEYS = (*defaults.METRIC_KEYS[:3], "praktik_deltagande_1", "praktik_deltagande_2", *defaults.METRIC_KEYS[3:])
# -- settings whose Värde is an amount of money get a thousands separator --
MONEY_SETTINGS = ("real_cost", "financial_cost", "monthly_wage")
# -- columns in kronor get the same thousands separator --
MONEY_COLUMNS = {("cost_items", "low"), ("cost_items", "base"), ("cost_items", "high"), ("budget", "budget"),
                 ("budget", "actual")}

# The seed's goals (METRICS.md, kept in xlpy.defaults), as rows for the Mål sheet: Aktiv typed as "ja".
DEFAULT_GOALS: tuple[dict[str, Any], ...] = tuple({**g, "active": "ja"} for g in defaults.DEFAULT_GOALS)


def _yes_no_text(row: Mapping[str, Any]) -> dict[str, Any]:
    return {k: ("ja" if v else "nej") if isinstance(v, bool) else v for k, v in row.items()}


# The two default scales and our own example questions (xlpy.defaults), yes/no typed as ja/nej; Räknas and
# Aktiv stay empty where they are ja (empty = ja), so only "Vet ej" says nej.
DEFAULT_SURVEY_ROWS: dict[str, tuple[dict[str, Any], ...]] = {
    "scales": tuple(_yes_no_text({**r, "counted": None if r["counted"] else False})
                    for r in defaults.DEFAULT_SCALES),
    "survey_questions": tuple(_yes_no_text({**r, "active": None}) for r in defaults.DEFAULT_QUESTIONS),
}


def table_name(sheet: spec.SheetSpec) -> str:
    """The Excel Table (ListObject) name of an input sheet: `tbl` + the sheet name without accents,
    e.g. `tblGrupper`, `tblInstallningar`, `tblNarvaro`."""
    ascii_name = unicodedata.normalize("NFKD", sheet.name).encode("ascii", "ignore").decode("ascii")
    return "tbl" + "".join(ch for ch in ascii_name if ch.isalnum())


def list_name(column_header: str) -> str:
    """Defined name of a code list used by drop-downs, e.g. `lstGruppID`, `lstFrageID` (accents dropped)."""
    return "lst" + unicodedata.normalize("NFKD", column_header).encode("ascii", "ignore").decode("ascii")


def default_settings_rows(overrides: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """One Inställningar row per key of spec.SETTING_DEFS, in that order: Nyckel, Värde, Kommentar.

    overrides maps a setting's English key (e.g. "report_end") to its value; a key not given gets
    the default, and a default of None (dates) leaves Värde empty. Money is SEK, shares fractions.
    """
    overrides = dict(overrides or {})
    unknown = set(overrides) - {s.key for s in spec.SETTING_DEFS}
    if unknown:
        raise KeyError(f"unknown setting keys: {sorted(unknown)}")
    rows = []
    for s in spec.SETTING_DEFS:
        value = overrides.get(s.key, s.default)
        rows.append({"key": s.name, "value": None if value == "" else value, "comment": s.help})
    return rows


def create_workbook(path: str | Path, data: Mapping[str, Iterable[Mapping[str, Any]]] | None = None) -> None:
    """Write a new input workbook to `path` (.xlsx), overwriting it.

    data maps a sheet key of spec.INPUT_SHEETS (e.g. "groups") to rows, each a dict keyed by the
    column keys of xlpy.spec; values are written as they are (datetime.date stays a date, numbers stay
    numbers, None is an empty cell). A sheet missing from data (or data None) gets its defaults:
    Inställningar every setting with default and help text, Mål the seed's goals, the rest no rows.
    The file is byte-for-byte reproducible: fixed document timestamps and zip entry times.
    """
    data = data or {}
    wb = Workbook()
    wb.remove(wb.active)
    props = wb.properties
    props.creator = CREATOR
    props.lastModifiedBy = CREATOR
    props.created = FIXED_TIMESTAMP
    props.modified = FIXED_TIMESTAMP
    props.title = "Första Steget – uppföljning"

    points = _followup_points(data.get("settings"))
    for sheet in spec.INPUT_SHEETS:
        if sheet.key in data:
            rows = [dict(r) for r in data[sheet.key]]
        elif sheet.key == "settings":
            rows = default_settings_rows()
        elif sheet.key == "goals":
            rows = [dict(r) for r in DEFAULT_GOALS]
        elif sheet.key in DEFAULT_SURVEY_ROWS:
            rows = [dict(r) for r in DEFAULT_SURVEY_ROWS[sheet.key]]
        else:
            rows = []
        _write_sheet(wb, sheet, rows, points)

    for sheet_key, col_key in (("groups", "group_id"), ("participants", "participant_id"),
                               ("survey_questions", "question_id")):
        sheet = spec.SHEETS_BY_KEY[sheet_key]
        letter = _letter(sheet, col_key)
        ref = f"{quote_sheetname(sheet.name)}!${letter}${FIRST_DATA_ROW}:${letter}${VALIDATION_LAST_ROW}"
        name = list_name(sheet.column(col_key).header)
        wb.defined_names[name] = DefinedName(name, attr_text=ref)

    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    # -- openpyxl stamps `modified` with the clock while saving; put the fixed time back --
    props.modified = FIXED_TIMESTAMP
    core_xml = tostring(props.to_tree())
    Path(path).write_bytes(_normalise_zip(buffer.getvalue(), {"docProps/core.xml": core_xml}))


def _letter(sheet: spec.SheetSpec, col_key: str) -> str:
    index = [c.key for c in sheet.columns].index(col_key)
    return get_column_letter(index + 1)


def _followup_points(settings_rows: Iterable[Mapping[str, Any]] | None) -> tuple[int, ...]:
    """The follow-up points (months) of the settings rows written, for the Mättillfälle drop-down."""
    from xlpy.intake.reading import to_points  # -- the same parsing as when the workbook is read --

    name = next(s.name for s in spec.SETTING_DEFS if s.key == "followup_months")
    rows = list(settings_rows) if settings_rows is not None else default_settings_rows()
    for row in rows:
        if str(row.get("key", "")).strip().lower() == name.lower() and row.get("value") not in (None, ""):
            value, err = to_points(row["value"])
            if err is None:
                return tuple(value)
    return (6,)


def _write_sheet(wb: Workbook, sheet: spec.SheetSpec, rows: list[dict[str, Any]],
                 points: tuple[int, ...] = (6,)) -> None:
    ws: Worksheet = wb.create_sheet(sheet.name)
    ncols = len(sheet.columns)
    last_col = get_column_letter(ncols)

    title = ws.cell(row=1, column=1, value=sheet.instruction)
    title.font = Font(name=FONT, size=11, italic=True, color="595959")
    title.alignment = Alignment(vertical="center")
    ws.row_dimensions[1].height = 20

    widths = [_column_width(col, rows) for col in sheet.columns]
    for i, (col, width) in enumerate(zip(sheet.columns, widths, strict=True), start=1):
        cell = ws.cell(row=HEADER_ROW, column=i, value=col.header)
        cell.font = Font(name=FONT, size=11, bold=True)
        dim = ws.column_dimensions[get_column_letter(i)]
        dim.width = width
        fmt = _number_format(col, sheet)
        if fmt:
            # -- a column style makes values typed later into empty rows show the same way --
            dim.number_format = fmt

    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        lines = 1
        for i, (col, width) in enumerate(zip(sheet.columns, widths, strict=True), start=1):
            value = row.get(col.key)
            if value is None or value == "":
                continue
            cell = ws.cell(row=r, column=i, value=value)
            fmt = _number_format(col, sheet) or _setting_format(sheet, row, col)
            if fmt:
                cell.number_format = fmt
            if isinstance(value, str) and len(value) > width:
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                # -- Calibri fits about 1.15 characters per width unit (measured on the LibreOffice render) --
                lines = max(lines, math.ceil(len(value) / (width * 1.15)))
        if lines > 1:
            # -- LibreOffice does not grow a row for wrapped text by itself; 15 points a line --
            ws.row_dimensions[r].height = 15 * lines
            for i in range(1, ncols + 1):
                if not ws.cell(row=r, column=i).alignment.wrap_text:
                    ws.cell(row=r, column=i).alignment = Alignment(vertical="top")

    # -- a Table needs at least one data row; an empty workbook gets one empty row to type into --
    last_row = FIRST_DATA_ROW + max(len(rows), 1) - 1
    table = Table(displayName=table_name(sheet), ref=f"A{HEADER_ROW}:{last_col}{last_row}")
    table.tableStyleInfo = TableStyleInfo(name=TABLE_STYLE, showRowStripes=True)
    ws.add_table(table)
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"
    _page_setup(ws)

    for dv in _validations(sheet, rows, points):
        ws.add_data_validation(dv)


def _column_width(col: spec.Column, rows: list[dict[str, Any]]) -> float:
    """Column width in characters: the contract's width, widened for the bold header (plus its filter
    arrow) and, up to AUTO_WIDTH_MAX, for the longest text value; longer texts wrap instead."""
    width = max(col.width, len(col.header) + 4)
    texts = [len(v) for r in rows if isinstance(v := r.get(col.key), str)]
    if texts and col.width < AUTO_WIDTH_MAX:
        width = max(width, min(max(texts) + 2, AUTO_WIDTH_MAX))
    return float(width)


def _page_setup(ws: Worksheet) -> None:
    # -- printed or exported to PDF, a sheet fits one page wide and repeats its header row --
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _number_format(col: spec.Column, sheet: spec.SheetSpec | None = None) -> str | None:
    if sheet is not None and (sheet.key, col.key) in MONEY_COLUMNS:
        return "#,##0"
    if col.kind == "date":
        return "yyyy-mm-dd"
    if col.kind == "percent":
        return "0%"
    return None


def _setting_format(sheet: spec.SheetSpec, row: Mapping[str, Any], col: spec.Column) -> str | None:
    # -- Inställningar mixes kinds in one Värde column, so the format follows the row's key --
    if sheet.key != "settings" or col.key != "value":
        return None
    setting = spec.SETTINGS_BY_NAME.get(str(row.get("key", "")).strip().lower())
    if setting is None:
        return None
    if setting.key in MONEY_SETTINGS:
        return "#,##0"
    if setting.kind == "date":
        return "yyyy-mm-dd"
    return None


def _list_validation(formula: str, prompt_title: str, message: str, stop: bool) -> DataValidation:
    """A drop-down. stop=True refuses other values (closed lists fixed by the contract); otherwise Excel
    warns but lets the user keep the value (yes/no accepts variants such as x, and codes referring to
    rows not typed yet must not block typing)."""
    return DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # -- False means: DO show the in-cell arrow (OOXML's inverted flag) --
        showErrorMessage=True,
        errorStyle="stop" if stop else "warning",
        errorTitle=prompt_title,
        error=message,
    )


def _quoted_list(values: Iterable[str]) -> str:
    return '"' + ",".join(values) + '"'


def _validations(sheet: spec.SheetSpec, rows: list[dict[str, Any]],
                 points: tuple[int, ...] = (6,)) -> list[DataValidation]:
    last = VALIDATION_LAST_ROW_BY_SHEET.get(sheet.key, VALIDATION_LAST_ROW)
    result: list[DataValidation] = []
    for col in sheet.columns:
        dv = _column_validation(sheet, col, points)
        if dv is None:
            continue
        letter = _letter(sheet, col.key)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last}")
        result.append(dv)
    if sheet.key == "settings":
        result.extend(_settings_validations(rows))
    return result


def _column_validation(sheet: spec.SheetSpec, col: spec.Column,
                       points: tuple[int, ...] = (6,)) -> DataValidation | None:
    header = col.header
    if (sheet.key, col.key) == ("followup", "point"):
        # -- from the setting as written; a warning only, since the setting may change later --
        shown = "; ".join(str(p) for p in points)
        return _list_validation(_quoted_list(str(p) for p in points), header,
                                f"Mättillfälle ska vara ett av mättillfällena i Inställningar ({shown}). "
                                "Ändra inställningen Uppföljning efter avslut (månader) om fler behövs.", stop=False)
    if col.kind == "yesno":
        return _list_validation(_quoted_list(YES_NO), header, f"{header}: skriv ja eller nej.", stop=False)
    if col.kind == "choice":
        allowed = ", ".join(col.choices)
        # -- Sektor may grow (e.g. "statlig"); the other lists are closed by the contract --
        stop = col.key != "sector"
        return _list_validation(_quoted_list(col.choices), header,
                                f"{header} ska vara ett av: {allowed}.", stop=stop)
    if col.key == "metric" and sheet.key == "goals":
        return _list_validation(_quoted_list(METRIC_KEYS), header,
                                "Mått ska vara en nyckel ur METRICS, t.ex. narvaro eller praktik_deltagande_1.",
                                stop=False)
    if col.key == "survey" and sheet.key in ("survey_questions", "survey_answers", "mailings"):
        return _list_validation(_quoted_list(defaults.SURVEY_NAMES), header,
                                "Enkät är oftast Deltagare, Personal eller Styrgrupp; ett annat namn går också bra.",
                                stop=False)
    if col.key == "scale" and sheet.key == "survey_questions":
        return _list_validation(_quoted_list((defaults.AGREEMENT_SCALE, defaults.YES_NO_SCALE)), header,
                                "Skala ska vara ett namn i bladet Skalor.", stop=False)
    if col.key == "question_id" and sheet.key == "survey_answers":
        return _list_validation(list_name(header), header,
                                "FrågeID finns inte i bladet Enkätfrågor. Lägg först till frågan där.", stop=False)
    if col.key == "group_id" and sheet.key in ("staff", "participants", "survey_answers", "mailings"):
        return _list_validation(list_name(header), header,
                                "GruppID finns inte i bladet Grupper. Lägg först till gruppen där.", stop=False)
    if col.key == "participant_id" and sheet.key in ("attendance", "internships", "outcomes", "followup"):
        return _list_validation(list_name(header), header,
                                "DeltagarID finns inte i bladet Deltagare. Lägg först till deltagaren där.",
                                stop=False)
    return None


def _settings_validations(rows: list[dict[str, Any]]) -> list[DataValidation]:
    # -- only Giltig frånvaro has a closed list among the settings; it sits in Värde on its own row --
    col = spec.SETTINGS.columns.index(spec.SETTINGS.column("value")) + 1
    letter = get_column_letter(col)
    result = []
    for r, row in enumerate(rows, start=FIRST_DATA_ROW):
        setting = spec.SETTINGS_BY_NAME.get(str(row.get("key", "")).strip().lower())
        if setting is None or not setting.choices:
            continue
        dv = _list_validation(_quoted_list(setting.choices), setting.name,
                              f"{setting.name} ska vara ett av: {', '.join(setting.choices)}.", stop=True)
        dv.add(f"{letter}{r}")
        result.append(dv)
    return result


def _normalise_zip(content: bytes, replace: Mapping[str, bytes]) -> bytes:
    """Rewrite the xlsx package with a fixed time on every entry, so equal content gives equal bytes
    (zipfile stamps entries with the clock otherwise); entries named in `replace` get that content."""
    out = io.BytesIO()
    stamp = FIXED_TIMESTAMP.timetuple()[:6]
    with zipfile.ZipFile(io.BytesIO(content)) as src, \
            zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o600 << 16
            dst.writestr(entry, replace.get(info.filename) or src.read(info.filename))
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    """`python -m xlpy.workbook_template OUT.xlsx`: write an empty workbook (settings and goals filled)."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("Användning: python -m xlpy.workbook_template UT.xlsx", file=sys.stderr)
        return 2
    create_workbook(args[0])
    print(f"Skapade {args[0]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
