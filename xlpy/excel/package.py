"""The `.xlam` package: an Open XML zip holding a one-sheet add-in workbook, the VBA project and the ribbon.

Parts are generated with lxml (never by string surgery) and zipped with fixed timestamps and a fixed
part order, so the same inputs give byte-identical files.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence

from lxml import etree
from lxml.builder import ElementMaker

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
REL_CORE = "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
REL_APP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties"
REL_RIBBON = "http://schemas.microsoft.com/office/2007/relationships/ui/extensibility"
REL_SHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
REL_STYLES = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles"
REL_VBA = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
CT_ADDIN = "application/vnd.ms-excel.addin.macroEnabled.main+xml"
CT_SHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"
CT_CORE = "application/vnd.openxmlformats-package.core-properties+xml"
CT_APP = "application/vnd.openxmlformats-officedocument.extended-properties+xml"
CT_VBA = "application/vnd.ms-office.vbaProject"
RIBBON_PART = "customUI/customUI14.xml"
FIXED_DATE = "2020-01-01T00:00:00Z"  # docProps dates are fixed so that builds are reproducible
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def _xml(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


def _content_types() -> bytes:
    e = ElementMaker(namespace=NS_CT, nsmap={None: NS_CT})
    return _xml(
        e.Types(
            e.Default(Extension="rels", ContentType="application/vnd.openxmlformats-package.relationships+xml"),
            e.Default(Extension="xml", ContentType="application/xml"),
            e.Default(Extension="bin", ContentType=CT_VBA),
            e.Override(PartName="/xl/workbook.xml", ContentType=CT_ADDIN),
            e.Override(PartName="/xl/worksheets/sheet1.xml", ContentType=CT_SHEET),
            e.Override(PartName="/xl/styles.xml", ContentType=CT_STYLES),
            e.Override(PartName="/docProps/core.xml", ContentType=CT_CORE),
            e.Override(PartName="/docProps/app.xml", ContentType=CT_APP),
        )
    )


def _rels(items: Sequence[tuple[str, str, str]]) -> bytes:
    e = ElementMaker(namespace=NS_PKG_REL, nsmap={None: NS_PKG_REL})
    return _xml(e.Relationships(*[e.Relationship(Id=i, Type=t, Target=g) for i, t, g in items]))


def _workbook(sheet_name: str) -> bytes:
    e = ElementMaker(namespace=NS_MAIN, nsmap={None: NS_MAIN, "r": NS_R})
    sheet = e.sheet(name=sheet_name, sheetId="1")
    sheet.set(f"{{{NS_R}}}id", "rId1")
    return _xml(
        e.workbook(
            e.fileVersion(appName="xl", lastEdited="7", lowestEdited="7", rupBuild="27328"),
            e.workbookPr(codeName="ThisWorkbook"),
            e.bookViews(e.workbookView(xWindow="0", yWindow="0", windowWidth="16000", windowHeight="9000")),
            e.sheets(sheet),
            e.calcPr(calcId="191029"),
        )
    )


def _styles() -> bytes:
    e = ElementMaker(namespace=NS_MAIN, nsmap={None: NS_MAIN})
    return _xml(
        e.styleSheet(
            e.fonts(
                e.font(e.sz(val="11"), e.name(val="Calibri"), e.family(val="2")),
                e.font(e.b(), e.sz(val="11"), e.name(val="Calibri"), e.family(val="2")),
                count="2",
            ),
            e.fills(e.fill(e.patternFill(patternType="none")), e.fill(e.patternFill(patternType="gray125")), count="2"),
            e.borders(e.border(e.left(), e.right(), e.top(), e.bottom(), e.diagonal()), count="1"),
            e.cellStyleXfs(e.xf(numFmtId="0", fontId="0", fillId="0", borderId="0"), count="1"),
            e.cellXfs(
                e.xf(numFmtId="0", fontId="0", fillId="0", borderId="0", xfId="0"),
                e.xf(numFmtId="0", fontId="1", fillId="0", borderId="0", xfId="0", applyFont="1"),
                count="2",
            ),
            e.cellStyles(e.cellStyle(name="Normal", xfId="0", builtinId="0"), count="1"),
        )
    )


def _col_letter(index: int) -> str:
    return "ABCDEFGHIJ"[index]


def _sheet(rows: Sequence[Sequence[str]], code_name: str, widths: Sequence[float]) -> bytes:
    e = ElementMaker(namespace=NS_MAIN, nsmap={None: NS_MAIN})
    xml_rows = []
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, text in enumerate(row):
            if text == "":
                continue
            attrs = {"r": f"{_col_letter(c)}{r}", "t": "inlineStr"}
            if c == 0:
                attrs["s"] = "1"
            t = e.t(text)
            if text != text.strip():
                t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            cells.append(e.c(e("is", t), **attrs))
        xml_rows.append(e.row(*cells, r=str(r)))
    cols = [
        e.col(min=str(i + 1), max=str(i + 1), width=f"{w:g}", customWidth="1") for i, w in enumerate(widths)
    ]
    return _xml(
        e.worksheet(
            e.sheetPr(codeName=code_name),
            e.sheetViews(e.sheetView(tabSelected="1", workbookViewId="0")),
            e.sheetFormatPr(defaultRowHeight="15"),
            e.cols(*cols),
            e.sheetData(*xml_rows),
        )
    )


def _core(title: str) -> bytes:
    cp = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
    dc = "http://purl.org/dc/elements/1.1/"
    dcterms = "http://purl.org/dc/terms/"
    xsi = "http://www.w3.org/2001/XMLSchema-instance"
    root = etree.Element(f"{{{cp}}}coreProperties", nsmap={"cp": cp, "dc": dc, "dcterms": dcterms, "xsi": xsi})
    etree.SubElement(root, f"{{{dc}}}title").text = title
    etree.SubElement(root, f"{{{dc}}}creator").text = "xlpy"
    for tag in ("created", "modified"):
        el = etree.SubElement(root, f"{{{dcterms}}}{tag}")
        el.set(f"{{{xsi}}}type", "dcterms:W3CDTF")
        el.text = FIXED_DATE
    return _xml(root)


def _app() -> bytes:
    ns = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"
    e = ElementMaker(namespace=ns, nsmap={None: ns})
    return _xml(e.Properties(e.Application("Microsoft Excel"), e.DocSecurity("0")))


def xlam_package(
    vba_project: bytes,
    ribbon_xml: bytes,
    sheet_name: str,
    sheet_code_name: str,
    rows: Sequence[Sequence[str]],
    widths: Sequence[float] = (18, 60, 70),
    title: str = "Första Steget",
) -> bytes:
    """The `.xlam` zip as bytes: one visible sheet `sheet_name` (codeName `sheet_code_name`) holding `rows`
    of text from A1, the VBA project and the ribbon part related from the package root."""
    parts: list[tuple[str, bytes]] = [
        ("[Content_Types].xml", _content_types()),
        (
            "_rels/.rels",
            _rels(
                [
                    ("rId1", REL_OFFICE_DOC, "xl/workbook.xml"),
                    ("rId2", REL_CORE, "docProps/core.xml"),
                    ("rId3", REL_APP, "docProps/app.xml"),
                    ("rId4", REL_RIBBON, RIBBON_PART),
                ]
            ),
        ),
        ("docProps/core.xml", _core(title)),
        ("docProps/app.xml", _app()),
        ("xl/workbook.xml", _workbook(sheet_name)),
        (
            "xl/_rels/workbook.xml.rels",
            _rels(
                [
                    ("rId1", REL_SHEET, "worksheets/sheet1.xml"),
                    ("rId2", REL_STYLES, "styles.xml"),
                    ("rId3", REL_VBA, "vbaProject.bin"),
                ]
            ),
        ),
        ("xl/styles.xml", _styles()),
        ("xl/worksheets/sheet1.xml", _sheet(rows, sheet_code_name, widths)),
        ("xl/vbaProject.bin", vba_project),
        (RIBBON_PART, ribbon_xml),
    ]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            zf.writestr(info, data, compresslevel=6)
    return buf.getvalue()
