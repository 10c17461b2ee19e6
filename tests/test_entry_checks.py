"""Data-entry mistakes that used to pass silently become warnings naming the row (issue #10, defect 6),
and an Excel Table's totals row is not read as data."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl.worksheet.table import Table, TableColumn

from xlpy import jobs
from xlpy.cli import main
from xlpy.intake.reading import parse_workbook
from xlpy.io.memory import MemoryWorkbook

D = dt.date
START, END = D(2019, 9, 2), D(2019, 10, 25)
REPORT_END = D(2019, 12, 31)  # -- eight weeks, Monday 2 September to Friday 25 October --
ATT_HEAD = ["DeltagarID", "Datum", "Status"]


def mondays(n: int) -> list[dt.date]:
    return [START + dt.timedelta(weeks=i) for i in range(n)]


def book(attendance: list[list[object]], outcomes: list[list[object]], internships: list[list[object]],
         participants: list[list[object]] | None = None, report_end: dt.date = REPORT_END,
         internship_weeks: int = 2) -> MemoryWorkbook:
    return MemoryWorkbook({
        "Inställningar": [["Nyckel", "Värde"], ["Rapportperiod slut", report_end]],
        "Grupper": [["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum", "Praktikveckor"],
                    ["K2", "Klippan", 2, START, END, internship_weeks]],
        "Deltagare": participants or [["DeltagarID", "GruppID", "Startdatum", "Slutdatum"],
                                      ["D1", "K2", None, None], ["D2", "K2", None, None]],
        "Närvaro": [ATT_HEAD, *attendance],
        "Utfall": [["DeltagarID", "Datum", "Utfall"], *outcomes],
        "Praktik": [["DeltagarID", "Period", "Erbjuden"], *internships],
    })


def clean_attendance(weeks: int = 8) -> list[list[object]]:
    return [[pid, m, "N"] for m in mondays(weeks) for pid in ("D1", "D2")]


OUTCOMES = [["D1", D(2019, 11, 1), "Arbete"], ["D2", D(2019, 11, 1), "Studier"]]
INTERNSHIPS = [["D1", 1, "ja"], ["D2", 1, "ja"]]


def warnings(wb: MemoryWorkbook) -> list[tuple[str, int | None, str]]:
    data = parse_workbook(wb)
    return [(p.sheet, p.row, p.message) for p in data.problems if p.severity == "varning"
            and "Bladet" not in p.message]


def test_a_complete_ended_group_gives_no_warning() -> None:
    assert warnings(book(clean_attendance(), OUTCOMES, INTERNSHIPS)) == []


def test_attendance_outside_the_participants_own_dates_names_every_row() -> None:
    participants = [["DeltagarID", "GruppID", "Startdatum", "Slutdatum"],
                    ["D1", "K2", None, D(2019, 9, 20)], ["D2", "K2", D(2019, 9, 16), None]]
    found = warnings(book(clean_attendance(), OUTCOMES, INTERNSHIPS, participants=participants))
    after = [w for w in found if "efter deltagarens egen Slutdatum" in w[2]]
    before = [w for w in found if "före deltagarens egen Startdatum" in w[2]]
    # -- D1's rows for the weeks of 23 Sep .. 21 Oct are rows 8, 10, 12, 14, 16; D2's of 2 and 9 Sep rows 3, 5 --
    assert [(s, r) for s, r, _ in after] == [("Närvaro", 8)] and "5 rader: 8, 10, 12, 14 och 16" in after[0][2]
    assert [(s, r) for s, r, _ in before] == [("Närvaro", 3)] and "2 rader: 3 och 5" in before[0][2]


def test_more_empty_weeks_than_internship_weeks_names_the_weeks() -> None:
    # -- weeks 36..43; nothing entered in weeks 39, 40 and 41, and Praktikveckor is 2 --
    att = [row for row in clean_attendance() if row[1] not in mondays(8)[3:6]]
    [w] = warnings(book(att, OUTCOMES, INTERNSHIPS))
    assert w[:2] == ("Grupper", 2)
    assert "3 av 8 veckor (vecka 39, 40 och 41)" in w[2] and "Praktikveckor är 2" in w[2]
    # -- two empty weeks are the two internship weeks: no warning --
    att2 = [row for row in clean_attendance() if row[1] not in mondays(8)[3:5]]
    assert warnings(book(att2, OUTCOMES, INTERNSHIPS)) == []


def test_a_participant_of_an_ended_group_without_utfall_is_named() -> None:
    [w] = warnings(book(clean_attendance(), OUTCOMES[:1], INTERNSHIPS))
    assert w[:2] == ("Deltagare", 3) and "ingen rad i Utfall" in w[2]


def test_an_ended_group_without_praktik_rows_is_named() -> None:
    [w] = warnings(book(clean_attendance(), OUTCOMES, []))
    assert w[:2] == ("Grupper", 2) and "Praktik" in w[2]
    # -- unless the group has no internship weeks --
    assert warnings(book(clean_attendance(), OUTCOMES, [], internship_weeks=0)) == []


def test_an_ongoing_group_is_not_checked_for_what_comes_at_its_end() -> None:
    assert warnings(book(clean_attendance(3), [], [], report_end=D(2019, 9, 22))) == []


def test_an_excel_tables_totals_row_is_not_read_as_data(tmp_path: Path) -> None:
    path = tmp_path / "tabell.xlsx"
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = {
        "Inställningar": [["Nyckel", "Värde"], ["Rapportperiod slut", D(2019, 12, 31)]],
        "Grupper": [["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"], ["K2", "Klippan", 2, START, END]],
        "Deltagare": [["DeltagarID", "GruppID"], ["D1", "K2"], ["D2", "K2"]],
        "Närvaro": [ATT_HEAD, *clean_attendance()],
    }
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r in rows:
            ws.append(r)
    ws = wb["Närvaro"]
    last = ws.max_row + 1
    ws.cell(last, 1, "Summa")
    ws.cell(last, 3, f"=SUBTOTAL(103,C2:C{last - 1})")
    table = Table(displayName="Narvaro", ref=f"A1:C{last}", totalsRowCount=1)
    table.tableColumns = [TableColumn(id=1, name="DeltagarID", totalsRowLabel="Summa"),
                          TableColumn(id=2, name="Datum"), TableColumn(id=3, name="Status", totalsRowFunction="count")]
    ws.add_table(table)
    wb.save(path)
    data = jobs.check_file(path).data
    assert not [p for p in data.problems if p.sheet == "Närvaro"], data.problems
    assert len(data.attendance) == 16
    assert main(["check", str(path)]) == 0
    assert not [p for p in data.problems if p.severity == "fel"]


def _weeks_day_by_day(start: dt.date, end: dt.date) -> list[dt.date]:
    # -- the definition, spelled out: a Monday counts when one of its Monday–Friday in [start, end] is
    #    not in the Christmas break --
    from xlpy.intake.entry_checks import _christmas

    monday, weeks = start - dt.timedelta(days=start.weekday()), []
    while monday <= end:
        days = [monday + dt.timedelta(days=i) for i in range(5)]
        if any(start <= d <= end and not _christmas(d) for d in days):
            weeks.append(monday)
        monday += dt.timedelta(days=7)
    return weeks


@settings(max_examples=500, deadline=None)
@given(st.dates(dt.date(2015, 1, 1), dt.date(2030, 12, 31)), st.integers(-3, 70))
def test_scheduled_weeks_are_the_day_by_day_definition(start: dt.date, days: int) -> None:
    from xlpy.intake.entry_checks import _weeks

    end = start + dt.timedelta(days=days)
    assert _weeks(start, end) == _weeks_day_by_day(start, end)


def test_a_week_wholly_in_the_christmas_break_is_not_scheduled() -> None:
    from xlpy.intake.entry_checks import _weeks

    assert _weeks(dt.date(2019, 12, 23), dt.date(2020, 1, 10)) == [dt.date(2019, 12, 23), dt.date(2019, 12, 30),
                                                                   dt.date(2020, 1, 6)]
    assert _weeks(dt.date(2019, 12, 30), dt.date(2020, 1, 1)) == []
