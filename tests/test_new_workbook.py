"""A new workbook made by xlpy.workbook_template: sheets, Tables, drop-downs, formats, defaults, and that
openpyxl, python-calamine and LibreOffice all open it."""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from tests.libreoffice import needs_soffice, soffice_pdf
from xlpy import spec
from xlpy.example import build_example, example_data
from xlpy.workbook_template import (
    DEFAULT_GOALS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    VALIDATION_LAST_ROW,
    create_workbook,
    table_name,
)

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def empty_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("new") / "mall.xlsx"
    create_workbook(path)
    return path


@pytest.fixture(scope="module")
def empty_wb(empty_path):
    return openpyxl.load_workbook(empty_path)


@pytest.fixture(scope="module")
def example_path(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("example") / "exempel.xlsx"
    build_example(path)
    return path


@pytest.fixture(scope="module")
def example_wb(example_path):
    return openpyxl.load_workbook(example_path)


def _validation_for(ws, cell: str):
    hits = [dv for dv in ws.data_validations.dataValidation if cell in dv.sqref]
    assert len(hits) <= 1, f"{ws.title}!{cell} has {len(hits)} validations"
    return hits[0] if hits else None


def test_every_input_sheet_is_present_in_contract_order(empty_wb):
    assert empty_wb.sheetnames == [s.name for s in spec.INPUT_SHEETS]


@pytest.mark.parametrize("sheet", spec.INPUT_SHEETS, ids=lambda s: s.key)
def test_headers_are_on_row_2_inside_a_named_table(empty_wb, sheet):
    ws = empty_wb[sheet.name]
    headers = [c.value for c in ws[HEADER_ROW]][: len(sheet.columns)]
    assert headers == [c.header for c in sheet.columns]
    assert ws["A1"].value == sheet.instruction and ws["A1"].font.italic
    assert all(c.font.bold for c in ws[HEADER_ROW][: len(sheet.columns)])
    assert list(ws.tables) == [table_name(sheet)]
    table = ws.tables[table_name(sheet)]
    first, last = table.ref.split(":")
    assert first == f"A{HEADER_ROW}"
    assert int("".join(ch for ch in last if ch.isdigit())) >= FIRST_DATA_ROW
    assert [c.name for c in table.tableColumns] == [c.header for c in sheet.columns]
    assert ws.freeze_panes == f"A{FIRST_DATA_ROW}"


def test_table_names_are_ascii_versions_of_sheet_names():
    names = [table_name(s) for s in spec.INPUT_SHEETS]
    assert names[:3] == ["tblInstallningar", "tblMal", "tblGrupper"]
    assert all(n.isascii() and n.isalnum() for n in names)


def test_column_widths_come_from_the_contract(empty_wb):
    ws = empty_wb[spec.TEXTS.name]
    assert ws.column_dimensions["B"].width == spec.TEXTS.column("text").width
    for sheet in spec.INPUT_SHEETS:
        ws = empty_wb[sheet.name]
        for i, col in enumerate(sheet.columns, start=1):
            assert ws.column_dimensions[openpyxl.utils.get_column_letter(i)].width >= col.width


@pytest.mark.parametrize("sheet", spec.INPUT_SHEETS, ids=lambda s: s.key)
def test_drop_downs_on_every_column_with_allowed_values(empty_wb, sheet):
    ws = empty_wb[sheet.name]
    for i, col in enumerate(sheet.columns, start=1):
        letter = openpyxl.utils.get_column_letter(i)
        dv = _validation_for(ws, f"{letter}{FIRST_DATA_ROW}")
        if col.kind == "yesno":
            expected = '"ja,nej"'
        elif col.kind == "choice":
            expected = '"' + ",".join(col.choices) + '"'
        elif col.key == "group_id" and sheet.key in ("staff", "participants"):
            expected = "lstGruppID"
        elif col.key == "participant_id" and sheet.key in ("attendance", "internships", "outcomes"):
            expected = "lstDeltagarID"
        else:
            continue
        assert dv is not None, f"{sheet.name}: no drop-down on {col.header}"
        assert dv.type == "list" and dv.formula1 == expected
        assert dv.showErrorMessage and dv.error and dv.errorStyle in ("stop", "warning")
        assert f"{letter}{VALIDATION_LAST_ROW}" in dv.sqref or sheet.key == "attendance"


def test_attendance_status_refuses_other_values_and_reaches_far_down(empty_wb):
    dv = _validation_for(empty_wb[spec.ATTENDANCE.name], "C3")
    assert dv.formula1 == '"N,F,G"' and dv.errorStyle == "stop"
    assert "C100000" in dv.sqref
    assert "närvarande" not in dv.error and "N, F, G" in dv.error


def test_code_lists_are_defined_names_over_the_id_columns(empty_wb):
    names = empty_wb.defined_names
    assert names["lstGruppID"].attr_text == "'Grupper'!$A$3:$A$2000"
    assert names["lstDeltagarID"].attr_text == "'Deltagare'!$A$3:$A$2000"


def test_giltig_franvaro_setting_has_its_own_drop_down(empty_wb):
    ws = empty_wb[spec.SETTINGS.name]
    row = next(r for r in range(FIRST_DATA_ROW, ws.max_row + 1) if ws.cell(r, 1).value == "Giltig frånvaro")
    dv = _validation_for(ws, f"B{row}")
    assert dv.formula1 == '"frånvaro,exkludera"'
    assert _validation_for(ws, f"B{row - 1}") is None


def test_goals_sheet_holds_the_seed_goals_m1_to_m9(empty_wb):
    ws = empty_wb[spec.GOALS.name]
    rows = list(ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True))
    assert [r[0] for r in rows] == [f"M{i}" for i in range(1, 10)]
    assert all(r[6] == "ja" for r in rows)
    assert rows[0][2:5] == ("narvaro", ">=", 0.8)
    assert rows[1][2:6] == ("gruppstorlek", "mellan", 5, 10)
    assert len(DEFAULT_GOALS) == 9


def test_settings_sheet_holds_every_setting_with_default_and_help(empty_wb):
    ws = empty_wb[spec.SETTINGS.name]
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)}
    assert list(rows) == [s.name for s in spec.SETTING_DEFS]
    for s in spec.SETTING_DEFS:
        value, comment = rows[s.name]
        assert comment == s.help
        assert value == (None if s.default in (None, "") else s.default)
    assert isinstance(rows["Reala kostnader per person och år"][0], int)


def test_money_settings_and_dates_carry_number_formats(example_wb):
    ws = example_wb[spec.SETTINGS.name]
    cells = {ws.cell(r, 1).value: ws.cell(r, 2) for r in range(FIRST_DATA_ROW, ws.max_row + 1)}
    assert cells["Månadslön vid arbete"].number_format == "#,##0"
    assert cells["Rapportperiod slut"].number_format == "yyyy-mm-dd"
    assert cells["Rapportperiod slut"].value == dt.datetime(2020, 2, 1)


def test_date_and_percent_columns_are_formatted_also_for_rows_typed_later(empty_wb, example_wb):
    assert empty_wb[spec.GROUPS.name].column_dimensions["E"].number_format == "yyyy-mm-dd"
    assert empty_wb[spec.STAFF.name].column_dimensions["C"].number_format == "0%"
    staff = example_wb[spec.STAFF.name]
    assert staff["C3"].value == 0.5 and staff["C3"].number_format == "0%"
    groups = example_wb[spec.GROUPS.name]
    assert groups["E3"].number_format == "yyyy-mm-dd" and groups["E3"].value == dt.datetime(2019, 4, 1)


def test_empty_workbook_tables_have_one_empty_row_to_type_into(empty_wb):
    ws = empty_wb[spec.GROUPS.name]
    assert ws.tables[table_name(spec.GROUPS)].ref == "A2:K3"
    assert all(c.value is None for c in ws[FIRST_DATA_ROW])


def test_example_tables_cover_exactly_the_data_rows(example_wb):
    data = example_data()
    for sheet in spec.INPUT_SHEETS:
        ws = example_wb[sheet.name]
        ref = ws.tables[table_name(sheet)].ref
        # -- an empty sheet (Kostnadsposter, Budget) keeps one empty row to type into --
        assert ref.endswith(str(HEADER_ROW + max(len(data[sheet.key]), 1))), (sheet.name, ref)


def test_values_are_stored_as_real_types(example_wb):
    ws = example_wb[spec.ATTENDANCE.name]
    assert isinstance(ws["B3"].value, dt.datetime)
    assert ws["A3"].value == "K1-01" and ws["C3"].value in spec.ATTENDANCE_STATUSES
    stats = example_wb[spec.STATISTICS.name]
    assert stats["A3"].value == dt.datetime(2018, 9, 1) and stats["C3"].value == 57


def test_document_properties_name_no_person_and_have_fixed_times(empty_wb):
    props = empty_wb.properties
    assert props.creator == "Första Steget" and props.lastModifiedBy == "Första Steget"
    assert props.created == props.modified == dt.datetime(2019, 1, 1)


def test_building_twice_gives_identical_bytes(tmp_path):
    first, second = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    build_example(first)
    build_example(second)
    assert first.read_bytes() == second.read_bytes()


def test_package_entries_carry_the_fixed_timestamp(empty_path):
    with zipfile.ZipFile(empty_path) as z:
        assert {info.date_time for info in z.infolist()} == {(2019, 1, 1, 0, 0, 0)}
        assert z.testzip() is None


def test_calamine_reads_the_example_values(example_path):
    wb = CalamineWorkbook.from_path(str(example_path))
    assert wb.sheet_names == [s.name for s in spec.INPUT_SHEETS]
    rows = wb.get_sheet_by_name(spec.PARTICIPANTS.name).to_python()
    assert rows[HEADER_ROW - 1][:2] == ["DeltagarID", "GruppID"]
    assert len([r for r in rows[FIRST_DATA_ROW - 1:] if r[0]]) == 54
    assert rows[FIRST_DATA_ROW - 1][2] == dt.date(2019, 4, 1)


@pytest.mark.parametrize("name, builder", [
    ("forsta_steget_exempel.xlsx", lambda p: build_example(p)),
    ("forsta_steget_mall.xlsx", lambda p: create_workbook(p)),
])
def test_committed_workbooks_match_what_the_code_builds(tmp_path, name, builder):
    fresh = tmp_path / name
    builder(fresh)
    committed = CalamineWorkbook.from_path(str(REPO / "workbook" / name))
    rebuilt = CalamineWorkbook.from_path(str(fresh))
    assert committed.sheet_names == rebuilt.sheet_names
    for sheet in rebuilt.sheet_names:
        assert committed.get_sheet_by_name(sheet).to_python() == rebuilt.get_sheet_by_name(sheet).to_python(), (
            f"{name}: sheet {sheet} differs; rebuild with "
            "`python -m xlpy.example workbook/forsta_steget_exempel.xlsx workbook/forsta_steget_mall.xlsx`")


@needs_soffice
def test_libreoffice_converts_the_example_to_pdf_without_repair(example_path, tmp_path):
    pdf = soffice_pdf(example_path, tmp_path)
    assert pdf.stat().st_size > 10_000
