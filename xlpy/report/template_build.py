"""Builds word_templates/arsrapport.docx, the editable Word template of the annual report.

Run `python -m xlpy.report.template_build [OUT.docx]` to rebuild it. The template is plain Word: built-in
heading styles (navigation pane, TOC), a cover page, a TOC field, header and footer with PAGE fields,
one table style ("Första Steget tabell") used by every table, captions with SEQ fields, and docxtpl
(Jinja) tags where the figures go. An evaluator may change prose, styles and headings in Word; only
the `{{ ... }}` and `{% ... %}` tags must stay intact. The tag names are the keys built by
xlpy.report.context.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from xlpy.report.docx_xml import (
    add_field,
    add_table_style,
    normalise_zip,
    set_column_widths,
    set_repeat_header,
    set_table_alt_text,
)

TEMPLATE_PATH = Path(__file__).resolve().parents[2] / "word_templates" / "arsrapport.docx"
TABLE_STYLE = "Första Steget tabell"
GOAL_MATRIX_ALT = "Måluppfyllelse per grupp"
TEXT_WIDTH_CM = 16.0
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
FONT = "Arial"  # -- metric-compatible with Liberation Sans, so LibreOffice's PDF matches Word's layout --


def _styles(doc) -> None:  # noqa: ANN001 - docx.Document
    st = doc.styles
    normal = st["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    for name, size, before in (("Heading 1", 16, 18), ("Heading 2", 13, 14), ("Heading 3", 11, 10)):
        h = st[name]
        h.font.name = FONT
        h.font.size = Pt(size)
        h.font.color.rgb = ACCENT
        h.paragraph_format.space_before = Pt(before)
        h.paragraph_format.space_after = Pt(4)
        h.paragraph_format.keep_with_next = True
    st["Heading 1"].font.all_caps = True
    for name in ("Title", "Subtitle", "TOC Heading", "Caption"):
        st[name].font.name = FONT
    title = st["Title"]
    title.font.size = Pt(34)
    title.font.color.rgb = ACCENT
    st["Subtitle"].font.size = Pt(18)
    cap = st["Caption"]
    cap.font.size = Pt(9)
    cap.font.italic = False
    cap.font.bold = True
    cap.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    cap.paragraph_format.keep_with_next = True
    cap.paragraph_format.space_before = Pt(8)
    cap.paragraph_format.space_after = Pt(3)
    below = st.add_style("Bildtext under", WD_STYLE_TYPE.PARAGRAPH)
    below.base_style = cap
    below.paragraph_format.keep_with_next = False
    below.paragraph_format.space_after = Pt(10)
    for name, align in (("Tabelltext", None), ("Tabelltal", WD_ALIGN_PARAGRAPH.RIGHT)):
        s = st.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        s.base_style = normal
        s.font.size = Pt(9)
        s.paragraph_format.space_after = Pt(0)
        s.paragraph_format.space_before = Pt(0)
        s.paragraph_format.line_spacing = 1.0
        # -- keeps a table's rows together with the next row, so short tables never split --
        s.paragraph_format.keep_with_next = True
        if align is not None:
            s.paragraph_format.alignment = align
    note = st.add_style("Parametrar", WD_STYLE_TYPE.PARAGRAPH)
    note.base_style = normal
    note.font.size = Pt(9)
    note.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    note.paragraph_format.left_indent = Cm(0.4)
    cover = st.add_style("Omslag", WD_STYLE_TYPE.PARAGRAPH)
    cover.base_style = normal
    cover.font.size = Pt(14)
    cover.paragraph_format.space_after = Pt(4)
    for level, indent in ((1, 0.0), (2, 0.5)):
        toc = st.add_style(f"toc {level}", WD_STYLE_TYPE.PARAGRAPH)
        toc.element.set(qn("w:styleId"), f"TOC{level}")
        toc.base_style = normal
        toc.paragraph_format.left_indent = Cm(indent)
        toc.paragraph_format.space_after = Pt(3 if level == 1 else 1)
        toc.paragraph_format.tab_stops.add_tab_stop(Cm(TEXT_WIDTH_CM), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        toc.font.bold = level == 1
    add_table_style(st.element, "FrstaSteget", TABLE_STYLE, "DDEBF7", "7F7F7F", 18)


def _page_setup(doc) -> None:  # noqa: ANN001
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(2.2)
    sec.different_first_page_header_footer = True  # -- no header/footer on the cover --
    head = sec.header.paragraphs[0]
    head.text = "{{ meta.project_name }} – {{ cover.title }} {{ cover.year }}"
    head.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    head.runs[0].font.size = Pt(8.5)
    head.runs[0].font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    foot = sec.footer.paragraphs[0]
    foot.alignment = WD_ALIGN_PARAGRAPH.CENTER
    foot.add_run("Sida ")
    add_field(foot, "PAGE", "1")
    foot.add_run(" av ")
    add_field(foot, "NUMPAGES", "1")
    for r in foot.runs:
        r.font.size = Pt(8.5)


def _p(doc, text: str = "", style: str | None = None, bold: bool = False):  # noqa: ANN001, ANN202
    par = doc.add_paragraph(style=style)
    if text:
        run = par.add_run(text)
        run.bold = bold
    return par


def _tag(doc, tag: str) -> None:  # noqa: ANN001
    """A paragraph holding only a docxtpl `{%p ... %}` tag; docxtpl removes the paragraph itself."""
    doc.add_paragraph(tag)


def _prose(doc, key: str) -> None:  # noqa: ANN001
    """The evaluator's text for a section: one Word paragraph per paragraph of the Texter cell."""
    _tag(doc, f"{{%p for para in texts.{key} %}}")
    _p(doc, "{{ para }}")
    _tag(doc, "{%p endfor %}")


def _caption(doc, kind: str, number: str, text: str, below: bool = False) -> None:  # noqa: ANN001
    par = doc.add_paragraph(style="Bildtext under" if below else "Caption")
    par.add_run(f"{kind} ")
    add_field(par, f"SEQ {kind} \\* ARABIC", number)
    par.add_run(f": {text}")


def _table(doc, headers: list[str], widths: list[float], numeric: list[bool]):  # noqa: ANN001, ANN202
    """A table in the report's table style with a header row; returns it for the body rows."""
    t = doc.add_table(rows=1, cols=len(headers))
    t.style = doc.styles[TABLE_STYLE]
    t.alignment = WD_TABLE_ALIGNMENT.LEFT
    for cell, h, num in zip(t.rows[0].cells, headers, numeric, strict=True):
        cell.paragraphs[0].text = h
        cell.paragraphs[0].style = doc.styles["Tabelltal" if num else "Tabelltext"]
    set_repeat_header(t.rows[0])
    set_column_widths(t, widths)
    return t


def _row(doc, table, texts: list[str], numeric: list[bool], bold: bool = False) -> None:  # noqa: ANN001
    cells = table.add_row().cells
    for cell, text, num in zip(cells, texts, numeric, strict=True):
        par = cell.paragraphs[0]
        par.style = doc.styles["Tabelltal" if num else "Tabelltext"]
        if text:
            run = par.add_run(text)
            run.bold = bold


def _tag_row(table, tag: str) -> None:  # noqa: ANN001
    """A row holding only a docxtpl `{%tr ... %}` tag (docxtpl removes the row)."""
    table.add_row().cells[0].paragraphs[0].text = tag


def _cover(doc) -> None:  # noqa: ANN001
    for _ in range(3):
        _p(doc)
    _p(doc, "{{ cover.year }}", "Omslag", bold=True)
    _p(doc, "{{ cover.kind }}", "Title")
    _p(doc, "{{ cover.project }}", "Subtitle")
    _p(doc, "{{ cover.municipalities }}", "Omslag")
    _p(doc, "Rapportperiod {{ cover.period }}", "Omslag")
    for _ in range(10):
        _p(doc)
    _p(doc, "{{ meta.federation }}", "Omslag", bold=True)
    _p(doc, "Insatsägare: {{ cover.owner }}", "Omslag")
    _p(doc, "Utvärderare: {{ cover.evaluator }}", "Omslag")
    _p(doc, "Rapportdatum: {{ cover.report_date }}", "Omslag")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _p(doc, "Innehåll", "TOC Heading")
    toc = doc.add_paragraph()
    add_field(toc, 'TOC \\o "1-2" \\h \\z \\u', "Innehållsförteckningen fylls i när rapporten skapas.")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _organisation(doc) -> None:  # noqa: ANN001
    doc.add_heading("Organisation", 1)
    _p(doc, "{{ scope_note }}")
    _tag(doc, "{%p if summary_note %}")
    _p(doc, "{{ summary_note }}")
    _tag(doc, "{%p endif %}")
    _prose(doc, "organisation")
    _p(doc, "Processpersonalens bemanning per grupp, enligt bladet Personal. Tjänster som budgeterats men "
            "inte använts står inom parentes och räknas inte in i summan.")
    _caption(doc, "Tabell", "{{ tables.staffing }}", "{{ titles.staffing }}")
    num = [False, False, True]
    t = _table(doc, ["{{ heads.staffing }}", "Roll", "Tjänstgöringsgrad"], [6.4, 6.0, 3.6], num)
    _tag_row(t, "{%tr for s in staffing %}")
    _tag_row(t, "{%tr for r in s.roles %}")
    _row(doc, t, ["{{ r.group }}", "{{ r.role }}", "{{ r.percent }}"], num)
    _tag_row(t, "{%tr endfor %}")
    _row(doc, t, ["", "Summa {{ s.label }}", "{{ s.total }}"], num, bold=True)
    _tag_row(t, "{%tr endfor %}")


def _method(doc) -> None:  # noqa: ANN001
    doc.add_heading("Metod", 1)
    _prose(doc, "metod")
    _p(doc, "{{ method_summary }}")
    _caption(doc, "Tabell", "{{ tables.method }}", "{{ titles.method }}")
    num = [False, False, False, False, True, True, True]
    heads = ["{{ heads.method }}", "Termin", "Startdatum", "Slutdatum", "Veckor", "Varav praktik", "Dagar/vecka"]
    t = _table(doc, heads, [3.4, 1.6, 3.0, 3.0, 1.5, 1.9, 1.6], num)
    _tag_row(t, "{%tr for g in method %}")
    _row(doc, t, ["{{ g.label }}", "{{ g.term }}", "{{ g.start }}", "{{ g.end }}", "{{ g.weeks }}",
                  "{{ g.internship_weeks }}", "{{ g.days_per_week }}"], num)
    _tag_row(t, "{%tr endfor %}")
    _tag(doc, "{%p if planned %}")
    _p(doc, "Planerade grupper, ej startade vid rapportperiodens slut:").paragraph_format.space_before = Pt(8)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for line in planned %}")
    _p(doc, "{{ line }}", "List Bullet")
    _tag(doc, "{%p endfor %}")


def _goals(doc) -> None:  # noqa: ANN001
    doc.add_heading("Mål och uppföljning", 1)
    _prose(doc, "mal")
    _p(doc, "Tabellen visar varje aktivt mål i bladet Mål för varje grupp: uppmätt värde och status. "
            "{{ status_legend }}")
    _caption(doc, "Tabell", "{{ tables.goals }}", "{{ titles.goals }}")
    # -- one table per part of at most a few groups: a förbund's sixty groups side by side were unreadable --
    _tag(doc, "{%p for part in goal_tables %}")
    _tag(doc, "{%p if part.title %}")
    title = _p(doc, "{{ part.title }}", bold=True)
    title.paragraph_format.keep_with_next = True  # -- never left alone at the foot of a page --
    title.paragraph_format.space_before = Pt(6)
    _tag(doc, "{%p endif %}")
    t = doc.add_table(rows=1, cols=4)
    t.style = doc.styles[TABLE_STYLE]
    hdr = t.rows[0].cells
    for cell, text in zip(hdr, ["Mål", "{%tc for g in part.columns %}", "{{ g }}", "{%tc endfor %}"], strict=True):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = doc.styles["Tabelltext"]
    set_repeat_header(t.rows[0])
    _tag_row(t, "{%tr for row in part.rows %}")
    cells = t.add_row().cells
    cells[0].paragraphs[0].text = "{{ row.label }}"
    cells[1].paragraphs[0].text = "{%tc for c in row.cells %}"
    cells[2].paragraphs[0].text = "{% cellbg c.fill %}{{ c.value }}"
    cells[2].add_paragraph("{{ c.status }}")
    cells[3].paragraphs[0].text = "{%tc endfor %}"
    for c in cells:
        for par in c.paragraphs:
            par.style = doc.styles["Tabelltext"]
    _tag_row(t, "{%tr endfor %}")
    set_column_widths(t, [6.0, 3.3, 3.4, 3.3])
    set_table_alt_text(t, GOAL_MATRIX_ALT)
    _tag(doc, "{%p endfor %}")
    doc.add_heading("{{ titles.goal_details }}", 2)
    _tag(doc, "{%p for g in goal_details %}")
    doc.add_heading("{{ g.title }}", 3)
    _p(doc, "{{ g.target }}")
    _tag(doc, "{%p for line in g.lines %}")
    _p(doc, "{{ line }}", "List Bullet")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endfor %}")


def _cost_table(doc, prefix: str, key: str) -> None:  # noqa: ANN001
    _caption(doc, "Tabell", f"{{{{ {prefix}.{key}.table_no }}}}", f"{{{{ {prefix}.{key}.title }}}}")
    num = [False, True, True]
    t = _table(doc, ["År", "Kostnad per år", "Ackumulerad kostnad"], [3.0, 4.5, 4.5], num)
    _tag_row(t, f"{{%tr for y in {prefix}.{key}.rows %}}")
    _row(doc, t, ["{{ y.year }}", "{{ y.annual }}", "{{ y.cumulative }}"], num)
    _tag_row(t, "{%tr endfor %}")


def _results(doc) -> None:  # noqa: ANN001
    doc.add_heading("Resultat", 1)
    _prose(doc, "resultat")
    doc.add_heading("Statistik", 2)
    _p(doc, "Målgruppen för processen: kvinnor födda utanför Sverige som är inskrivna på Arbetsförmedlingen, "
            "öppet arbetslösa och i program, per kommun (Arbetsförmedlingens statistik, bladet Statistik).")
    _tag(doc, "{%p if not statistics %}")
    _p(doc, "Ingen statistik är registrerad i bladet Statistik.")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for s in statistics %}")
    _caption(doc, "Tabell", "{{ s.table_no }}", "Målgruppen hos Arbetsförmedlingen, {{ s.label }}")
    num = [False, True, True, True]
    t = _table(doc, ["Kommun", "Öppet arbetslösa", "I program", "Totalt"], [5.0, 3.5, 3.5, 3.0], num)
    _tag_row(t, "{%tr for r in s.rows %}")
    _row(doc, t, ["{{ r.municipality }}", "{{ r.unemployed }}", "{{ r.in_programme }}", "{{ r.total }}"], num)
    _tag_row(t, "{%tr endfor %}")
    _row(doc, t, ["Summa", "{{ s.total.unemployed }}", "{{ s.total.in_programme }}", "{{ s.total.total }}"],
         num, bold=True)
    _tag(doc, "{%p endfor %}")

    doc.add_heading("Socioekonomisk analys", 2)
    _p(doc, "{{ project.text }}")
    _p(doc, "{{ params.text }}", "Parametrar")
    _p(doc, "Källa: {{ params.source }}", "Parametrar")
    _caption(doc, "Tabell", "{{ project.table_no }}", "{{ project.table_title }}")
    num = [False, True, True, True]
    t = _table(doc, ["År", "Om ingenting händer", "Produktionsbortfall", "Totalt"], [2.5, 4.5, 4.5, 4.5], num)
    _tag_row(t, "{%tr for y in project.rows %}")
    _row(doc, t, ["{{ y.year }}", "{{ y.nothing }}", "{{ y.loss }}", "{{ y.total }}"], num)
    _tag_row(t, "{%tr endfor %}")
    # -- a chart stays on the page of its caption below (no caption alone atop a page) --
    _p(doc, "{{ project.chart }}").paragraph_format.keep_with_next = True
    _caption(doc, "Figur", "{{ project.figure_no }}", "{{ project.figure_title }}", below=True)
    # -- imported here: template_costs builds on this module's helpers --
    from xlpy.report.template_costs import actor_section

    actor_section(doc)

    _tag(doc, "{%p for o in omgangar %}")
    doc.add_heading("{{ o.heading }}", 2).paragraph_format.page_break_before = True
    _p(doc, "{{ o.intro }}")
    _tag(doc, "{%p for line in o.bullets %}")
    _p(doc, "{{ line }}", "List Bullet")
    _tag(doc, "{%p endfor %}")
    _caption(doc, "Tabell", "{{ o.participation_table_no }}", "Deltagande och närvaro, {{ o.name }}")
    num = [False, True, True, True, True, True]
    t = _table(doc, ["{{ heads.unit }}", "Startade", "Fullföljde", "Närvaro", "Vidare till arbete/studier",
                     "Andel vidare"], [4.0, 2.0, 2.2, 2.3, 3.3, 2.2], num)
    _tag_row(t, "{%tr for r in o.rows %}")
    _row(doc, t, ["{{ r.label }}", "{{ r.started }}", "{{ r.completers }}", "{{ r.attendance }}",
                  "{{ r.moved_on }}", "{{ r.share_moved_on }}"], num)
    _tag_row(t, "{%tr endfor %}")
    _tag_row(t, "{%tr if o.show_total %}")
    _row(doc, t, ["{{ o.total.label }}", "{{ o.total.started }}", "{{ o.total.completers }}",
                  "{{ o.total.attendance }}", "{{ o.total.moved_on }}", "{{ o.total.share_moved_on }}"],
         num, bold=True)
    _tag_row(t, "{%tr endif %}")
    _caption(doc, "Tabell", "{{ o.outcome_table_no }}", "Senaste utfall per deltagare, {{ o.name }}")
    num = [False, True, True, True, True, True, True]
    t = _table(doc, ["{{ heads.unit }}", "Arbete", "Studier", "Planering", "Annat", "Ej registrerat", "Summa"],
               [4.0, 1.9, 1.9, 2.1, 1.9, 2.4, 1.8], num)
    _tag_row(t, "{%tr for r in o.rows %}")
    _row(doc, t, ["{{ r.label }}", "{{ r.arbete }}", "{{ r.studier }}", "{{ r.planering }}", "{{ r.annat }}",
                  "{{ r.ej_registrerat }}", "{{ r.started }}"], num)
    _tag_row(t, "{%tr endfor %}")
    _tag_row(t, "{%tr if o.show_total %}")
    _row(doc, t, ["{{ o.total.label }}", "{{ o.total.arbete }}", "{{ o.total.studier }}",
                  "{{ o.total.planering }}", "{{ o.total.annat }}", "{{ o.total.ej_registrerat }}",
                  "{{ o.total.started }}"], num, bold=True)
    _tag_row(t, "{%tr endif %}")
    _tag(doc, "{%p if o.suppression_note %}")
    _p(doc, "{{ o.suppression_note }}", "Parametrar")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if o.type_lines %}")
    _p(doc, "Utfall per typ (bladet Utfall, kolumnen Typ):").paragraph_format.space_before = Pt(8)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for line in o.type_lines %}")
    _p(doc, "{{ line }}", "List Bullet")
    _tag(doc, "{%p endfor %}")
    doc.add_heading("Socioekonomisk analys, {{ o.name_lower }}", 3)
    _p(doc, "{{ o.cost_intro }}")
    _p(doc, "{{ params.text }}", "Parametrar")
    _p(doc, "Källa: {{ params.source }}", "Parametrar")
    _cost_table(doc, "o", "nothing")
    _cost_table(doc, "o", "saving")
    _cost_table(doc, "o", "remaining")
    # -- a chart stays on the page of its caption below (no caption alone atop a page) --
    _tag(doc, "{%p if o.show_chart %}")
    _p(doc, "{{ o.chart }}").paragraph_format.keep_with_next = True
    _caption(doc, "Figur", "{{ o.figure_no }}", "{{ o.figure_title }}", below=True)
    _tag(doc, "{%p endif %}")
    _p(doc, "{{ o.saving_text }}")
    _tag(doc, "{%p endfor %}")
    _comparison(doc)
    _over_time(doc)


def _comparison(doc) -> None:  # noqa: ANN001
    _tag(doc, "{%p if comparison.show %}")
    doc.add_heading("Jämförelse med föregående period", 2).paragraph_format.page_break_before = True
    _p(doc, "{{ comparison.text }}")
    _caption(doc, "Tabell", "{{ comparison.table_no }}", "{{ comparison.title }}")
    num = [False, False, False]
    t = _table(doc, ["", "Perioden", "Föregående period"], [7.0, 4.5, 4.5], num)
    _tag_row(t, "{%tr for r in comparison.rows %}")
    _row(doc, t, ["{{ r.label }}", "{{ r.current }}", "{{ r.previous }}"], num)
    _tag_row(t, "{%tr endfor %}")
    _tag(doc, "{%p endif %}")


OVER_TIME_COLUMNS = 10


def _over_time(doc) -> None:  # noqa: ANN001
    _tag(doc, "{%p if over_time.show %}")
    doc.add_heading("Resultat över tid", 2).paragraph_format.page_break_before = True
    _p(doc, "{{ over_time.intro }}")
    _caption(doc, "Tabell", "{{ over_time.table_no }}", "{{ over_time.title }}")
    num = [False] + [True] * (OVER_TIME_COLUMNS - 1)
    t = _table(doc, [f"{{{{ over_time.headers[{i}] }}}}" for i in range(OVER_TIME_COLUMNS)],
               # -- Grupp, Start., Fullf., Närv. ("82,5 %" on one line), 5 outcomes, Vidare --
               [3.6, 1.3, 1.3, 1.7, 1.3, 1.3, 1.3, 1.3, 1.3, 1.6], num)
    _tag_row(t, "{%tr for r in over_time.rows %}")
    cells = ["{{ r.label }}"] + [f"{{{{ r.cells[{i}] }}}}" for i in range(OVER_TIME_COLUMNS - 1)]
    _tag_row(t, "{%tr if r.bold %}")
    _row(doc, t, cells, num, bold=True)
    _tag_row(t, "{%tr else %}")
    _row(doc, t, cells, num)
    _tag_row(t, "{%tr endif %}")
    _tag_row(t, "{%tr endfor %}")
    _p(doc, "{{ over_time.note }}", "Parametrar")
    _tag(doc, "{%p for c in over_time.charts %}")
    # -- a chart stays on the page of its caption below (no caption alone atop a page) --
    _p(doc, "{{ c.chart }}").paragraph_format.keep_with_next = True
    _caption(doc, "Figur", "{{ c.figure_no }}", "{{ c.title }}", below=True)
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def _surveys(doc) -> None:  # noqa: ANN001
    """A chapter per survey (context: surveys, built by xlpy.report.context_surveys)."""
    _tag(doc, "{%p if surveys %}")
    doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for s in surveys %}")
    doc.add_heading("{{ s.heading }}", 1).paragraph_format.keep_with_next = True
    _p(doc, "{{ s.intro }}")
    _tag(doc, "{%p for line in s.rate_lines %}")
    _p(doc, "{{ line }}", "List Bullet")
    _tag(doc, "{%p endfor %}")
    _p(doc, "{{ s.note }}", "Parametrar")
    _tag(doc, "{%p for q in s.questions %}")
    _caption(doc, "Tabell", "{{ q.table_no }}", "{{ q.title }}")
    num = [False, True, True, False, True]
    t = _table(doc, ["Enhet", "Svar (n)", "Andel positiva", "Mål", "Föregående period"],
               [4.6, 2.0, 2.6, 4.2, 2.6], num)
    _tag_row(t, "{%tr for r in q.rows %}")
    _row(doc, t, ["{{ r.label }}", "{{ r.n }}", "{{ r.share }}", "{{ r.target }}", "{{ r.previous }}"], num)
    _tag_row(t, "{%tr endfor %}")
    _tag(doc, "{%p if q.bars %}")
    _p(doc, "{{ q.chart }}").paragraph_format.keep_with_next = True
    _caption(doc, "Figur", "{{ q.figure_no }}", "{{ q.figure_title }}", below=True)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p if s.hidden_note %}")
    _p(doc, "{{ s.hidden_note }}", "Parametrar")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")


def _survey_appendix(doc) -> None:  # noqa: ANN001
    _tag(doc, "{%p if survey_appendix %}")
    doc.add_heading("Bilaga: Enkätfrågor", 1).paragraph_format.page_break_before = True
    _p(doc, "Alla frågor i bladet Enkätfrågor med sin svarsskala och projektets svar per svarsalternativ.")
    _tag(doc, "{%p for q in survey_appendix %}")
    _p(doc, "{{ q.title }}", bold=True).paragraph_format.space_before = Pt(6)
    _p(doc, "{{ q.answers }}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def _followup(doc) -> None:  # noqa: ANN001
    """The chapter Uppföljning efter avslut (context: xlpy.report.context_followup)."""
    _tag(doc, "{%p if followup.any %}")
    doc.add_heading("Uppföljning efter avslut", 1).paragraph_format.page_break_before = True
    _p(doc, "{{ followup.intro }}")
    _tag(doc, "{%p if followup.note %}")
    _p(doc, "{{ followup.note }}", "Parametrar")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p for pt in followup.points %}")
    doc.add_heading("{{ pt.heading }}", 2)
    _p(doc, "{{ pt.text }}")
    _tag(doc, "{%p if pt.pending_text %}")
    _p(doc, "{{ pt.pending_text }}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p if pt.any %}")
    _caption(doc, "Tabell", "{{ pt.table_no }}", "Uppföljning {{ pt.months }} månader efter avslut per omgång")
    num = [False, True, True, True, True, True, True]
    t = _table(doc, ["Omgång", "Att följa upp", "Nådda", "Andel nådda", "Vidare (antal)",
                     "Andel vidare (av alla)", "Vidare bland nådda"], [2.2, 1.8, 2.6, 2.1, 2.0, 3.2, 2.1], num)
    cells = ["{{ r.label }}", "{{ r.eligible }}", "{{ r.reached }}", "{{ r.response }}", "{{ r.moved_on }}",
             "{{ r.share_moved_on }}", "{{ r.share_among_reached }}"]
    _tag_row(t, "{%tr for r in pt.rows %}")
    _row(doc, t, cells, num)
    _tag_row(t, "{%tr endfor %}")
    _tag_row(t, "{%tr if pt.show_total %}")
    _row(doc, t, [c.replace("r.", "pt.total.") for c in cells], num, bold=True)
    _tag_row(t, "{%tr endif %}")
    _caption(doc, "Tabell", "{{ pt.status_table_no }}", "Var de nådda är {{ pt.months }} månader efter avslut")
    num = [False, True, True, True, True, True, True]
    t = _table(doc, ["Omgång", "Arbete", "Studier", "Planering", "Annat", "Ej nådda", "Att följa upp"],
               [3.0, 1.9, 1.9, 2.1, 1.9, 2.1, 2.5], num)
    cells = ["{{ r.label }}", "{{ r.statuses[0] }}", "{{ r.statuses[1] }}", "{{ r.statuses[2] }}",
             "{{ r.statuses[3] }}", "{{ r.not_reached }}", "{{ r.eligible }}"]
    _tag_row(t, "{%tr for r in pt.rows %}")
    _row(doc, t, cells, num)
    _tag_row(t, "{%tr endfor %}")
    _tag_row(t, "{%tr if pt.show_total %}")
    _row(doc, t, [c.replace("r.", "pt.total.") for c in cells], num, bold=True)
    _tag_row(t, "{%tr endif %}")
    flow = _p(doc, "Flödet från avslut bland de nådda: kvar = i arbete eller studier både vid avslut och nu, "
            "tillkommit = inte vid avslut men nu, förlorat = vid avslut men inte nu, ej vidare = varken eller.")
    flow.paragraph_format.space_before = Pt(8)
    _caption(doc, "Tabell", "{{ pt.flow_table_no }}", "Från avslut till {{ pt.months }} månader, bland de nådda")
    num = [False, True, True, True, True, True]
    t = _table(doc, ["Omgång", "Kvar", "Tillkommit", "Förlorat", "Ej vidare", "Nådda"],
               [3.4, 2.2, 2.4, 2.2, 2.2, 2.2], num)
    cells = ["{{ r.label }}", "{{ r.flow[0] }}", "{{ r.flow[1] }}", "{{ r.flow[2] }}", "{{ r.flow[3] }}",
             "{{ r.reached_n }}"]
    _tag_row(t, "{%tr for r in pt.rows %}")
    _row(doc, t, cells, num)
    _tag_row(t, "{%tr endfor %}")
    _tag_row(t, "{%tr if pt.show_total %}")
    _row(doc, t, [c.replace("r.", "pt.total.") for c in cells], num, bold=True)
    _tag_row(t, "{%tr endif %}")
    _tag(doc, "{%p if pt.show_chart %}")
    _p(doc, "{{ pt.chart }}")
    _caption(doc, "Figur", "{{ pt.figure_no }}", "Nådda och vidare till arbete eller studier {{ pt.months }} "
             "månader efter avslut", below=True)
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endif %}")
    _tag(doc, "{%p endfor %}")
    _tag(doc, "{%p endif %}")


def build_template(out_path: Path | str = TEMPLATE_PATH) -> Path:
    """Build the report template and save it to `out_path` (default word_templates/arsrapport.docx).

    Deterministic: the same code gives the same document text and fixed core properties.
    """
    doc = Document()
    _styles(doc)
    _page_setup(doc)
    _cover(doc)
    doc.add_heading("Bakgrund och syfte", 1)
    _prose(doc, "bakgrund")
    doc.add_heading("Omvärldsbevakning", 1)
    _prose(doc, "omvarld")
    _organisation(doc)
    _method(doc)
    _goals(doc)
    doc.add_heading("Utmaningar", 1)
    _prose(doc, "utmaningar")
    _results(doc)
    _followup(doc)
    _surveys(doc)
    doc.add_heading("Sammanfattning och rekommendationer", 1)
    _prose(doc, "sammanfattning")
    doc.add_heading("Om underlaget", 2)
    _p(doc, "{{ data_note }}")
    _survey_appendix(doc)
    props = doc.core_properties
    props.author = "Första Steget"
    props.last_modified_by = "Första Steget"
    props.title = "Årsrapport – mall"
    props.created = props.modified = dt.datetime(2020, 1, 1)
    props.revision = 1
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(out))
    normalise_zip(out)
    return out


if __name__ == "__main__":
    print(build_template(sys.argv[1] if len(sys.argv) > 1 else TEMPLATE_PATH))
    if len(sys.argv) == 1:
        from xlpy.resources import TEMPLATE_NAME, sync

        print(*sync([TEMPLATE_NAME]))  # the packaged copy the report reads
