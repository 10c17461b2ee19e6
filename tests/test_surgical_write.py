"""The xlsx package writer changes the output sheets and nothing else: every other zip entry keeps its
bytes, existing styles keep their positions, VBA survives, and readers (openpyxl, calamine, LibreOffice)
accept the result. Also determinism, in-place replacement and write_copy."""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter
from lxml import etree
from oletools.olevba import VBA_Parser
from python_calamine import CalamineWorkbook

from tests.fixtures_workbooks import (
    VBA_MODULES,
    build_rich_workbook,
    sample_sheets,
    zip_contents,
    zip_raw,
)
from tests.libreoffice import needs_pdftotext, needs_soffice, pdf_text, soffice_pdf
from xlpy.io.base import WorkbookError, WorkbookSink
from xlpy.io.xlsx_package import XlsxPackageSink, write_copy
from xlpy.io.xlsx_sheetxml import excel_serial, worksheet_xml
from xlpy.model import STYLES, OutCell, OutputSheet

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
OUTPUT_NAMES = ["Resultat", "Måluppfyllelse", "Samhällskostnad", "Kontroll"]
# -- the parts the writer may change when it adds sheets --
OWNED = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}


@pytest.fixture(scope="module")
def rich_original(tmp_path_factory) -> Path:
    return build_rich_workbook(tmp_path_factory.mktemp("rich") / "uppfoljning.xlsm")


@pytest.fixture
def rich(rich_original, tmp_path) -> Path:
    copy = tmp_path / "uppfoljning.xlsm"
    shutil.copy(rich_original, copy)
    return copy


@pytest.fixture
def written(rich) -> Path:
    XlsxPackageSink(rich).write_sheets(sample_sheets())
    return rich


def sheet_parts(path: Path) -> dict[str, str]:
    """Sheet name -> worksheet part name, from workbook.xml and its relationships."""
    with zipfile.ZipFile(path) as zf:
        wb = etree.fromstring(zf.read("xl/workbook.xml"))
        rels = etree.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): "xl/" + r.get("Target") for r in rels}
    rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
    return {s.get("name"): targets[s.get(rid)] for s in wb.find("m:sheets", NS)}


def sheet_names(path: Path) -> list[str]:
    return list(sheet_parts(path))


def test_the_sink_implements_the_workbook_sink_protocol(tmp_path):
    assert isinstance(XlsxPackageSink(tmp_path / "x.xlsx"), WorkbookSink)


def test_round_trip_keeps_every_part_it_does_not_own_byte_identical(rich_original, written):
    before, after = zip_contents(rich_original), zip_contents(written)
    new_parts = {sheet_parts(written)[name] for name in OUTPUT_NAMES}
    assert list(after)[: len(before)] == list(before), "existing entries keep their order"
    assert set(after) - set(before) == new_parts
    changed = {name for name in before if before[name] != after[name]}
    assert changed <= OWNED
    # -- the compressed bytes were copied, not re-deflated: same CRC, compressed size and timestamp --
    raw_before, raw_after = zip_raw(rich_original), zip_raw(written)
    assert {n: raw_after[n] for n in before if n not in changed} == {
        n: raw_before[n] for n in before if n not in changed}
    assert b"sharedStrings" in after["[Content_Types].xml"] and before["xl/sharedStrings.xml"] == after[
        "xl/sharedStrings.xml"]


def test_existing_styles_are_a_prefix_of_the_new_ones(rich_original, written):
    old = etree.fromstring(zip_contents(rich_original)["xl/styles.xml"])
    new = etree.fromstring(zip_contents(written)["xl/styles.xml"])
    for collection in ("numFmts", "fonts", "fills", "borders", "cellStyleXfs", "cellXfs", "cellStyles", "dxfs"):
        old_el = old.find(f"m:{collection}", NS)
        old_items = [etree.tostring(e) for e in (old_el if old_el is not None else [])]
        new_el = new.find(f"m:{collection}", NS)
        new_items = [etree.tostring(e) for e in (new_el if new_el is not None else [])]
        assert new_items[: len(old_items)] == old_items, collection
        if new_el is not None:
            assert new_el.get("count") == str(len(new_items)), collection
    assert len(new.find("m:cellXfs", NS)) > len(old.find("m:cellXfs", NS))


def test_vba_project_and_its_modules_survive(rich_original, written):
    def modules(path: Path) -> dict[str, str]:
        parser = VBA_Parser(str(path))
        try:
            return {stream.split("/")[-1]: code for _f, stream, _n, code in parser.extract_macros()}
        finally:
            parser.close()

    before, after = modules(rich_original), modules(written)
    assert set(before) == set(VBA_MODULES)
    assert after == before
    assert zip_contents(written)["xl/vbaProject.bin"] == zip_contents(rich_original)["xl/vbaProject.bin"]


def test_openpyxl_and_calamine_read_the_output_values(written):
    wb = openpyxl.load_workbook(written, keep_vba=True)
    assert wb.sheetnames == ["Deltagare", "Inställningar", *OUTPUT_NAMES]
    res = wb["Resultat"]
    assert res["A1"].value == "Resultat per grupp" and res["A1"].font.b and res["A1"].font.sz == 14
    assert res["B5"].value == dt.datetime(2019, 2, 4) and res["B5"].number_format == "yyyy-mm-dd"
    assert res["F5"].value == 1520000 and res["F5"].number_format == '#,##0" kr"'
    assert res["D5"].number_format == "0%" and res["E5"].number_format == "0.0 %"
    assert res.freeze_panes == "A5"
    assert res.column_dimensions["A"].width == 22
    status = wb["Måluppfyllelse"]["E4"]
    assert status.value == "Uppfyllt" and status.fill.fgColor.rgb == "FFC6EFCE"
    assert status.font.color.rgb == "FF006100"
    # -- keep_vba leaves an in-memory zip open; closed here, or the collector may finalise it after its
    #    buffer at interpreter exit ("Exception ignored in ZipFile.__del__") --
    wb.vba_archive.close()

    cal = CalamineWorkbook.from_path(str(written))
    assert cal.sheet_names == ["Deltagare", "Inställningar", *OUTPUT_NAMES]
    rows = cal.get_sheet_by_name("Samhällskostnad").to_python()
    assert rows[3] == ["År", "Kostnad per år", "Ackumulerat"]
    assert rows[-1] == [4, 1520000, 6080000]
    # -- calamine, like Excel, decodes the _xHHHH_ escapes (openpyxl does not) --
    assert cal.get_sheet_by_name("Kontroll").to_python()[4][4:] == [
        "_x0041_ & <tag>", "Text med tecken som måste skyddas: \x07 & < >."]
    # -- the user's own sheet still reads the same --
    assert cal.get_sheet_by_name("Deltagare").to_python()[1][:2] == ["D01", "K1"]


@needs_soffice
@needs_pdftotext
def test_libreoffice_converts_the_result_to_pdf(written, tmp_path):
    text = pdf_text(soffice_pdf(written, tmp_path))
    assert "Ej uppfyllt" in text and "Klippan grupp 2" in text


def test_writing_twice_gives_identical_bytes(written, tmp_path):
    first = written.read_bytes()
    XlsxPackageSink(written).write_sheets(sample_sheets())
    assert written.read_bytes() == first


def test_the_same_sheets_give_identical_files_in_two_copies_and_in_place(rich_original, written, tmp_path):
    a, b = tmp_path / "a.xlsm", tmp_path / "b.xlsm"
    write_copy(rich_original, a, sample_sheets())
    write_copy(rich_original, b, sample_sheets())
    assert a.read_bytes() == b.read_bytes()
    assert zip_contents(a) == zip_contents(written)


def build_with_old_output(path: Path, result_name: str = "Resultat") -> Path:
    """A workbook whose output sheet sits between two user sheets and holds a comment, a chart and a
    formula, as if a user had worked in it; Deltagare keeps its own chart."""
    wb = xlsxwriter.Workbook(str(path))
    first = wb.add_worksheet("Deltagare")
    first.write_column("A1", [1, 2, 3])
    chart = wb.add_chart({"type": "line"})
    chart.add_series({"values": "=Deltagare!$A$1:$A$3"})
    first.insert_chart("C2", chart)
    old = wb.add_worksheet(result_name)
    old.write("A1", "gammalt resultat")
    old.write_formula("B2", "=Deltagare!A1*2", None, 2)
    old.write_comment("A1", "användarens anteckning")
    old_chart = wb.add_chart({"type": "column"})
    old_chart.add_series({"values": "=Deltagare!$A$1:$A$3"})
    old.insert_chart("D2", old_chart)
    old.set_tab_color("#FF0000")
    wb.add_worksheet("Texter").write("A1", "Bakgrund")
    wb.close()
    return path


def add_calc_chain(path: Path, sheet_id: int) -> None:
    """Add an xl/calcChain.xml listing B2 of sheet `sheet_id`, as Excel would after a save."""
    entries = zip_contents(path)
    entries["xl/calcChain.xml"] = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b'<c r="B2" i="' + str(sheet_id).encode() + b'"/></calcChain>')
    entries["[Content_Types].xml"] = entries["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/vnd.openxmlformats-'
                     b'officedocument.spreadsheetml.calcChain+xml"/></Types>')
    entries["xl/_rels/workbook.xml.rels"] = entries["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDocument/'
                             b'2006/relationships/calcChain" Target="calcChain.xml"/></Relationships>')
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries.items():
            zf.writestr(name, data)


def test_replacing_an_output_sheet_keeps_its_tab_position_and_slot(tmp_path):
    path = build_with_old_output(tmp_path / "bok.xlsx")
    before_parts = sheet_parts(path)
    XlsxPackageSink(path).write_sheets(sample_sheets()[:1])
    assert sheet_names(path) == ["Deltagare", "Resultat", "Texter"]
    assert sheet_parts(path)["Resultat"] == before_parts["Resultat"]
    wb = openpyxl.load_workbook(path)
    assert wb["Resultat"]["A1"].value == "Resultat per grupp"
    assert wb["Resultat"]["B2"].value is None, "nothing of the old sheet is left"
    assert wb["Resultat"].sheet_properties.tabColor.rgb == "FFFF0000"


def test_parts_only_the_replaced_sheet_used_are_removed_and_shared_ones_kept(tmp_path):
    path = build_with_old_output(tmp_path / "bok.xlsx")
    before = zip_contents(path)
    XlsxPackageSink(path).write_sheets(sample_sheets()[:1])
    after = zip_contents(path)
    removed = set(before) - set(after)
    assert removed == {"xl/worksheets/_rels/sheet2.xml.rels", "xl/drawings/drawing2.xml",
                       "xl/drawings/_rels/drawing2.xml.rels", "xl/charts/chart2.xml", "xl/comments1.xml",
                       "xl/drawings/vmlDrawing1.vml"}
    # -- Deltagare's chart is still there, and the content types name no removed part --
    assert after["xl/charts/chart1.xml"] == before["xl/charts/chart1.xml"]
    for part in removed:
        assert b'PartName="/' + part.encode() + b'"' not in after["[Content_Types].xml"]
    openpyxl.load_workbook(path)


def test_calc_chain_is_dropped_when_it_lists_cells_of_a_replaced_sheet(tmp_path):
    path = build_with_old_output(tmp_path / "bok.xlsx")
    add_calc_chain(path, sheet_id=2)
    XlsxPackageSink(path).write_sheets(sample_sheets()[:1])
    after = zip_contents(path)
    assert "xl/calcChain.xml" not in after
    assert b"calcChain" not in after["[Content_Types].xml"]
    assert b"calcChain" not in after["xl/_rels/workbook.xml.rels"]


def test_calc_chain_of_other_sheets_is_left_alone(tmp_path):
    path = build_with_old_output(tmp_path / "bok.xlsx")
    add_calc_chain(path, sheet_id=1)
    before = zip_contents(path)
    XlsxPackageSink(path).write_sheets(sample_sheets()[:1])
    assert zip_contents(path)["xl/calcChain.xml"] == before["xl/calcChain.xml"]


def test_an_output_sheet_renamed_with_other_case_and_spaces_is_found_again(tmp_path):
    path = build_with_old_output(tmp_path / "bok.xlsx", result_name="  resultat ")
    XlsxPackageSink(path).write_sheets(sample_sheets())
    names = sheet_names(path)
    assert names[:3] == ["Deltagare", "  resultat ", "Texter"]
    assert [n.strip().casefold() for n in names].count("resultat") == 1
    assert openpyxl.load_workbook(path)["  resultat "]["A1"].value == "Resultat per grupp"


def test_replacing_keeps_the_vba_code_name_of_the_sheet(tmp_path):
    path = tmp_path / "makro.xlsm"
    shutil.copy(build_rich_workbook(tmp_path / "src.xlsm"), path)
    renamed = [OutputSheet("Deltagare", sample_sheets()[0].rows)]
    XlsxPackageSink(path).write_sheets(renamed)
    part = sheet_parts(path)["Deltagare"]
    root = etree.fromstring(zip_contents(path)[part])
    assert root.find("m:sheetPr", NS).get("codeName") == "Sheet2"


def test_second_write_does_not_grow_the_styles(written):
    styles = zip_contents(written)["xl/styles.xml"]
    other = [OutputSheet("Kontroll", [[OutCell("x", key)] for key in STYLES])]
    XlsxPackageSink(written).write_sheets(other)
    assert zip_contents(written)["xl/styles.xml"] == styles


def test_write_copy_leaves_the_source_untouched(rich_original, tmp_path):
    before = rich_original.read_bytes()
    dst = tmp_path / "kopia.xlsm"
    write_copy(rich_original, dst, sample_sheets())
    assert rich_original.read_bytes() == before
    assert sheet_names(dst)[-4:] == OUTPUT_NAMES


@pytest.mark.parametrize("src_name", [None, "indata.ods", "indata.csv"])
def test_write_copy_makes_a_new_workbook_when_the_source_cannot_be_edited(tmp_path, src_name):
    src = None
    if src_name:
        src = tmp_path / src_name
        src.write_bytes(b"not a workbook")
    dst = tmp_path / "resultat.xlsx"
    write_copy(src, dst, sample_sheets())
    cal = CalamineWorkbook.from_path(str(dst))
    assert cal.sheet_names == OUTPUT_NAMES
    assert cal.get_sheet_by_name("Måluppfyllelse").to_python()[3][4] == "Uppfyllt"
    assert openpyxl.load_workbook(dst)["Resultat"]["F5"].number_format == '#,##0" kr"'


def test_write_copy_refuses_a_suffix_that_hides_macros(rich_original, tmp_path):
    with pytest.raises(WorkbookError, match=r"\.xlsm"):
        write_copy(rich_original, tmp_path / "kopia.xlsx", sample_sheets())
    assert not (tmp_path / "kopia.xlsx").exists()


@pytest.mark.parametrize(("value", "cell"), [
    (dt.date(2019, 9, 2), '<c r="A1" s="7"><v>43710</v></c>'),
    (dt.datetime(2019, 9, 2, 12, 0), '<c r="A1" s="8"><v>43710.5</v></c>'),
    (True, '<c r="A1" t="b"><v>1</v></c>'),
    (float("nan"), ""),
    (None, ""),
    (3, '<c r="A1"><v>3</v></c>'),
    (0.125, '<c r="A1"><v>0.125</v></c>'),
    ("a\x01b", '<c r="A1" t="inlineStr"><is><t xml:space="preserve">a_x0001_b</t></is></c>'),
])
def test_cell_values_become_excel_cells(value, cell):
    def xf_index(style):
        return {"yyyy-mm-dd": 7, "yyyy-mm-dd hh:mm": 8}.get(style.get("num_format"), 0)

    xml = worksheet_xml(OutputSheet("S", [[OutCell(value)]]), xf_index).decode()
    row = xml.split("<sheetData>")[1].split("</sheetData>")[0]
    assert row == (f'<row r="1">{cell}</row>' if cell else "")


def test_excel_serial_counts_from_1899_12_30():
    assert excel_serial(dt.date(1900, 3, 1)) == 61
    assert excel_serial(dt.datetime(2019, 9, 2, 6)) == 43710.25


def test_an_unknown_style_key_is_a_programming_error(tmp_path):
    with pytest.raises(ValueError, match="unknown output style"):
        worksheet_xml(OutputSheet("S", [[OutCell(1, "fet")]]), lambda s: 0)


@pytest.mark.parametrize("name", ["", "Resultat/2019", "A" * 32, "'Resultat"])
def test_an_invalid_sheet_name_is_refused_before_the_file_is_touched(rich, name):
    before = rich.read_bytes()
    with pytest.raises(ValueError, match="not a valid Excel sheet name"):
        XlsxPackageSink(rich).write_sheets([OutputSheet(name, [[OutCell("x")]])])
    assert rich.read_bytes() == before


def test_untouched_entries_keep_their_own_compression(rich_original, tmp_path):
    # -- re-pack the workbook the way another program might (fast deflate, one part stored), so a writer that
    #    re-compressed the parts it copies would change their sizes and methods --
    path = tmp_path / "annan.xlsm"
    with zipfile.ZipFile(rich_original) as src, zipfile.ZipFile(path, "w") as dst:
        for info in src.infolist():
            method = zipfile.ZIP_STORED if info.filename == "xl/theme/theme1.xml" else zipfile.ZIP_DEFLATED
            dst.writestr(info, src.read(info), compress_type=method, compresslevel=1)
    with zipfile.ZipFile(path) as zf:
        before = {i.filename: (i.compress_type, i.compress_size, i.CRC) for i in zf.infolist()}
    XlsxPackageSink(path).write_sheets(sample_sheets())
    with zipfile.ZipFile(path) as zf:
        after = {i.filename: (i.compress_type, i.compress_size, i.CRC) for i in zf.infolist()}
    kept = [n for n in before if n not in OWNED]
    assert {n: after[n] for n in kept} == {n: before[n] for n in kept}
    assert after["xl/theme/theme1.xml"][0] == zipfile.ZIP_STORED


def test_sheets_added_to_an_openpyxl_made_workbook_use_the_r_prefix(tmp_path):
    # -- openpyxl declares xmlns:r on each <sheet>, not on <workbook>; an added sheet must not get ns0:id.
    #    Run as the user does, in fresh processes: inside pytest's process lxml happened to pick r anyway --
    import subprocess
    import sys

    path = tmp_path / "ny.xlsx"
    for args in (["new", "--exempel", str(path)], ["recalc", str(path)]):
        done = subprocess.run([sys.executable, "-m", "xlpy.cli", *args], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr
    text = zip_contents(path)["xl/workbook.xml"].decode()
    sheets = etree.fromstring(text.encode()).findall(".//m:sheet", NS)
    assert set(OUTPUT_NAMES) <= {s.get("name") for s in sheets}
    assert "ns0" not in text and text.count(' r:id="rId') == len(sheets)
