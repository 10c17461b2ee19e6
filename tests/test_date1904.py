"""The 1904 date system (<workbookPr date1904="1">, older Mac workbooks): dates are read and written in
the workbook's own system (issue #10, defect 4). Each test runs on files saved both ways."""

from __future__ import annotations

import csv
import datetime as dt
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900

from tests.libreoffice import needs_soffice
from xlpy import jobs
from xlpy.io.calamine_backend import open_source
from xlpy.io.xlsx_package import write_copy
from xlpy.model import OutCell, OutputSheet

D = dt.date
START, END = D(2019, 4, 1), D(2019, 6, 14)


def build(path: Path, date1904: bool, serial_cells: bool = False) -> Path:
    """A small workbook in the given date system. serial_cells: the group's dates typed as bare serial
    numbers of that system (a date column formatted General), not as date cells."""
    wb = openpyxl.Workbook()
    wb.epoch = CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900
    wb.remove(wb.active)
    offset = 1462 if date1904 else 0

    def cell(d: dt.date) -> object:
        return (d - D(1899, 12, 30)).days - offset if serial_cells else d

    rows = {
        "Inställningar": [["Nyckel", "Värde"], ["Rapportperiod slut", cell(D(2019, 12, 31))]],
        "Grupper": [["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"],
                    ["K1", "Klippan", 1, cell(START), cell(END)]],
        "Deltagare": [["DeltagarID", "GruppID"], ["D1", "K1"], ["D2", "K1"]],
        "Närvaro": [["DeltagarID", "Datum", "Status"], ["D1", cell(START), "N"], ["D2", cell(START), "F"],
                    ["D1", cell(D(2019, 4, 2)), "N"]],
    }
    for name, values in rows.items():
        ws = wb.create_sheet(name)
        for r in values:
            ws.append(r)
    wb.save(path)
    flag = b'date1904="1"' in zipfile.ZipFile(path).read("xl/workbook.xml")
    assert flag == date1904
    return path


def resultat_dates(path: Path) -> list[tuple[object, object]]:
    rows = open_source(path).read_values("Resultat")
    return [(r[2], r[3]) for r in rows if len(r) > 3 and r[0] == "Grupp"]


@pytest.mark.parametrize("date1904", [False, True])
@pytest.mark.parametrize("serial_cells", [False, True])
def test_dates_are_read_in_the_workbooks_own_system(tmp_path: Path, date1904: bool, serial_cells: bool) -> None:
    path = build(tmp_path / "b.xlsx", date1904, serial_cells)
    data = jobs.check_file(path).data
    assert list(data.groups["start"]) == [START] and list(data.groups["end"]) == [END]
    assert data.settings.report_end == D(2019, 12, 31)
    assert not [p for p in data.problems if p.sheet == "Närvaro"], data.problems
    assert len(data.attendance) == 3


@pytest.mark.parametrize("date1904", [False, True])
def test_resultat_shows_the_typed_date_read_back_through_calamine(tmp_path: Path, date1904: bool) -> None:
    path = build(tmp_path / "b.xlsx", date1904)
    jobs.recalc_file(path)
    assert resultat_dates(path) == [(START, END)]
    # -- openpyxl reads the serials in the workbook's own system as well --
    ws = openpyxl.load_workbook(path)["Resultat"]
    found = [(r[2], r[3]) for r in ws.iter_rows(values_only=True) if len(r) > 3 and r[0] == "Grupp"]
    assert [(a.date(), b.date()) for a, b in found] == [(START, END)]


@needs_soffice
@pytest.mark.parametrize("date1904", [False, True])
def test_resultat_shows_the_typed_date_in_libreoffice(tmp_path: Path, date1904: bool) -> None:
    path = build(tmp_path / "b.xlsx", date1904)
    jobs.recalc_file(path)
    out = tmp_path / "csv"
    # -- sheet -1: every sheet to its own <stem>-<sheet>.csv (LibreOffice 7.2 and later) --
    result = subprocess.run(
        ["soffice", f"-env:UserInstallation={(tmp_path / 'lo').as_uri()}", "--headless", "--convert-to",
         "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
         "--outdir", str(out), str(path)], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    with (out / "b-Resultat.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.reader(fh) if len(r) > 3 and r[0] == "Grupp"]
    assert [(r[2], r[3]) for r in rows] == [("2019-04-01", "2019-06-14")]


def test_a_new_workbook_in_the_1904_system_holds_its_serials_in_it(tmp_path: Path) -> None:
    # -- the temporary workbook Excel copies cells from must count like the user's workbook --
    sheet = OutputSheet("Resultat", [[OutCell(START, "date"), OutCell(D(1903, 12, 31), "date")]])
    for date1904, serial in ((False, "43556"), (True, "42094")):
        path = tmp_path / f"n{date1904}.xlsx"
        write_copy(None, path, [sheet], date1904=date1904)
        assert open_source(path).read_values("Resultat")[0][0] == START
        xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
        assert f"<v>{serial}</v>" in xml
        # -- a date the 1904 system cannot hold is written as its ISO text, never as a wrong date --
        assert ("1903-12-31" in xml) == date1904
