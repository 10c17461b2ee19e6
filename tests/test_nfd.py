"""Decomposed Unicode (NFD, as a Mac may store it): sheet names, headers, values and lock files are
matched in composed form (NFC), so "Na\u0308rvaro" is the Närvaro sheet (issue #10, defect 3)."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import openpyxl
import pytest

from xlpy import jobs
from xlpy.intake.reading import parse_workbook
from xlpy.io.base import WorkbookError
from xlpy.io.calamine_backend import open_source
from xlpy.io.memory import MemoryWorkbook
from xlpy.io.safety import check_not_open

D = dt.date


def nfd(text: str) -> str:
    out = unicodedata.normalize("NFD", text)
    assert out != text or text.isascii()
    return out


def sheets(decompose: bool) -> dict[str, list[list[object]]]:
    f = nfd if decompose else (lambda t: t)
    return {
        f("Inställningar"): [["Nyckel", "Värde"], [f("Rapportperiod slut"), D(2019, 12, 31)],
                             [f("Projektnamn"), f("Första Steget Åstorp")]],
        f("Mål"): [[f("MålID"), "Beskrivning", f("Mått"), f("Jämförelse"), f("Målvärde")],
                   ["M1", f("Närvaro"), "narvaro", ">=", 0.5]],
        "Grupper": [["GruppID", "Kommun", "Gruppnummer", "Termin", "Startdatum", "Slutdatum"],
                    ["K2", "Klippan", 2, f("höst"), D(2019, 9, 2), D(2019, 12, 19)],
                    ["K3", "Klippan", 3, f("vår"), D(2019, 1, 7), D(2019, 5, 20)]],
        "Personal": [["GruppID", "Roll", f("Tjänstgöringsgrad")], ["K2", f("språkstöd"), 50]],
        "Deltagare": [["DeltagarID", "GruppID"], ["D1", "K2"], [f("DÅ2"), "K2"]],
        f("Närvaro"): [["DeltagarID", "Datum", "Status"], ["D1", D(2019, 9, 2), "N"],
                       [f("DÅ2"), D(2019, 9, 2), f("frånvarande")]],
    }


def test_nfd_sheet_names_headers_and_values_read_like_nfc() -> None:
    composed = parse_workbook(MemoryWorkbook(sheets(decompose=False)))
    decomposed = parse_workbook(MemoryWorkbook(sheets(decompose=True)))
    missing = {p.sheet for p in decomposed.problems if "saknas" in p.message}
    assert missing == {"Praktik", "Utfall", "Statistik", "Texter", "Uppföljning"}
    assert len(decomposed.attendance) == 2
    assert list(decomposed.attendance["status"]) == ["N", "F"]
    # -- a DeltagarID typed once composed and once decomposed is the same participant --
    assert set(decomposed.attendance["participant_id"]) == {"D1", "DÅ2"}
    assert decomposed.settings.report_end == D(2019, 12, 31)
    assert decomposed.settings.project_name == "Första Steget Åstorp"
    assert list(decomposed.goals["goal_id"]) == ["M1"] and decomposed.goals["target"].iloc[0] == 0.5
    assert list(decomposed.groups["term"]) == ["höst", "vår"]
    assert list(decomposed.staff["role"]) == ["språkstöd"]
    assert [p.message for p in decomposed.problems] == [p.message for p in composed.problems]


def _write_file(path: Path) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets(decompose=True).items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    # -- an output sheet from an earlier run on a Mac, stored decomposed --
    wb.create_sheet(nfd("Måluppfyllelse")).append(["gammalt"])
    wb.save(path)
    return path


def test_nfd_workbook_file_is_read_and_its_output_sheet_replaced_not_doubled(tmp_path: Path) -> None:
    path = _write_file(tmp_path / "mac.xlsx")
    outcome = jobs.recalc_file(path)
    assert len(outcome.data.attendance) == 2
    names = open_source(path).sheet_names()
    keys = [unicodedata.normalize("NFC", n) for n in names]
    assert keys.count("Måluppfyllelse") == 1, names
    assert keys.count("Närvaro") == 1


@pytest.mark.parametrize("owner", ["~$", ".~lock."])
def test_lock_file_in_the_other_composition_is_found(tmp_path: Path, owner: str) -> None:
    path = tmp_path / "Närvaro 2019.xlsx"
    path.write_bytes(b"x")
    lock = owner + nfd("Närvaro 2019.xlsx") + ("#" if owner == ".~lock." else "")
    (tmp_path / lock).write_bytes(b"")
    if len(list(tmp_path.iterdir())) < 2:
        pytest.skip("the file system normalises names itself")
    with pytest.raises(WorkbookError, match="är öppen i"):
        check_not_open(path)
