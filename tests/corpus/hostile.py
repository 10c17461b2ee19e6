"""A handful of hostile files (issue #5, point 1): other formats, encrypted, corrupt, empty, a folder, and
workbooks with #REF!, merged cells over data, hidden sheets, 100 000 formatted rows, dates before 1900 and
text in number columns. Built at test time from the example workbook."""

from __future__ import annotations

import datetime as dt
import io
import random
import shutil
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter

try:
    from .make_corpus import soffice_convert, write_csv, write_openpyxl, write_xlsxwriter
    from .variants import EXAMPLE, example_sheets, text_in_numbers
except ImportError:  # run as a script
    from make_corpus import soffice_convert, write_csv, write_openpyxl, write_xlsxwriter  # type: ignore
    from variants import EXAMPLE, example_sheets, text_in_numbers  # type: ignore

# -- what each case may answer: the set of allowed exit codes for check and for recalc --
EXPECTED: dict[str, tuple[set[int], set[int]]] = {
    "missing.xlsx": ({2}, {2}),
    "mapp.xlsx": ({2}, {2}),
    "tom.xlsx": ({2}, {2}),
    "skrap.xlsx": ({2}, {2}),
    "text_som_xlsx.xlsx": ({2}, {2}),
    "zip_utan_arbetsbok.xlsx": ({2}, {2}),
    "saknar_workbook_xml.xlsx": ({2}, {2}),
    "avklippt.xlsx": ({2}, {2}),
    "losenord.xlsx": ({2}, {2}),
    "data.csv": ({2}, {2}),
    "exempel.xls": ({0, 1}, {2}),
    "exempel.ods": ({0, 1}, {2}),
    "ref_fel.xlsx": ({1}, {1}),
    "sammanslagna.xlsx": ({1}, {1}),
    "dolda_blad.xlsx": ({0}, {0}),
    "hundratusen_rader.xlsx": ({0}, {0}),
    "fore_1900.xlsx": ({1}, {1}),
    "text_i_talkolumner.xlsx": ({1}, {1}),
    "fel_rubriker.xlsx": ({2}, {2}),
    "utan_deltagare.xlsx": ({2}, {2}),
    "bara_utdatablad.xlsx": ({2}, {2}),
    "oppen_i_excel.xlsx": ({0}, {2}),
    "skrivskyddad.xlsx": ({0}, {2}),
}

# -- a fragment the user must read for each case (recalc's answer, or check's for files recalc accepts) --
MESSAGE: dict[str, str] = {
    "missing.xlsx": "finns inte",
    "mapp.xlsx": "är en mapp",
    "tom.xlsx": "är tom",
    "skrap.xlsx": "ingen Excel-arbetsbok eller är skadad",
    "text_som_xlsx.xlsx": "ingen Excel-arbetsbok eller är skadad",
    "zip_utan_arbetsbok.xlsx": "ingen Excel-arbetsbok eller är skadad",
    "saknar_workbook_xml.xlsx": "ingen Excel-arbetsbok eller är skadad",
    "avklippt.xlsx": "ingen Excel-arbetsbok eller är skadad",
    "losenord.xlsx": "lösenordsskyddad",
    "data.csv": "spara den som Excel-arbetsbok",
    "exempel.xls": "kan bara skrivas till .xlsx/.xlsm",
    "exempel.ods": "kan bara skrivas till .xlsx/.xlsm",
    "ref_fel.xlsx": "Cellen visar felet #REF!",
    "sammanslagna.xlsx": "GruppID saknas",
    "fore_1900.xlsx": "före år 1900",
    "text_i_talkolumner.xlsx": "är inget heltal",
    "fel_rubriker.xlsx": "saknar rubrikrad",
    "utan_deltagare.xlsx": "Bladet Deltagare saknas",
    "bara_utdatablad.xlsx": "Bladet Grupper saknas",
    "oppen_i_excel.xlsx": "är öppen i Excel",
    "skrivskyddad.xlsx": "är skrivskyddad",
    "dolda_blad.xlsx": "0 fel",
    "hundratusen_rader.xlsx": "0 fel",
}


def build_hostile(dest: Path, soffice: bool = True) -> dict[str, Path]:
    """Create the hostile files in `dest`; returns name -> path (missing.xlsx is deliberately not created).

    soffice=False leaves out the .xls and .ods cases (they need LibreOffice)."""
    dest = Path(dest)
    dest.mkdir(parents=True, exist_ok=True)
    rng = random.Random(5)
    example = EXAMPLE.read_bytes()
    files: dict[str, Path] = {name: dest / name for name in EXPECTED}

    (dest / "mapp.xlsx").mkdir(exist_ok=True)
    (dest / "tom.xlsx").write_bytes(b"")
    (dest / "skrap.xlsx").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (dest / "text_som_xlsx.xlsx").write_text("GruppID;Kommun\nK1;Klippan\n", encoding="utf-8")
    with zipfile.ZipFile(dest / "zip_utan_arbetsbok.xlsx", "w") as z:
        z.writestr("hej.txt", "inte en arbetsbok")
    with zipfile.ZipFile(io.BytesIO(example)) as src, zipfile.ZipFile(dest / "saknar_workbook_xml.xlsx", "w") as z:
        for item in src.infolist():
            if item.filename != "xl/workbook.xml":
                z.writestr(item, src.read(item.filename))
    (dest / "avklippt.xlsx").write_bytes(example[: len(example) // 2])
    _encrypt(EXAMPLE, dest / "losenord.xlsx")
    write_csv(example_sheets()["Deltagare"], dest / "data.csv")

    sheets = example_sheets()
    _ref_errors(sheets, dest / "ref_fel.xlsx")
    _merged_over_data(dest / "sammanslagna.xlsx")
    _hidden_sheets(dest / "dolda_blad.xlsx")
    _hundred_thousand_rows(sheets, dest / "hundratusen_rader.xlsx")
    old = example_sheets()
    for r in old["Deltagare"][2:6]:
        r[2] = dt.date(1850, 3, 1)
    write_openpyxl(old, dest / "fore_1900.xlsx", [], rng)
    write_openpyxl(text_in_numbers(example_sheets(), rng), dest / "text_i_talkolumner.xlsx", [], rng)
    bad = example_sheets()
    bad["Deltagare"][1] = ["Deltagare", "Grupp"] + bad["Deltagare"][1][2:]
    write_openpyxl(bad, dest / "fel_rubriker.xlsx", [], rng)
    write_openpyxl({k: v for k, v in example_sheets().items() if k != "Deltagare"}, dest / "utan_deltagare.xlsx",
                   [], rng)
    write_xlsxwriter({"Resultat": [["gammalt"]], "Kontroll": [["x"]]}, dest / "bara_utdatablad.xlsx", [], rng)

    shutil.copyfile(EXAMPLE, dest / "oppen_i_excel.xlsx")
    (dest / "~$pen_i_excel.xlsx").write_bytes(b"\x0aanvandare" + b"\x20" * 40)
    shutil.copyfile(EXAMPLE, dest / "skrivskyddad.xlsx")
    (dest / "skrivskyddad.xlsx").chmod(0o444)

    if soffice:
        src = dest / "_lo"
        src.mkdir(exist_ok=True)
        shutil.copyfile(EXAMPLE, src / "exempel.xlsx")
        for fmt, name in (("xls:MS Excel 97", "exempel.xls"), ("ods", "exempel.ods")):
            for made in soffice_convert([src / "exempel.xlsx"], fmt, src):
                made.rename(dest / name)
    else:
        files.pop("exempel.xls")
        files.pop("exempel.ods")
    return files


def _encrypt(src: Path, dst: Path) -> None:
    import msoffcrypto
    from msoffcrypto.format.ooxml import OOXMLFile

    with src.open("rb") as fin, dst.open("wb") as fout:
        OOXMLFile(fin).encrypt("hemligt", fout)
    assert msoffcrypto.OfficeFile(dst.open("rb")).is_encrypted()


def _ref_errors(sheets: dict, path: Path) -> None:
    # -- XlsxWriter stores a formula with its cached result, so the file shows #REF! as Excel would --
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if name == "Deltagare" and r in (4, 7) and c == 1:
                    ws.write_formula(r, c, "=#REF!", None, "#REF!")
                elif name == "Grupper" and r == 3 and c == 6:
                    ws.write_formula(r, c, "=Blad9!A1/0", None, "#DIV/0!")
                elif isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif v not in ("", None):
                    ws.write(r, c, v)
    wb.close()


def _merged_over_data(path: Path) -> None:
    wb = openpyxl.load_workbook(EXAMPLE)
    ws = wb["Deltagare"]
    ws.merge_cells("A5:B6")   # a DeltagarID and GruppID block, as users merge "same group" cells
    ws.merge_cells("E10:H10")
    wb.save(path)


def _hidden_sheets(path: Path) -> None:
    wb = openpyxl.load_workbook(EXAMPLE)
    wb["Närvaro"].sheet_state = "hidden"
    wb["Texter"].sheet_state = "veryHidden"
    wb.save(path)


def _hundred_thousand_rows(sheets: dict, path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    fill = wb.add_format({"bg_color": "#DDEBF7", "border": 1})
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if isinstance(v, dt.date):
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
                elif v not in ("", None):
                    ws.write(r, c, v)
        if name == "Närvaro":
            for r in range(len(rows), len(rows) + 100_000):
                ws.write_blank(r, 0, None, fill)
                ws.set_row(r, None, fill)
    wb.close()
