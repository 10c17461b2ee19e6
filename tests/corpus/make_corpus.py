"""Build a corpus of workbooks this project did not make, for robustness tests of check and recalc.

The files come from openpyxl, XlsxWriter, pandas.to_excel and LibreOffice (headless, converting .csv,
.xlsx and .ods in batched calls). Their content is the example workbook's input sheets, bent by a
content variant (wrong headers, swapped columns, missing sheets, text in number columns, …) and decorated
with a few of every feature the libraries offer (charts, images, comments, tables, protection, …).
Everything is seeded, so the same corpus is built every time.

Run `python tests/corpus/make_corpus.py DEST` to build it by hand; the tests call `build_corpus`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import xlsxwriter
from openpyxl.cell.cell import MergedCell
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

try:
    from .variants import CONTENT_VARIANTS, Sheets, example_sheets
except ImportError:  # run as a script
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from variants import CONTENT_VARIANTS, Sheets, example_sheets  # type: ignore[no-redef]

SEED = 20191219


def _png(color: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (24, 16), color).save(buf, "PNG")
    return buf.getvalue()


def _cell(v: Any) -> Any:
    return None if v == "" else v


# -- openpyxl ------------------------------------------------------------------------------------------

def _opx_chart(wb: Any, rng: random.Random) -> None:
    from openpyxl.chart import BarChart, Reference

    ws = wb.create_sheet("Diagram")
    for i in range(1, 8):
        ws.append([f"v{i}", rng.randint(1, 50)])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=7))
    ws.add_chart(chart, "D2")


def _opx_image(wb: Any, rng: random.Random) -> None:
    from openpyxl.drawing.image import Image as XlImage

    wb.worksheets[0].add_image(XlImage(io.BytesIO(_png())), "M2")


def _opx_comment(wb: Any, rng: random.Random) -> None:
    from openpyxl.comments import Comment

    for ws in wb.worksheets[:3]:
        ws["A1"].comment = Comment("Kolla detta – kommentar från handläggare", "Handläggare")


def _opx_hyperlink(wb: Any, rng: random.Random) -> None:
    ws = wb.worksheets[-1]
    ws["Z1"] = "Länk"
    ws["Z1"].hyperlink = "https://www.arbetsformedlingen.se/"


def _opx_merged(wb: Any, rng: random.Random) -> None:
    for ws in wb.worksheets[:4]:
        ws.merge_cells("A1:D1")
        if ws.max_row > 6:
            ws.merge_cells(start_row=4, start_column=1, end_row=5, end_column=2)  # over data


def _opx_hidden(wb: Any, rng: random.Random) -> None:
    extra = wb.create_sheet("Gömd")
    extra["A1"] = "hemligt"
    extra.sheet_state = "hidden"
    if len(wb.worksheets) > 3:
        wb.worksheets[rng.randrange(len(wb.worksheets) - 1)].sheet_state = "hidden"
    vh = wb.create_sheet("MycketGömd")
    vh.sheet_state = "veryHidden"


def _opx_protection(wb: Any, rng: random.Random) -> None:
    for ws in wb.worksheets[:2]:
        ws.protection.sheet = True
        ws.protection.password = "hemligt"
    wb.security = openpyxl.workbook.protection.WorkbookProtection(workbookPassword="x", lockStructure=True)


def _opx_table(wb: Any, rng: random.Random) -> None:
    from openpyxl.worksheet.table import Table

    ws = wb.create_sheet("Tabell")
    ws.append(["Namn", "Antal"])
    for i in range(5):
        ws.append([f"rad{i}", i])
    ws.add_table(Table(displayName="Tabell1", ref="A1:B6"))


def _opx_autofilter(wb: Any, rng: random.Random) -> None:
    for ws in wb.worksheets[:3]:
        if ws.max_row > 2:
            ws.auto_filter.ref = f"A2:{openpyxl.utils.get_column_letter(ws.max_column)}{ws.max_row}"


def _opx_richtext(wb: Any, rng: random.Random) -> None:
    ws = wb.worksheets[-1]
    ws["Y2"] = CellRichText(["vanlig ", TextBlock(InlineFont(b=True), "fet"), " text"])


def _opx_formulas(wb: Any, rng: random.Random) -> None:
    ws = wb.create_sheet("Beräkning")
    ws["A1"], ws["A2"], ws["A3"] = 1, "=A1*2", "=#REF!+1"
    ws["A4"], ws["A5"] = "=1/0", "=NA()"
    ws["B1"] = '=SUMMA(Deltagare!A:A)'


def _opx_errors_in_data(wb: Any, rng: random.Random) -> None:
    for ws in wb.worksheets:
        if ws.max_row > 5 and ws.max_column > 2:
            for r, c, v in ((5, 2, "#REF!"), (4, 3, "=#REF!"), (6, 1, "#N/A")):
                if not isinstance(ws.cell(row=r, column=c), MergedCell):
                    ws.cell(row=r, column=c).value = v


def _opx_huge_range(wb: Any, rng: random.Random) -> None:
    from openpyxl.styles import PatternFill

    ws = wb.worksheets[rng.randrange(len(wb.worksheets))]
    fill = PatternFill("solid", fgColor="FFFF00")
    for r in range(ws.max_row + 1, ws.max_row + 3000):
        ws.cell(row=r, column=1).fill = fill


def _opx_unicode(wb: Any, rng: random.Random) -> None:
    for name in ("Ärenden 2019–2020", "日本語", "Данные", "emoji 🙂", "a'b"):
        wb.create_sheet(name)["A1"] = name


def _opx_validation(wb: Any, rng: random.Random) -> None:
    from openpyxl.formatting.rule import CellIsRule
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    ws = wb.worksheets[0]
    dv = DataValidation(type="list", formula1='"ja,nej"', allow_blank=True)
    ws.add_data_validation(dv)
    dv.add("E3:E200")
    ws.conditional_formatting.add("A1:K300", CellIsRule(operator="equal", formula=['"nej"'],
                                                          fill=PatternFill("solid", fgColor="FFC7CE")))


def _opx_names(wb: Any, rng: random.Random) -> None:
    from openpyxl.workbook.defined_name import DefinedName

    title = wb.worksheets[0].title.replace("'", "''")
    wb.defined_names["Område"] = DefinedName("Område", attr_text=f"'{title}'!$A$1:$B$5")
    wb.defined_names["Trasig"] = DefinedName("Trasig", attr_text="#REF!")


def _opx_layout(wb: Any, rng: random.Random) -> None:
    for ws in wb.worksheets:
        ws.freeze_panes = "B3"
        ws.sheet_properties.tabColor = "1072BA"
        ws.column_dimensions.group("H", "J", hidden=True)
        ws.print_options.gridLines = True


OPENPYXL_FEATURES: dict[str, Callable[[Any, random.Random], None]] = {
    "chart": _opx_chart, "image": _opx_image, "comment": _opx_comment, "hyperlink": _opx_hyperlink,
    "merged": _opx_merged, "hidden": _opx_hidden, "protection": _opx_protection, "table": _opx_table,
    "autofilter": _opx_autofilter, "richtext": _opx_richtext, "formulas": _opx_formulas,
    "errors": _opx_errors_in_data, "huge_range": _opx_huge_range, "unicode": _opx_unicode,
    "validation": _opx_validation, "names": _opx_names, "layout": _opx_layout,
}


def write_openpyxl(sheets: Sheets, path: Path, features: list[str], rng: random.Random) -> None:
    """Write `sheets` with openpyxl, then apply the named features."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name[:31])
        for row in rows:
            ws.append([_cell(v) for v in row])
    if not wb.worksheets:
        wb.create_sheet("Blad1")
    for f in features:
        OPENPYXL_FEATURES[f](wb, rng)
    wb.save(path)


# -- XlsxWriter ----------------------------------------------------------------------------------------

def _xw_write_rows(ws: Any, rows: list[list[Any]], date_fmt: Any) -> None:
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v == "" or v is None:
                continue
            if isinstance(v, dt.date):
                if v.year < 1900:
                    ws.write_string(r, c, v.isoformat())
                else:
                    ws.write_datetime(r, c, dt.datetime(v.year, v.month, v.day), date_fmt)
            else:
                ws.write(r, c, v)


def _xw_features(wb: Any, sheets: list[Any], features: list[str], rng: random.Random, vba: bytes | None) -> None:
    first = sheets[0]
    if "chart" in features:
        data = wb.add_worksheet("Diagramdata")
        data.write_column(0, 0, [rng.randint(1, 40) for _ in range(6)])
        chart = wb.add_chart({"type": "line"})
        chart.add_series({"values": "='Diagramdata'!$A$1:$A$6"})
        data.insert_chart("C2", chart)
        cs = wb.add_chartsheet("Diagramblad")
        pie = wb.add_chart({"type": "pie"})
        pie.add_series({"values": "='Diagramdata'!$A$1:$A$6"})
        cs.set_chart(pie)
    if "image" in features:
        first.insert_image("N3", "bild.png", {"image_data": io.BytesIO(_png((30, 120, 30)))})
        first.set_header("&L&G", {"image_left": "logo.png", "image_data_left": io.BytesIO(_png())})
    if "comment" in features:
        for ws in sheets[:3]:
            ws.write_comment("A1", "Kommentar från XlsxWriter", {"author": "Handläggare", "visible": True})
    if "hyperlink" in features:
        first.write_url("Z1", "https://www.samordningsforbund.se/", string="Förbundet")
        first.write_url("Z2", "internal:'Diagramdata'!A1" if "chart" in features else "internal:A1")
    if "merged" in features:
        for ws in sheets[:4]:
            ws.merge_range("R1:T3", "Sammanslaget")
    if "hidden" in features:
        h = wb.add_worksheet("Dold")
        h.write("A1", "dold")
        h.hide()
        vh = wb.add_worksheet("MycketDold")
        vh.very_hidden()
        if len(sheets) > 2:
            sheets[1].hide()
    if "protection" in features:
        for ws in sheets[:2]:
            ws.protect("hemligt")
        wb.read_only_recommended()
    if "table" in features:
        t = wb.add_worksheet("Tabell")
        t.add_table("A1:C5", {"data": [[i, i * 2, f"t{i}"] for i in range(4)],
                              "columns": [{"header": "X"}, {"header": "Y"}, {"header": "Z"}]})
    if "autofilter" in features:
        for ws in sheets[:2]:
            ws.autofilter("A2:D50")
    if "richtext" in features:
        bold = wb.add_format({"bold": True, "font_color": "red"})
        first.write_rich_string("X2", "vanlig ", bold, "röd fet", " text")
    if "formulas" in features:
        f = wb.add_worksheet("Formler")
        f.write_formula("A1", "=1/0", None, "#DIV/0!")
        f.write_formula("A2", "=#REF!", None, "#REF!")
        f.write_formula("A3", "=NA()", None, "#N/A")
        f.write_array_formula("B1:B3", "{=ROW(A1:A3)}")
    if "errors" in features:
        for ws in sheets:
            ws.write_formula(4, 1, "=#REF!", None, "#REF!")
    if "huge_range" in features:
        fill = wb.add_format({"bg_color": "#FFFF00", "border": 1})
        for r in range(2000, 102000):
            sheets[-1].set_row(r, None, fill)
    if "unicode" in features:
        for name in ("Översikt – 2019", "中文", "Ελληνικά", "A&B <x>"):
            wb.add_worksheet(name).write("A1", name)
    if "validation" in features:
        first.data_validation("E3:E100", {"validate": "list", "source": ["ja", "nej"]})
        first.conditional_format("A1:K200", {"type": "cell", "criteria": "==", "value": '"nej"',
                                             "format": wb.add_format({"bg_color": "#FFC7CE"})})
    if "names" in features:
        wb.define_name("Projekt", '="Första Steget"')
        wb.define_name("Trasig", "=#REF!")
    if "sparkline" in features:
        sp = wb.add_worksheet("Trend")
        sp.write_row(0, 0, [1, 5, 3, 7, 2])
        sp.add_sparkline("F1", {"range": "Trend!A1:E1"})
    if "textbox" in features:
        first.insert_textbox("P5", "Anteckning i textruta", {"width": 200})
    if "layout" in features:
        for ws in sheets:
            ws.freeze_panes(2, 1)
            ws.set_tab_color("#FF9900")
            ws.set_column("H:J", None, None, {"level": 1, "hidden": True})
            ws.set_landscape()
    if vba is not None:
        wb.add_vba_project(io.BytesIO(vba), is_stream=True)


XLSXWRITER_FEATURES = ("chart", "image", "comment", "hyperlink", "merged", "hidden", "protection", "table",
                       "autofilter", "richtext", "formulas", "errors", "huge_range", "unicode", "validation",
                       "names", "sparkline", "textbox", "layout")


def write_xlsxwriter(sheets: Sheets, path: Path, features: list[str], rng: random.Random,
                     vba: bytes | None = None) -> None:
    """Write `sheets` with XlsxWriter, then the named features; `vba` makes it an .xlsm with that project."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False, "nan_inf_to_errors": True})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    written = []
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        _xw_write_rows(ws, rows, date_fmt)
        written.append(ws)
    if not written:
        written.append(wb.add_worksheet("Blad1"))
    _xw_features(wb, written, features, rng, vba)
    wb.close()


def _vba_project() -> bytes | None:
    # -- a real vbaProject.bin taken from the add-in build, so the .xlsm files carry a VBA part --
    try:
        from xlpy.excel.addin import addin_bytes

        with zipfile.ZipFile(io.BytesIO(addin_bytes())) as z:
            return z.read("xl/vbaProject.bin")
    except Exception:  # the corpus must build even while the add-in code is being changed
        return None


# -- pandas --------------------------------------------------------------------------------------------

def write_pandas(sheets: Sheets, path: Path, engine: str, header_row: bool) -> None:
    """Write each sheet as a DataFrame (its header row becomes pandas' header), index column optional."""
    with pd.ExcelWriter(path, engine=engine) as writer:
        if not sheets:
            pd.DataFrame({"a": [1]}).to_excel(writer, sheet_name="Blad1")
        for name, rows in sheets.items():
            h = _header_index(rows)
            head = [str(v) if v != "" else f"Unnamed {i}" for i, v in enumerate(rows[h])] if rows else []
            body = [list(r) + [""] * (len(head) - len(r)) for r in rows[h + 1:]]
            frame = pd.DataFrame([[_cell(v) for v in r[: len(head)]] for r in body], columns=head or None)
            frame.to_excel(writer, sheet_name=name[:31], index=not header_row, startrow=0 if header_row else 2)


def _header_index(rows: list[list[Any]]) -> int:
    for i, row in enumerate(rows[:5]):
        if sum(1 for v in row if isinstance(v, str) and v) >= 2 and len(row) > 1:
            return i
    return 0


# -- LibreOffice ---------------------------------------------------------------------------------------

def soffice_convert(inputs: list[Path], fmt: str, outdir: Path, timeout: float = 240) -> list[Path]:
    """Convert all `inputs` in one headless LibreOffice call (own profile, so parallel runs do not meet).
    Returns the files produced, in input order (missing ones left out)."""
    if not inputs:
        return []
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        subprocess.run(
            ["soffice", f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
             "--convert-to", fmt, "--outdir", str(outdir), *map(str, inputs)],
            check=False, capture_output=True, timeout=timeout,
        )
    ext = "." + fmt.split(":")[0]
    return [p for p in (outdir / (i.stem + ext) for i in inputs) if p.exists()]


def write_csv(rows: list[list[Any]], path: Path, delimiter: str = ",") -> None:
    """One sheet as CSV (UTF-8 with BOM, like Excel's 'CSV UTF-8')."""
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        for row in rows:
            w.writerow(["" if v is None else (v.isoformat() if isinstance(v, dt.date) else v) for v in row])


# -- the whole corpus ----------------------------------------------------------------------------------

def _pick(rng: random.Random, features: tuple[str, ...] | list[str], k: int) -> list[str]:
    return sorted(rng.sample(list(features), k))


def build_corpus(dest: Path, soffice: bool = True) -> list[Path]:
    """Build the corpus in `dest` (created; emptied first) and return its .xlsx/.xlsm files.

    About 90 openpyxl, 70 XlsxWriter, 24 pandas and 40 LibreOffice files; every content variant meets
    every library. soffice=False leaves out the LibreOffice files (for a quick run).
    """
    dest = Path(dest)
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    rng = random.Random(SEED)
    base = example_sheets()
    variants = list(CONTENT_VARIANTS.items())
    files: list[Path] = []
    opx_names = tuple(OPENPYXL_FEATURES)
    # -- LibreOffice works in its own process: start its batch first and build the rest meanwhile --
    lo_result: list[Path] = []
    lo_thread = None
    if soffice:
        lo_sources = _libreoffice_sources(dest, base, variants, random.Random(SEED + 1))
        lo_thread = threading.Thread(target=lambda: lo_result.extend(_libreoffice_files(dest, *lo_sources)))
        lo_thread.start()

    for i in range(90):
        vname, vfun = variants[i % len(variants)]
        feats = list(opx_names) if i % 30 == 0 else _pick(rng, opx_names, 1 + i % 4)
        path = dest / f"opx_{i:03d}_{vname}.xlsx"
        write_openpyxl(vfun(base, rng), path, feats, rng)
        files.append(path)

    vba = _vba_project()
    for i in range(70):
        vname, vfun = variants[(i + 3) % len(variants)]
        heavy = i % 25 == 0
        feats = [f for f in XLSXWRITER_FEATURES if f != "huge_range"] if heavy else \
            _pick(rng, XLSXWRITER_FEATURES, 1 + i % 4)
        as_xlsm = i % 5 == 0 and vba is not None
        path = dest / f"xw_{i:03d}_{vname}.{'xlsm' if as_xlsm else 'xlsx'}"
        write_xlsxwriter(vfun(base, rng), path, feats, rng, vba if as_xlsm else None)
        files.append(path)

    for i in range(24):
        vname, vfun = variants[(i + 5) % len(variants)]
        engine = "openpyxl" if i % 2 else "xlsxwriter"
        path = dest / f"pd_{i:03d}_{engine}_{vname}.xlsx"
        write_pandas(vfun(base, rng), path, engine, header_row=i % 3 != 0)
        files.append(path)

    if lo_thread is not None:
        lo_thread.join()
        files += lo_result
    return sorted(files)


def _libreoffice_sources(dest: Path, base: Sheets, variants: list[Any], rng: random.Random
                         ) -> tuple[Path, list[Path], list[Path]]:
    src = dest / "_lo_src"
    src.mkdir()
    xlsx_in, csv_in = [], []
    for i in range(24):
        vname, vfun = variants[(i + 7) % len(variants)]
        p = src / f"lo_{i:03d}_{vname}.xlsx"
        write_openpyxl(vfun(base, rng), p, _pick(rng, tuple(OPENPYXL_FEATURES), 2), rng)
        xlsx_in.append(p)
    for i, (name, rows) in enumerate(list(base.items())[:8]):
        p = src / f"lo_csv_{i:02d}_{name}.csv"
        write_csv(rows, p, delimiter=";" if i % 2 else ",")
        csv_in.append(p)
    return src, xlsx_in, csv_in


def _libreoffice_files(dest: Path, src: Path, xlsx_in: list[Path], csv_in: list[Path]) -> list[Path]:
    # -- round 1: some workbooks to .ods; round 2: everything (xlsx, ods, csv) to .xlsx by LibreOffice --
    ods = soffice_convert(xlsx_in[:8], "ods", src / "ods")
    renamed = []
    for p in ods:
        q = p.with_name(p.stem.replace("lo_", "lo_ods_") + ".ods")
        p.rename(q)
        renamed.append(q)
    out = soffice_convert(xlsx_in + renamed + csv_in, "xlsx:Calc MS Excel 2007 XML", dest / "_lo_out")
    files = []
    for p in out:
        target = dest / p.name
        p.rename(target)
        files.append(target)
    return files


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus_out")
    made = build_corpus(out)
    print(f"{len(made)} filer i {out}")
