"""Small python-docx helpers for what its API lacks: fields, table styles, cell shading, table alt text.

All XML is built as elements (never by editing serialised text), so the result stays valid for Word.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml.etree import _Element


def _el(tag: str, **attrs: str) -> _Element:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


def add_field(paragraph: Paragraph, instruction: str, shown: str, bold: bool = False) -> None:
    """Append a Word field (PAGE, SEQ, TOC, ...) to `paragraph`.

    `shown` is the cached result a reader sees before Word updates the field; it may itself be a
    Jinja tag (e.g. a table number computed by the context), so the document is right even unrefreshed.
    """
    def run_with(child: _Element) -> None:
        run = paragraph.add_run()
        if bold:
            run.bold = True
        run._r.append(child)

    run_with(_el("w:fldChar", **{"w:fldCharType": "begin", "w:dirty": "false"}))
    instr = _el("w:instrText", **{"xml:space": "preserve"})
    instr.text = f" {instruction} "
    run_with(instr)
    run_with(_el("w:fldChar", **{"w:fldCharType": "separate"}))
    result = paragraph.add_run(shown)
    if bold:
        result.bold = True
    run_with(_el("w:fldChar", **{"w:fldCharType": "end"}))


def set_table_alt_text(table: Table, title: str) -> None:
    """Word's "Alternativ text" title of a table: read by screen readers and used by render.py to
    find the table again after the user edited the template around it."""
    tbl_pr = table._tbl.tblPr
    caption = _el("w:tblCaption", **{"w:val": title})
    # -- tblCaption must follow tblLook in CT_TblPr's sequence; appending keeps that order --
    tbl_pr.append(caption)


def table_alt_text(table: Table) -> str | None:
    """The title set by set_table_alt_text, or None."""
    el = table._tbl.tblPr.find(qn("w:tblCaption"))
    return None if el is None else el.get(qn("w:val"))


def set_column_widths(table: Table, widths_cm: list[float]) -> None:
    """Set the grid and every cell to the given widths (cm); Word and LibreOffice both honour this."""
    grid = table._tbl.tblGrid
    cols = grid.findall(qn("w:gridCol"))
    twips = [str(int(Cm(w).twips)) for w in widths_cm]
    for col, tw in zip(cols, twips, strict=True):
        col.set(qn("w:w"), tw)
    # -- on the XML: python-docx's row.cells resolves merged cells for every row, which a report with
    #    hundreds of groups paid for seconds; these tables have one w:tc per grid column --
    for tr in table._tbl.tr_lst:
        for tc, tw in zip(tr.tc_lst, twips, strict=True):
            tc_w = tc.get_or_add_tcPr().get_or_add_tcW()
            tc_w.set(qn("w:w"), tw)
            tc_w.set(qn("w:type"), "dxa")


def set_repeat_header(row) -> None:  # noqa: ANN001 - python-docx _Row
    """Repeat this row at the top of every page the table spans."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_el("w:tblHeader"))


def set_cant_split(row) -> None:  # noqa: ANN001 - python-docx _Row
    """Keep the row on one page."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(_el("w:cantSplit"))


def add_table_style(styles_element, style_id: str, name: str, header_fill: str, border_color: str,
                    font_size_half_points: int) -> None:
    """Add a table style: thin horizontal rules, a shaded bold header row, small cell margins.

    One style for every table in the report, so an evaluator changes the look of all tables in Word by
    editing this single style.
    """
    style = _el("w:style", **{"w:type": "table", "w:customStyle": "1", "w:styleId": style_id})
    style.append(_el("w:name", **{"w:val": name}))
    style.append(_el("w:basedOn", **{"w:val": "TableNormal"}))
    style.append(_el("w:uiPriority", **{"w:val": "40"}))
    style.append(_el("w:qFormat"))
    ppr = _el("w:pPr")
    ppr.append(_el("w:spacing", **{"w:before": "20", "w:after": "20", "w:line": "240", "w:lineRule": "auto"}))
    style.append(ppr)
    rpr = _el("w:rPr")
    rpr.append(_el("w:sz", **{"w:val": str(font_size_half_points)}))
    rpr.append(_el("w:szCs", **{"w:val": str(font_size_half_points)}))
    style.append(rpr)
    tbl_pr = _el("w:tblPr")
    borders = _el("w:tblBorders")
    for side in ("top", "bottom", "insideH"):
        borders.append(_el(f"w:{side}", **{"w:val": "single", "w:sz": "4", "w:space": "0",
                                           "w:color": border_color}))
    for side in ("left", "right", "insideV"):
        borders.append(_el(f"w:{side}", **{"w:val": "nil"}))
    tbl_pr.append(borders)
    mar = _el("w:tblCellMar")
    for side, w in (("top", "28"), ("left", "85"), ("bottom", "28"), ("right", "85")):
        mar.append(_el(f"w:{side}", **{"w:w": w, "w:type": "dxa"}))
    tbl_pr.append(mar)
    style.append(tbl_pr)
    first = _el("w:tblStylePr", **{"w:type": "firstRow"})
    first_rpr = _el("w:rPr")
    first_rpr.append(_el("w:b"))
    first_rpr.append(_el("w:bCs"))
    first.append(first_rpr)
    first_tc = _el("w:tcPr")
    first_tc.append(_el("w:shd", **{"w:val": "clear", "w:color": "auto", "w:fill": header_fill}))
    first.append(first_tc)
    style.append(first)
    styles_element.append(style)


def _run(text: str | None = None, fld: str | None = None, tab: bool = False) -> _Element:
    r = _el("w:r")
    if fld is not None:
        r.append(_el("w:fldChar", **{"w:fldCharType": fld}))
    elif tab:
        r.append(_el("w:tab"))
    else:
        t = _el("w:t", **{"xml:space": "preserve"})
        t.text = text or ""
        r.append(t)
    return r


def find_toc_paragraph(doc) -> Paragraph | None:  # noqa: ANN001 - docx.Document
    """The body paragraph holding the TOC field's instruction, or None if the user removed it."""
    for p in doc.element.body.iterchildren(qn("w:p")):
        for instr in p.iter(qn("w:instrText")):
            if (instr.text or "").strip().upper().startswith("TOC"):
                return Paragraph(p, doc._body)
    return None


def toc_entries(doc, max_level: int = 2) -> list[tuple[int, str]]:  # noqa: ANN001
    """(level, text) of every Heading 1..max_level paragraph after the TOC, in document order."""
    toc = find_toc_paragraph(doc)
    toc_p = None if toc is None else toc._p
    seen_toc = toc_p is None
    # -- style ids mapped to levels once, read from the XML: python-docx's Paragraph.style looks the
    #    style up again for every paragraph (most of the time of a large report) --
    levels = _heading_levels(doc, max_level)
    out = []
    for p in doc.element.body.iterchildren(qn("w:p")):
        if not seen_toc:
            seen_toc = p is toc_p
            continue
        level = levels.get(p.style)
        if level is not None:
            text = Paragraph(p, doc._body).text.strip()
            if text:
                out.append((level, text))
    return out


def _heading_levels(doc, max_level: int) -> dict[str | None, int]:  # noqa: ANN001
    """Style id -> heading level for the styles named Heading 1..max_level (Word stores "heading 1")."""
    out: dict[str | None, int] = {}
    for style in doc.styles.element.iterchildren(qn("w:style")):
        name_el = style.find(qn("w:name"))
        name = (name_el.get(qn("w:val")) if name_el is not None else "") or ""
        if name.lower().startswith("heading ") and name[8:].isdigit() and 1 <= int(name[8:]) <= max_level:
            out[style.get(qn("w:styleId"))] = int(name[8:])
    return out


def fill_toc(doc, entries: list[tuple[int, str, str]]) -> bool:  # noqa: ANN001
    """Replace the TOC field's cached result with one paragraph per (level, text, page) entry.

    Word and LibreOffice show the cached result until the field is updated, so the table of contents
    is readable at once; Word's own update later replaces it. Returns False when there is no TOC.
    """
    par = find_toc_paragraph(doc)
    if par is None:
        return False
    p = par._p
    runs = list(p.iter(qn("w:r")))
    sep_idx = next((i for i, r in enumerate(runs) if r.find(qn("w:fldChar")) is not None
                    and r.find(qn("w:fldChar")).get(qn("w:fldCharType")) == "separate"), None)
    if sep_idx is None:
        return False
    # -- drop the old cached result and the end mark, also when an earlier fill spread them over
    #    following paragraphs; both are rebuilt below --
    def is_end(r: _Element) -> bool:
        fc = r.find(qn("w:fldChar"))
        return fc is not None and fc.get(qn("w:fldCharType")) == "end"

    ended = False
    for r in runs[sep_idx + 1:]:
        ended = ended or is_end(r)
        r.getparent().remove(r)
    while not ended:
        nxt = p.getnext()
        if nxt is None or nxt.tag != qn("w:p"):
            break
        ended = any(is_end(r) for r in nxt.iter(qn("w:r")))
        p.getparent().remove(nxt)
    if not entries:
        p.append(_run(fld="end"))
        return True
    anchor = p
    for i, (level, text, page) in enumerate(entries):
        new = _el("w:p")
        ppr = _el("w:pPr")
        ppr.append(_el("w:pStyle", **{"w:val": f"TOC{min(level, 2)}"}))
        new.append(ppr)
        new.append(_run(text))
        new.append(_run(tab=True))
        new.append(_run(page))
        if i == len(entries) - 1:
            new.append(_run(fld="end"))
        anchor.addnext(new)
        anchor = new
    return True


def set_update_fields(doc) -> None:  # noqa: ANN001
    """Ask Word to refresh fields (TOC, SEQ, page numbers) when the document is opened."""
    settings = doc.settings.element
    if settings.find(qn("w:updateFields")) is not None:
        return
    # -- CT_Settings is a sequence: updateFields must precede these elements --
    later = {"hdrShapeDefaults", "footnotePr", "endnotePr", "compat", "docVars", "rsids", "mathPr",
             "attachedSchema", "themeFontLang", "clrSchemeMapping", "doNotIncludeSubdocsInStats",
             "doNotAutoCompressPictures", "forceUpgrade", "captions", "readModeInkLockDown", "smartTagType",
             "schemaLibrary", "shapeDefaults", "doNotEmbedSmartTags", "decimalSymbol", "listSeparator"}
    el = _el("w:updateFields", **{"w:val": "true"})
    for child in settings:
        if isinstance(child.tag, str) and child.tag.split("}")[-1] in later:
            child.addprevious(el)
            return
    settings.append(el)


FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def normalise_zip(path: Path) -> None:
    """Rewrite a .docx with fixed entry timestamps, so the same input gives byte-identical files."""
    with zipfile.ZipFile(path) as z:
        entries = [(i.filename, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries:
            info = zipfile.ZipInfo(name, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, data)
