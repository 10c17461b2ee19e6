"""Reading rules of WORKBOOK.md: cell values, header rows, columns, blank rows, settings, missing sheets."""

from __future__ import annotations

import datetime as dt
import random
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.worksheet.table import Table

from xlpy import spec
from xlpy.defaults import DEFAULT_GOALS
from xlpy.intake.reading import parse_workbook, to_date, to_int, to_number, to_percent, to_yesno
from xlpy.io.base import WorkbookError, WorkbookSink, WorkbookSource
from xlpy.io.calamine_backend import open_source
from xlpy.io.memory import MemoryWorkbook
from xlpy.model import OutCell, OutputSheet

D = dt.date
GROUPS = [
    ["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"],
    ["K2", "Klippan", 2, D(2019, 9, 2), D(2019, 12, 19)],
    ["P2", "Perstorp", 2, D(2019, 9, 2), D(2019, 12, 19)],
]
PARTICIPANTS = [["DeltagarID", "GruppID"], ["D1", "K2"], ["D2", "P2"]]


def book(**sheets: list[list[object]]) -> MemoryWorkbook:
    """A workbook with Grupper and Deltagare filled in, plus the given sheets (keyword = sheet name)."""
    base: dict[str, list[list[object]]] = {"Grupper": GROUPS, "Deltagare": PARTICIPANTS}
    base.update({k.replace("_", " "): v for k, v in sheets.items()})
    return MemoryWorkbook(base)


# -- single cells ----------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("raw", "expected"),
    [("ja", True), ("Ja", True), ("j", True), ("x", True), ("X", True), ("1", True), (1, True), (1.0, True),
     ("sant", True), ("TRUE", True), (True, True), (" ja ", True),
     ("nej", False), ("n", False), ("0", False), (0, False), ("falskt", False), ("FALSE", False), (False, False)],
)
def test_yes_no_variants_are_read(raw: object, expected: bool) -> None:
    assert to_yesno(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["kanske", 2, "jaa"])
def test_yes_no_rejects_other_text_with_swedish_message(raw: object) -> None:
    value, err = to_yesno(raw)
    assert value is None and err is not None and "ja eller nej" in err


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(D(2019, 9, 2), D(2019, 9, 2)), (dt.datetime(2019, 9, 2, 0, 0), D(2019, 9, 2)),
     ("2019-09-02", D(2019, 9, 2)), (" 2019-09-02 ", D(2019, 9, 2)), ("2019-09-02 00:00:00", D(2019, 9, 2)),
     ("2019-9-2", D(2019, 9, 2)), (43710, D(2019, 9, 2)), (43710.0, D(2019, 9, 2))],
)
def test_date_variants_are_read(raw: object, expected: dt.date) -> None:
    assert to_date(raw) == (expected, None)


@pytest.mark.parametrize("raw", ["2019-13-01", "2019-02-30", "2/9 2019", "02.09.2019", "igår", True, 43710.5, -3])
def test_unreadable_dates_give_the_swedish_hint(raw: object) -> None:
    value, err = to_date(raw)
    assert value is None
    assert err is not None and err.startswith("Datumet ") and "Skriv datum som 2019-09-02" in err


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(50, 0.5), ("50", 0.5), ("50%", 0.5), ("50 %", 0.5), ("0,5", 0.5), ("0.5", 0.5), (0.5, 0.5),
     (100, 1.0), (1, 1.0), ("12,5 %", 0.125), (0, 0.0), ("0 %", 0.0)],
)
def test_percent_variants_are_fractions(raw: object, expected: float) -> None:
    value, err = to_percent(raw)
    assert err is None and value == pytest.approx(expected)


@pytest.mark.parametrize("raw", [150, "150 %", -10, "-0,2", "mycket"])
def test_percent_out_of_range_or_not_a_number_is_an_error(raw: object) -> None:
    value, err = to_percent(raw)
    assert value is None and err is not None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1234.5, 1234.5), ("1 234,5", 1234.5), ("1\u00a0234,5", 1234.5), ("143 500 kr", 143500.0), ("-3", -3.0)],
)
def test_numbers_accept_swedish_text(raw: object, expected: float) -> None:
    assert to_number(raw) == (expected, None)


@pytest.mark.parametrize(("raw", "expected"), [(17, 17), (17.0, 17), ("17", 17), (" 17 ", 17), ("17,0", 17)])
def test_int_columns_turn_whole_numbers_into_int(raw: object, expected: int) -> None:
    value, err = to_int(raw)
    assert err is None and value == expected and isinstance(value, int)


@pytest.mark.parametrize("raw", [17.5, "-2", "sjutton"])
def test_int_columns_reject_fractions_negatives_and_words(raw: object) -> None:
    assert to_int(raw)[1] is not None


# -- sheets ----------------------------------------------------------------------------------------

def test_header_row_below_a_title_gives_excel_row_numbers() -> None:
    groups = [["Grupper i projektet"], ["Fyll i en rad per grupp"], [], *GROUPS]
    data = parse_workbook(book(Grupper=groups))
    assert list(data.groups["group_id"]) == ["K2", "P2"]
    assert list(data.groups["row"]) == [5, 6]


def test_sheet_and_headers_match_case_and_spaces_loosely() -> None:
    groups = [["  gruppid ", "KOMMUN", "Gruppnummer", "startdatum", "Slutdatum "], *GROUPS[1:]]
    wb = MemoryWorkbook({" grupper ": groups, "DELTAGARE": PARTICIPANTS})
    data = parse_workbook(wb)
    assert list(data.groups["municipality"]) == ["Klippan", "Perstorp"]
    assert len(data.participants) == 2


def test_columns_in_any_order_and_extra_columns_are_ignored() -> None:
    participants = [["Anteckning", "GruppID", "CV", "DeltagarID", "Okänd kolumn"],
                    ["hej", "K2", "ja", "D1", 99], [None, "P2", "", "D2", None]]
    data = parse_workbook(book(Deltagare=participants))
    assert list(data.participants["participant_id"]) == ["D1", "D2"]
    assert list(data.participants["cv"]) == [True, False]
    assert "Anteckning" not in data.participants.columns and "Okänd kolumn" not in data.participants.columns


def test_blank_rows_inside_data_are_skipped_and_row_numbers_kept() -> None:
    participants = [["DeltagarID", "GruppID"], ["D1", "K2"], [None, None], ["", "  "], [], ["D2", "P2"],
                    [None, None], [None, None]]
    data = parse_workbook(book(Deltagare=participants))
    assert list(data.participants["row"]) == [2, 6]
    assert not [p for p in data.problems if p.sheet == "Deltagare"]


def test_every_frame_has_the_spec_columns_plus_row_even_when_empty() -> None:
    data = parse_workbook(book(Närvaro=[["DeltagarID", "Datum", "Status"]]))
    for sheet in spec.INPUT_SHEETS:
        if sheet.key == "settings":
            continue
        frame = getattr(data, sheet.key)
        assert list(frame.columns) == [c.key for c in sheet.columns] + ["row"], sheet.name
    assert data.attendance.empty


def test_column_types_are_the_documented_ones() -> None:
    groups = [["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum", "Veckor", "Enkät genomförd"],
              ["K2", "Klippan", 2.0, "2019-09-02", 43818, "16", "ja"]]
    staff = [["GruppID", "Roll", "Tjänstgöringsgrad", "Räknas"], ["K2", "SYV", "25 %", "nej"]]
    data = parse_workbook(book(Grupper=groups, Personal=staff, Deltagare=[["DeltagarID", "GruppID"]]))
    g = data.groups.iloc[0]
    assert (g["group_no"], g["weeks"], g["survey_done"]) == (2, 16, True)
    assert (g["start"], g["end"]) == (D(2019, 9, 2), D(2019, 12, 19))
    assert data.groups["group_no"].dtype == "Int64"
    assert data.staff.iloc[0]["percent"] == pytest.approx(0.25)
    assert not data.staff.iloc[0]["counts"]


@pytest.mark.parametrize(("cell", "expected"), [("", True), (None, True), ("ja", True), ("nej", False)])
def test_empty_aktiv_means_ja(cell: object, expected: bool) -> None:
    goals = [["MålID", "Mått", "Jämförelse", "Målvärde", "Aktiv"], ["M1", "narvaro", ">=", 0.8, cell]]
    data = parse_workbook(book(Mål=goals))
    assert list(data.goals["active"]) == [expected]


def test_empty_raknas_means_ja_since_only_unused_posts_are_marked_nej() -> None:
    staff = [["GruppID", "Roll", "Tjänstgöringsgrad", "Räknas"], ["K2", "SYV", 25, None], ["K2", "SYV", 25, "nej"]]
    data = parse_workbook(book(Personal=staff))
    assert list(data.staff["counts"]) == [True, False]


def test_empty_yes_no_cell_means_nej_elsewhere() -> None:
    participants = [["DeltagarID", "GruppID", "CV", "Ohälsa"], ["D1", "K2", None, ""]]
    data = parse_workbook(book(Deltagare=participants))
    assert (bool(data.participants.iloc[0]["cv"]), bool(data.participants.iloc[0]["ill_health"])) == (False, False)


def test_a_bad_optional_value_is_left_empty_and_the_row_kept() -> None:
    participants = [["DeltagarID", "GruppID", "Startdatum"], ["D1", "K2", "2019-13-01"], ["D2", "P2", None]]
    data = parse_workbook(book(Deltagare=participants))
    assert list(data.participants["participant_id"]) == ["D1", "D2"]
    assert data.participants.iloc[0]["start"] is None
    [p] = [p for p in data.problems if p.sheet == "Deltagare"]
    assert (p.row, p.column, p.value, p.severity, p.group_id) == (2, "Startdatum", "2019-13-01", "fel", "K2")
    assert p.message.startswith("Datumet 2019-13-01 går inte att läsa. Skriv datum som 2019-09-02.")


def test_a_missing_required_value_drops_the_row() -> None:
    attendance = [["DeltagarID", "Datum", "Status"], ["D1", D(2019, 9, 2), None], ["D1", D(2019, 9, 3), "N"]]
    data = parse_workbook(book(Närvaro=attendance))
    assert list(data.attendance["row"]) == [3]
    [p] = [p for p in data.problems if p.sheet == "Närvaro"]
    assert (p.row, p.column) == (2, "Status") and "saknas" in p.message


@pytest.mark.parametrize(
    ("typed", "status"),
    [("N", "N"), ("n", "N"), ("närvarande", "N"), ("F", "F"), ("frånvarande", "F"), ("g", "G"),
     ("Giltig frånvaro", "G"), ("giltig  frånvaro", "G")],
)
def test_attendance_status_variants_are_normalised(typed: str, status: str) -> None:
    data = parse_workbook(book(Närvaro=[["DeltagarID", "Datum", "Status"], ["D1", D(2019, 9, 2), typed]]))
    assert list(data.attendance["status"]) == [status]


@pytest.mark.parametrize("error", ["#REF!", "#N/A", "#DIV/0!", "#VALUE!"])
def test_excel_error_cells_become_problems(error: str) -> None:
    participants = [["DeltagarID", "GruppID", "Startdatum"], ["D1", "K2", error], [error, "K2", None]]
    data = parse_workbook(book(Deltagare=participants))
    probs = [p for p in data.problems if p.sheet == "Deltagare"]
    assert [(p.row, p.column, p.value) for p in probs] == [(2, "Startdatum", error), (3, "DeltagarID", error)]
    assert all(error in p.message for p in probs)
    assert list(data.participants["participant_id"]) == ["D1"]


# -- settings --------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["3 %", "3%", "0,03", 0.03, "0.03", 3])
def test_discount_rate_accepts_percent_and_fraction(typed: object) -> None:
    data = parse_workbook(book(Inställningar=[["Nyckel", "Värde"], ["Diskonteringsränta", typed]]))
    assert data.settings.discount_rate == pytest.approx(0.03)


def test_settings_are_read_by_swedish_name_with_defaults_for_empty_values() -> None:
    rows = [["Inställningar"], ["Nyckel", "Värde", "Kommentar"],
            ["projektnamn", "Första Steget 2"], ["Rapportperiod slut", "2020-02-01"],
            ["Reala kostnader per person och år", "150 000"], ["Kalkylår", 5.0],
            ["Giltig frånvaro", "Exkludera"], ["Arbetsgivaravgift", "31,42 %"], ["Månadslön vid arbete", None]]
    s = parse_workbook(book(Inställningar=rows)).settings
    assert (s.project_name, s.report_end, s.real_cost, s.horizon_years) == (
        "Första Steget 2", D(2020, 2, 1), 150000.0, 5)
    assert s.excused_absence == "exkludera"
    assert s.payroll_tax == pytest.approx(0.3142)
    assert s.monthly_wage == 18000


def test_unknown_setting_is_a_warning_and_bad_value_keeps_the_default() -> None:
    rows = [["Nyckel", "Värde"], ["Favoritfärg", "blå"], ["Kalkylår", "fyra"], ["Giltig frånvaro", "ibland"]]
    data = parse_workbook(book(Inställningar=rows))
    assert (data.settings.horizon_years, data.settings.excused_absence) == (4, "frånvaro")
    probs = [(p.row, p.column, p.severity) for p in data.problems if p.sheet == "Inställningar"]
    assert probs == [(2, "Nyckel", "varning"), (3, "Värde", "fel"), (4, "Värde", "fel")]


def test_error_cell_in_settings_is_reported_once_and_keeps_the_default() -> None:
    data = parse_workbook(book(Inställningar=[["Nyckel", "Värde"], ["Kalkylår", "#REF!"]]))
    assert data.settings.horizon_years == 4
    assert [(p.row, p.column) for p in data.problems if p.sheet == "Inställningar"] == [(2, "Värde")]


# -- missing sheets --------------------------------------------------------------------------------

@pytest.mark.parametrize("missing", ["Grupper", "Deltagare"])
def test_missing_required_sheet_raises_workbook_error_naming_it(missing: str) -> None:
    wb = book()
    del wb.sheets[missing]
    with pytest.raises(WorkbookError, match=f"Bladet {missing} saknas"):
        parse_workbook(wb)


def test_required_sheet_without_header_row_names_the_missing_headers() -> None:
    wb = book(Deltagare=[["Deltagare"], ["DeltagarID", "Grupp"], ["D1", "K2"]])
    with pytest.raises(WorkbookError) as info:
        parse_workbook(wb)
    assert "Deltagare" in str(info.value) and "GruppID" in str(info.value)
    assert "DeltagarID" not in str(info.value).split(":")[-1]


def test_header_beyond_the_search_rows_is_not_found() -> None:
    groups = [[f"rad {i}"] for i in range(30)] + GROUPS
    with pytest.raises(WorkbookError, match="Grupper"):
        parse_workbook(book(Grupper=groups))


def test_missing_optional_sheets_are_empty_with_a_warning() -> None:
    data = parse_workbook(book())
    warned = {p.sheet for p in data.problems if p.row is None and p.severity == "varning"}
    assert {"Personal", "Närvaro", "Praktik", "Utfall", "Statistik", "Texter"} <= warned
    assert data.attendance.empty and data.staff.empty


def test_missing_goal_sheet_gives_the_seed_goals() -> None:
    data = parse_workbook(book())
    assert list(data.goals["goal_id"]) == [g["goal_id"] for g in DEFAULT_GOALS] == [f"M{i}" for i in range(1, 10)]
    m2 = data.goals.set_index("goal_id").loc["M2"]
    assert (m2["metric"], m2["comparison"], m2["target"], m2["target_max"]) == ("gruppstorlek", "mellan", 5, 10)
    assert data.goals["active"].all()


def test_optional_sheet_without_header_row_is_an_error_problem_not_a_crash() -> None:
    data = parse_workbook(book(Utfall=[["DeltagarID", "Datum"], ["D1", D(2019, 9, 9)]]))
    [p] = [p for p in data.problems if p.sheet == "Utfall"]
    assert p.severity == "fel" and "Utfall" in p.message and data.outcomes.empty


# -- the memory workbook ---------------------------------------------------------------------------

def test_memory_workbook_is_source_and_sink_and_replaces_sheets_whole() -> None:
    wb = MemoryWorkbook({"Grupper": GROUPS, "kontroll": [["gammalt"]]})
    assert isinstance(wb, WorkbookSource) and isinstance(wb, WorkbookSink)
    sheet = OutputSheet("Kontroll", [[OutCell("Rubrik", "title")], [OutCell(3, "int")]])
    wb.write_sheets([sheet])
    assert wb.sheet_names() == ["Grupper", "Kontroll"]
    assert wb.read_values("Kontroll") == [["Rubrik"], [3]]
    assert wb.written["Kontroll"] is sheet


def test_parsed_frames_are_dataframes_with_source_name() -> None:
    data = parse_workbook(MemoryWorkbook({"Grupper": GROUPS, "Deltagare": PARTICIPANTS}, name="test.xlsx"))
    assert data.source_name == "test.xlsx"
    assert isinstance(data.groups, pd.DataFrame) and list(data.groups.index) == [0, 1]


# -- real files through python-calamine ------------------------------------------------------------

def _write_openpyxl(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Grupper"
    ws["A1"] = "Grupper i Första Steget"
    ws.append([])
    ws.append(GROUPS[0] + ["Veckor"])
    ws.append(["K2", "Klippan", 2, dt.datetime(2019, 9, 2), "2019-12-19", 16])
    ws.append(["P2", "Perstorp", 2, "2019-09-02", dt.datetime(2019, 12, 19), "16"])
    ws.add_table(Table(displayName="Grupper", ref="A3:F5"))
    ws2 = wb.create_sheet("deltagare ")
    ws2["C4"] = "DeltagarID"
    ws2["D4"] = "GruppID"
    ws2.append([None, None, "D1", "K2"])
    ws2.append([])
    ws2.append([None, None, 17, "P2"])
    ws3 = wb.create_sheet("Närvaro")
    ws3.append(["DeltagarID", "Datum", "Status"])
    ws3.append(["D1", dt.datetime(2019, 9, 2), "N"])
    ws3.append(["17", "2019-09-02", "g"])
    wb.save(path)
    return path


def test_calamine_reads_a_real_workbook_with_table_title_and_text_dates(tmp_path: Path) -> None:
    path = _write_openpyxl(tmp_path / "uppföljning.xlsx")
    with open_source(path) as source:
        assert source.name == "uppföljning.xlsx"
        assert source.sheet_names() == ["Grupper", "deltagare ", "Närvaro"]
        data = parse_workbook(source)
    assert list(data.groups["row"]) == [4, 5]
    assert list(data.groups["end"]) == [D(2019, 12, 19)] * 2
    assert list(data.groups["weeks"]) == [16, 16]
    assert list(data.participants["participant_id"]) == ["D1", "17"]
    assert list(data.participants["row"]) == [5, 7]
    assert list(data.attendance["status"]) == ["N", "G"]
    assert [p.sheet for p in data.problems if p.row is not None] == []


def test_calamine_values_start_at_a1(tmp_path: Path) -> None:
    path = _write_openpyxl(tmp_path / "a.xlsx")
    with open_source(path) as source:
        rows = source.read_values("deltagare ")
    assert rows[3][2:4] == ["DeltagarID", "GruppID"] and rows[4][2] == "D1"


def test_calamine_reads_an_ods_converted_by_libreoffice(tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.fail("LibreOffice (soffice) is part of this project's environment")
    src = _write_openpyxl(tmp_path / "bok.xlsx")
    subprocess.run([soffice, "--headless", "--convert-to", "ods", "--outdir", str(tmp_path), str(src)],
                   check=True, capture_output=True, timeout=120)
    with open_source(tmp_path / "bok.ods") as source:
        data = parse_workbook(source)
    assert list(data.groups["group_id"]) == ["K2", "P2"]
    assert list(data.attendance["date"]) == [D(2019, 9, 2)] * 2


# -- an OLE compound file holding EncryptionInfo + EncryptedPackage streams (zeros), which is how Excel
# stores a password-protected .xlsx; made once with ms-cfb (which writes scratch files into the cwd) --
ENCRYPTED = Path(__file__).parent / "data" / "reading" / "encrypted.xlsx"


@pytest.mark.parametrize(("case", "needle"), [
    ("missing", "finns inte"),
    ("directory", "är en mapp"),
    ("empty", "är tom"),
    ("random", "ingen Excel-arbetsbok eller är skadad"),
    ("zip_not_workbook", "ingen Excel-arbetsbok eller är skadad"),
    ("csv", "format som inte kan läsas"),
    ("encrypted", "lösenordsskyddad"),
])
def test_open_source_explains_unusable_files_in_one_swedish_sentence(tmp_path: Path, case: str,
                                                                     needle: str) -> None:
    path = tmp_path / ("data.csv" if case == "csv" else "bok.xlsx")
    if case == "directory":
        path.mkdir()
    elif case == "empty":
        path.write_bytes(b"")
    elif case == "random":
        path.write_bytes(random.Random(1).randbytes(3000))
    elif case == "zip_not_workbook":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hej.txt", "inte en arbetsbok")
    elif case == "csv":
        path.write_text("GruppID;Kommun\nK2;Klippan\n", encoding="utf-8")
    elif case == "encrypted":
        shutil.copy(ENCRYPTED, path)
    with pytest.raises(WorkbookError) as info:
        open_source(path)
    message = str(info.value)
    assert needle in message
    # -- one sentence: ends with a full stop, and no full stop starts a new capitalised sentence --
    assert message.endswith(".") and "\n" not in message
    assert re.search(r"\.\s+[A-ZÅÄÖ]", message) is None
    assert not any(word in message for word in ("Zip", "EOCD", "error", "os error", "Cannot"))


def test_error_cells_in_an_xlsx_become_problems_although_calamine_hides_them(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Grupper"
    for row in GROUPS:
        ws.append(row)
    ws2 = wb.create_sheet("Deltagare")
    ws2.append(["DeltagarID", "GruppID", "Startdatum"])
    ws2.append(["D1", "K2", "#REF!"])  # -- openpyxl stores a known error text as an error cell (t="e") --
    ws2.append(["D2", "P2", None])
    wb.save(tmp_path / "fel.xlsx")
    with open_source(tmp_path / "fel.xlsx") as source:
        data = parse_workbook(source)
    [p] = [p for p in data.problems if p.sheet == "Deltagare"]
    assert (p.row, p.column, p.value, p.group_id) == (2, "Startdatum", "#REF!", "K2")
    assert "#REF!" in p.message


@pytest.mark.parametrize("chunk_size", [1, 3, 7, 64, 1 << 20])
def test_the_error_cell_scan_finds_a_mark_split_across_chunks(tmp_path: Path, chunk_size: int) -> None:
    from xlpy.io.xlsx_cells import scan_sheet

    def _has_error_mark(z: zipfile.ZipFile, part: str, size: int) -> bool:
        return scan_sheet(z, part, size).has_errors

    # -- the scan inflates a sheet a chunk at a time, so a mark may straddle two chunks --
    body = b'<c r="A1"><v>1</v></c>' * 50
    with zipfile.ZipFile(tmp_path / "a.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("with.xml", body + b'<c r="B9" t="e"><v>#REF!</v></c>' + body)
        z.writestr("single.xml", body + b"<c r='B9' t='e'><v>#N/A</v></c>")
        z.writestr("without.xml", body + b'<c r="B9" t="s"><v>0</v></c>')
    with zipfile.ZipFile(tmp_path / "a.zip") as z:
        assert _has_error_mark(z, "with.xml", chunk_size)
        assert _has_error_mark(z, "single.xml", chunk_size)
        assert not _has_error_mark(z, "without.xml", chunk_size)
