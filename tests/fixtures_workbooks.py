"""Helpers that build test workbooks holding everything a careless writer would destroy.

Built with XlsxWriter, which writes each feature the way Excel does: a chart, a text box, a sparkline,
comments, a defined name, conditional formatting, data validation, and (for .xlsm) a VBA project taken
from the add-in template shipped with xlwings. Participant codes only, never names.
"""

from __future__ import annotations

import datetime as dt
import os
import zipfile
from pathlib import Path

import xlsxwriter
import xlwings

from xlpy.model import OutCell, OutputSheet

# -- the VBA project inside xlwings' own ribbon add-in template: real, Excel-made, and always at hand --
XLWINGS_ADDIN = Path(os.path.dirname(xlwings.__file__)) / "quickstart_addin_ribbon.xlam"
VBA_MODULES = ("ThisWorkbook", "Dictionary", "RibbonMyAddin", "Sheet2", "xlwings")


def vba_project_bin(folder: Path) -> Path:
    """Extract xl/vbaProject.bin from the xlwings add-in template into `folder`; returns its path."""
    out = folder / "vbaProject.bin"
    with zipfile.ZipFile(XLWINGS_ADDIN) as zf:
        out.write_bytes(zf.read("xl/vbaProject.bin"))
    return out


def build_rich_workbook(path: Path, with_vba: bool | None = None) -> Path:
    """Write a workbook at `path` with a chart, text box, sparkline, comments, a defined name,
    conditional formatting and data validation; with VBA when `with_vba` (default: path ends .xlsm)."""
    with_vba = path.suffix.lower() == ".xlsm" if with_vba is None else with_vba
    wb = xlsxwriter.Workbook(str(path))
    bold = wb.add_format({"bold": True, "bg_color": "#FFF2CC"})
    red = wb.add_format({"font_color": "#9C0006", "bg_color": "#FFC7CE"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})

    data = wb.add_worksheet("Deltagare")
    headers = ["DeltagarID", "GruppID", "Startdatum", "Närvaro"]
    data.write_row(0, 0, headers, bold)
    rows = [("D01", "K1", dt.date(2019, 2, 4), 0.91), ("D02", "K1", dt.date(2019, 2, 4), 0.55),
            ("D03", "K2", dt.date(2019, 9, 2), 0.78), ("D04", "K2", dt.date(2019, 9, 2), 0.84)]
    for r, (pid, gid, start, share) in enumerate(rows, start=1):
        data.write_string(r, 0, pid)
        data.write_string(r, 1, gid)
        data.write_datetime(r, 2, dt.datetime.combine(start, dt.time()), date_fmt)
        data.write_number(r, 3, share)
    data.write_comment("A1", "Kod, aldrig namn.", {"author": "Utvärderare", "font_size": 12, "color": "#C6EFCE"})
    data.write_comment("D1", "Andel närvarodagar.")
    data.conditional_format("D2:D5", {"type": "cell", "criteria": "<", "value": 0.8, "format": red})
    data.data_validation("B2:B100", {"validate": "list", "source": ["K1", "K2", "B1"]})
    data.write_row(0, 5, ["Trend"], bold)
    data.add_sparkline("F2", {"range": "Deltagare!D2:D5", "markers": True})
    data.insert_textbox("H2", "Skriv bara i de gula cellerna.", {"width": 240, "height": 60})
    wb.define_name("Narvaro", "=Deltagare!$D$2:$D$5")

    chart = wb.add_chart({"type": "column"})
    chart.add_series({"categories": "=Deltagare!$A$2:$A$5", "values": "=Deltagare!$D$2:$D$5",
                      "name": "Närvaro"})
    data.insert_chart("H7", chart)

    settings = wb.add_worksheet("Inställningar")
    settings.write_row(0, 0, ["Nyckel", "Värde"], bold)
    settings.write_row(1, 0, ["Projektnamn", "Första Steget"])
    settings.write_formula("C2", "=LEN(B2)", None, 13)  # a formula, so the workbook has a calcChain-worthy cell

    if with_vba:
        wb.set_vba_name("ThisWorkbook")
        data.set_vba_name("Sheet2")
        settings.set_vba_name("Blad2")
        wb.add_vba_project(str(vba_project_bin(path.parent)))
    wb.close()
    return path


def sample_sheets() -> list[OutputSheet]:
    """The four output sheets with every style key in use: title, note, header, kr/pct/pct1, status colours."""
    note = OutCell("Skapad av Första Steget-verktyget – ändringar här skrivs över vid nästa beräkning.", "note")
    results = OutputSheet(
        "Resultat",
        [
            [OutCell("Resultat per grupp", "title")],
            [note],
            [],
            [OutCell(h, "header") for h in ("Grupp", "Start", "Deltagare", "Närvaro", "Till arbete/studier",
                                            "Kostnad")],
            [OutCell("Klippan grupp 1"), OutCell(dt.date(2019, 2, 4), "date"), OutCell(8, "int"),
             OutCell(0.81, "pct"), OutCell(0.825, "pct1"), OutCell(1520000, "kr")],
            [OutCell("Klippan grupp 2"), OutCell(dt.date(2019, 9, 2)), OutCell(7, "int"),
             OutCell(0.765, "pct"), OutCell(None, "pct1"), OutCell(1330000, "kr")],
            [OutCell("Summa", "bold"), OutCell(None), OutCell(15, "int"), OutCell(0.79, "pct"),
             OutCell(0.5, "pct1"), OutCell(2850000, "kr")],
        ],
        col_widths=[22, 12, 11, 10, 20, 14],
        freeze_rows=4,
    )
    goals = OutputSheet(
        "Måluppfyllelse",
        [
            [OutCell("Måluppfyllelse", "title")],
            [note],
            [OutCell(h, "header") for h in ("Grupp", "Mål", "Värde", "Målvärde", "Status")],
            [OutCell("K1"), OutCell("Närvaro minst 80 %"), OutCell(0.81, "pct"), OutCell(0.8, "pct"),
             OutCell("Uppfyllt", "status_met")],
            [OutCell("K2"), OutCell("Närvaro minst 80 %"), OutCell(0.765, "pct"), OutCell(0.8, "pct"),
             OutCell("Ej uppfyllt", "status_not_met")],
            [OutCell("B1"), OutCell("Till arbete/studier minst 40 %"), OutCell(None, "pct"),
             OutCell(0.4, "pct"), OutCell("Pågår", "status_ongoing")],
            [OutCell("B2"), OutCell("Enkät genomförd"), OutCell(None), OutCell(None),
             OutCell("Underlag saknas", "status_no_basis")],
        ],
        col_widths=[8, 34, 10, 10, 16],
        freeze_rows=3,
    )
    costs = OutputSheet(
        "Samhällskostnad",
        [
            [OutCell("Samhällskostnad", "title")],
            [note],
            [OutCell("Klippan", "section")],
            [OutCell(h, "header") for h in ("År", "Kostnad per år", "Ackumulerat")],
            *[[OutCell(y, "int"), OutCell(152000 * 10, "kr"), OutCell(152000 * 10 * y, "kr")] for y in (1, 2, 3, 4)],
        ],
        col_widths=[8, 16, 16],
        freeze_rows=0,
    )
    problems = OutputSheet(
        "Kontroll",
        [
            [OutCell("Kontroll av indata", "title")],
            [note],
            [OutCell(h, "header") for h in ("Allvar", "Blad", "Rad", "Kolumn", "Värde", "Problem")],
            [OutCell("fel"), OutCell("Närvaro"), OutCell(1186, "rownum_link", link="'Närvaro'!A1186"),
             OutCell("Datum"), OutCell("2019-13-01"),
             OutCell("Datumet finns inte. Skriv det som 2019-09-02.")],
            [OutCell("varning"), OutCell("Deltagare"), OutCell(7, "rownum"), OutCell("Slutdatum"),
             OutCell("_x0041_ & <tag>"), OutCell("Text med tecken som måste skyddas: \x07 & < >.")],
        ],
        col_widths=[9, 12, 6, 12, 16, 50],
        freeze_rows=3,
    )
    return [results, goals, costs, problems]


def zip_contents(path: Path) -> dict[str, bytes]:
    """Every entry of the zip at `path`, uncompressed, in order."""
    with zipfile.ZipFile(path) as zf:
        return {info.filename: zf.read(info) for info in zf.infolist()}


def zip_raw(path: Path) -> dict[str, tuple[int, int, tuple[int, ...]]]:
    """Per entry: (CRC, compressed size, timestamp) — equal when the compressed bytes were copied."""
    with zipfile.ZipFile(path) as zf:
        return {i.filename: (i.CRC, i.compress_size, i.date_time) for i in zf.infolist()}
