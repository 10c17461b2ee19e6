"""The template's "Vem sparar vad" section (per actor, sensitivity, the insats's cost, parameters with sources).

Called by xlpy.report.template_build while it builds word_templates/arsrapport.docx; the tags read the
`actors` context of xlpy.report.context_costs.
"""

from __future__ import annotations

from typing import Any

from docx.shared import Pt

from xlpy.report.docx_xml import set_repeat_header, set_table_alt_text
from xlpy.report.template_build import TABLE_STYLE, _caption, _p, _row, _table, _tag, _tag_row

ACTOR_TABLE_ALT = "Besparing per aktör"


def _year_cells(doc: Any, table: Any, name: str, bold: bool) -> None:
    """A row of `name`.label and one cell per entry of `name`.cells (a column loop)."""
    cells = table.add_row().cells
    texts = [f"{{{{ {name}.label }}}}", f"{{%tc for c in {name}.cells %}}", "{{ c }}", "{%tc endfor %}"]
    for i, (cell, text) in enumerate(zip(cells, texts, strict=True)):
        par = cell.paragraphs[0]
        par.style = doc.styles["Tabelltal" if i else "Tabelltext"]
        par.add_run(text).bold = bold


def _actor_year_table(doc: Any) -> None:
    # -- the years are columns (one per Kalkylår), so the table loops over columns as the goal matrix does --
    t = doc.add_table(rows=1, cols=4)
    t.style = doc.styles[TABLE_STYLE]
    for i, (cell, text) in enumerate(zip(t.rows[0].cells, ["Aktör", "{%tc for y in actors.years %}", "{{ y }}",
                                                           "{%tc endfor %}"], strict=True)):
        cell.paragraphs[0].text = text
        cell.paragraphs[0].style = doc.styles["Tabelltal" if i else "Tabelltext"]
    set_repeat_header(t.rows[0])
    _tag_row(t, "{%tr for r in actors.rows %}")
    _year_cells(doc, t, "r", bold=False)
    _tag_row(t, "{%tr endfor %}")
    _year_cells(doc, t, "actors.total", bold=True)
    _year_cells(doc, t, "actors.financial", bold=False)
    set_table_alt_text(t, ACTOR_TABLE_ALT)


def actor_section(doc: Any) -> None:
    """Add the section: text, the actors × years table, its chart, sensitivity, the insats's cost, parameters."""
    _tag(doc, "{%p if actors.show %}")
    doc.add_heading("Vem sparar vad – besparing per aktör", 2)
    _p(doc, "{{ actors.text }}")
    _caption(doc, "Tabell", "{{ actors.tables.actors }}", "{{ actors.table_title }}")
    _actor_year_table(doc)
    _tag(doc, "{%p if actors.show_chart %}")
    _p(doc, "{{ actors.chart }}").paragraph_format.keep_with_next = True
    _caption(doc, "Figur", "{{ actors.figure_no }}", "{{ actors.figure_title }}", below=True)
    _tag(doc, "{%p endif %}")
    _p(doc, "{{ actors.sensitivity_text }}").paragraph_format.space_before = Pt(8)
    _caption(doc, "Tabell", "{{ actors.tables.sensitivity }}", "{{ actors.sensitivity_title }}")
    num = [False, True, True, True]
    t = _table(doc, ["Värden", "Kostnad per person och år", "Om ingenting händer", "Besparing"],
               [3.0, 4.3, 4.4, 4.3], num)
    _tag_row(t, "{%tr for s in actors.sensitivity %}")
    _row(doc, t, ["{{ s.scenario }}", "{{ s.k }}", "{{ s.nothing }}", "{{ s.saving }}"], num)
    _tag_row(t, "{%tr endfor %}")
    doc.add_heading("Insatsens kostnad och återbetalning", 3)
    _p(doc, "{{ actors.insats_text }}")
    _caption(doc, "Tabell", "{{ actors.tables.parameters }}", "{{ actors.parameters_title }}")
    num = [False, False, True, True, False]
    t = _table(doc, ["Parameter", "Aktör", "Bas", "Låg–hög", "Källa"], [3.3, 3.8, 2.0, 3.2, 3.7], num)
    _tag_row(t, "{%tr for r in actors.parameters %}")
    _row(doc, t, ["{{ r.name }}", "{{ r.actor }}", "{{ r.base }}", "{{ r.range }}", "{{ r.source }}"], num)
    _tag_row(t, "{%tr endfor %}")
    _tag(doc, "{%p endif %}")
