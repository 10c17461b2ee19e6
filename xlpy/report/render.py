"""Render the annual report (.docx) from a results dict, and convert it to PDF with LibreOffice."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from docx import Document
from docx.shared import Cm
from docxtpl import DocxTemplate, InlineImage

from xlpy.report import charts
from xlpy.report.context import build_context, ended_omgangar
from xlpy.report.docx_xml import (
    fill_toc,
    normalise_zip,
    set_column_widths,
    set_update_fields,
    table_alt_text,
    toc_entries,
)
from xlpy.report.template_build import GOAL_MATRIX_ALT, TEXT_WIDTH_CM, build_template
from xlpy.report.template_costs import ACTOR_TABLE_ALT
from xlpy.resources import TEMPLATE_NAME, data_path

CHART_WIDTH_CM = 15.5
GOAL_LABEL_WIDTH_CM = 5.5
ACTOR_LABEL_WIDTH_CM = 4.0


class ReportError(Exception):
    """The report cannot be made (template missing or broken, LibreOffice missing or failing).
    The message is Swedish and meant for the user."""


def _attach_charts(tpl: DocxTemplate, ctx: dict[str, Any], results: dict[str, Any], tmp: Path) -> None:
    project = results["levels"].get("project", {}).get("all")
    # -- a chart's bars are counts × K: a count the suppression decision hid leaves its bars out --
    if project is not None and not ctx["project"].get("hidden"):
        png = charts.project_chart(project, tmp / "projekt.png")
        ctx["project"]["chart"] = InlineImage(tpl, str(png), width=Cm(CHART_WIDTH_CM))
        if ctx.get("actors", {}).get("show_chart"):
            png = charts.actor_chart(project, tmp / "aktorer.png")
            ctx["actors"]["chart"] = InlineImage(tpl, str(png), width=Cm(CHART_WIDTH_CM))
    for o_ctx, unit in zip(ctx["omgangar"], ended_omgangar(results), strict=True):
        legend = o_ctx.get("legend")
        if (legend is not None and not any(legend.values())) or not o_ctx.get("show_chart", True):
            continue
        png = charts.omgang_chart(unit, tmp / f"grupp_{unit['key']}.png", legend)
        o_ctx["chart"] = InlineImage(tpl, str(png), width=Cm(CHART_WIDTH_CM))
    for chapter in ctx.get("surveys", []):
        for q in chapter["questions"]:
            if q["bars"]:
                png = charts.survey_chart(q["bars"], q["segments"], q["positive_segments"],
                                          tmp / f"enkat_{q['figure_no']}.png")
                q["chart"] = InlineImage(tpl, str(png), width=Cm(CHART_WIDTH_CM))
    for point in ctx.get("followup", {}).get("points", []):
        if point["any"] and point.get("show_chart", True):
            png = charts.followup_chart(point, tmp / f"uppfoljning_{point['months']}.png")
            point["chart"] = InlineImage(tpl, str(png), width=Cm(CHART_WIDTH_CM))
    _attach_over_time_charts(tpl, ctx, results, tmp)


def _attach_over_time_charts(tpl: DocxTemplate, ctx: dict[str, Any], results: dict[str, Any], tmp: Path) -> None:
    from xlpy.core.overtime import municipality_series
    from xlpy.report.charts_overtime import municipality_chart

    over_time = ctx.get("over_time") or {}
    series = municipality_series(results)
    # -- a group whose share the table hides is hidden in its chart too --
    hidden = {r["key"] for r in over_time.get("hidden_shares", [])}
    omgangar = results["levels"].get("omgang", {})
    for i, c in enumerate(over_time.get("charts", [])):
        # -- a summarised report's one chart: the omgångar, each pooled over its groups --
        units = [omgangar[k] for k in c["omgangar"]] if c.get("omgangar") else series[c["municipality"]]
        png = municipality_chart(units, tmp / f"over_tid_{i}.png", hidden)
        c["chart"] = InlineImage(tpl, str(png), width=Cm(CHART_WIDTH_CM))


def _fix_goal_matrix(doc) -> None:  # noqa: ANN001 - docx.Document
    # -- docxtpl spreads a {%tc for %} table evenly; give the goal text (and the actor names) a wide column --
    label_width = {GOAL_MATRIX_ALT: GOAL_LABEL_WIDTH_CM, ACTOR_TABLE_ALT: ACTOR_LABEL_WIDTH_CM}
    for table in doc.tables:
        first = label_width.get(table_alt_text(table) or "")
        if first is None:
            continue
        n = len(table.columns)
        if n > 1:
            rest = (TEXT_WIDTH_CM - first) / (n - 1)
            set_column_widths(table, [first] + [rest] * (n - 1))


def _set_properties(doc, results: dict[str, Any]) -> None:  # noqa: ANN001
    meta = results["meta"]
    end = meta.get("report_end")
    stamp = dt.datetime.fromisoformat(end[:10]) if end else dt.datetime(2000, 1, 1)
    props = doc.core_properties
    props.author = "Första Steget"
    props.last_modified_by = "Första Steget"
    props.title = f"Årsrapport {stamp.year} – {meta.get('project_name') or 'Första Steget'}"
    props.subject = meta.get("federation") or ""
    props.created = stamp
    props.modified = stamp
    props.revision = 1
    props.comments = ("Skapad trots varning om personuppgifter i arbetsboken."
                      if meta.get("personal_data_override") else "")


def render_report(results: dict[str, Any], out_path: Path | str, template: Path | str | None = None) -> Path:
    """Write the annual report for `results` (the dict of xlpy.core.compute) to `out_path` (.docx).

    template: a .docx made by xlpy.report.template_build, possibly edited in Word; None = the packaged
    copy of word_templates/arsrapport.docx (xlpy.resources; built on the fly if it is missing).
    Returns the written path. Raises ReportError with a Swedish message if the template is unusable.
    """
    out = Path(out_path)
    tpl_path = Path(template) if template is not None else data_path(TEMPLATE_NAME)
    with tempfile.TemporaryDirectory(prefix="xlpy-rapport-") as tmpdir:
        tmp = Path(tmpdir)
        if not tpl_path.exists():
            if template is not None:
                raise ReportError(f"Rapportmallen {tpl_path} finns inte.")
            tpl_path = build_template(tmp / "arsrapport.docx")
        ctx = build_context(results)
        try:
            tpl = DocxTemplate(str(tpl_path))
            _attach_charts(tpl, ctx, results, tmp)
            tpl.render(ctx, autoescape=True)
        except Exception as exc:  # noqa: BLE001 - docxtpl/jinja raise many kinds; the user needs one message
            raise ReportError(f"Rapportmallen {tpl_path.name} kunde inte användas: {exc}. Kontrollera att "
                              "fälten {{ … }} och {% … %} i mallen är hela.") from exc
        _fix_goal_matrix(tpl.docx)
        # -- page numbers are unknown until laid out: Word fills them on open, convert_to_pdf does too --
        fill_toc(tpl.docx, [(level, text, "") for level, text in toc_entries(tpl.docx)])
        set_update_fields(tpl.docx)
        _set_properties(tpl.docx, results)
        out.parent.mkdir(parents=True, exist_ok=True)
        tpl.save(str(out))
    normalise_zip(out)
    return out


def _normalise_text(text: str) -> str:
    return " ".join(text.replace("\u00ad", "").split()).casefold()


def heading_pages(pdf: Path, headings: list[str]) -> list[str]:
    """The page number (as text) on which each heading first appears, searching in order from the
    previous heading's page; "" where a heading cannot be found or pdftotext is missing."""
    exe = shutil.which("pdftotext")
    if exe is None:
        return [""] * len(headings)
    proc = subprocess.run([exe, "-layout", str(pdf), "-"], capture_output=True, text=True, check=False)
    pages = [_normalise_text(p) for p in proc.stdout.split("\f")]
    out, start = [], 2  # -- page 1 is the cover; the TOC itself lists every heading, skip its page --
    toc_page = next((i for i, p in enumerate(pages) if "innehåll" in p), 0)
    start = max(start, toc_page + 1)
    for h in headings:
        needle = _normalise_text(h)
        found = next((i for i in range(start, len(pages)) if needle in pages[i]), None)
        if found is None:
            out.append("")
        else:
            out.append(str(found + 1))
            start = found
    return out


def _soffice_pdf(soffice: str, src: Path, target: Path, timeout: float) -> Path:
    with tempfile.TemporaryDirectory(prefix="xlpy-lo-") as profile:
        # -- a private profile lets several conversions run at once without LibreOffice's profile lock --
        cmd = [soffice, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(target), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise ReportError(f"LibreOffice svarade inte inom {int(timeout)} sekunder.") from exc
    pdf = target / (src.stem + ".pdf")
    if proc.returncode != 0 or not pdf.exists():
        raise ReportError(f"LibreOffice kunde inte skapa PDF av {src.name}: {proc.stderr.strip() or proc.stdout.strip()}")
    return pdf


def convert_to_pdf(docx_path: Path | str, out_dir: Path | str | None = None, timeout: float = 180) -> Path:
    """Convert a .docx to PDF with LibreOffice (headless); the PDF lands beside it unless out_dir is given.

    LibreOffice does not refresh a table of contents on load, so the report is laid out twice: once to
    find each heading's page, then with those page numbers in the TOC. The .docx itself is not changed.
    Raises ReportError with a clear Swedish message when LibreOffice is not installed or fails.
    """
    src = Path(docx_path).resolve()
    if not src.exists():
        raise ReportError(f"Filen {src} finns inte.")
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise ReportError("LibreOffice hittades inte (kommandot soffice saknas), så ingen PDF skapades. "
                          "Installera LibreOffice eller öppna rapporten i Word och spara som PDF.")
    target = Path(out_dir).resolve() if out_dir is not None else src.parent
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="xlpy-pdf-") as tmpdir:
        work = Path(tmpdir) / src.name
        shutil.copyfile(src, work)
        doc = Document(str(work))
        entries = toc_entries(doc)
        if entries and fill_toc(doc, [(lvl, text, "00") for lvl, text in entries]):
            doc.save(str(work))
            first = _soffice_pdf(soffice, work, Path(tmpdir), timeout)
            pages = heading_pages(first, [text for _, text in entries])
            doc = Document(str(work))
            fill_toc(doc, [(lvl, text, page) for (lvl, text), page in zip(entries, pages, strict=True)])
            doc.save(str(work))
        pdf = _soffice_pdf(soffice, work, Path(tmpdir), timeout)
        final = target / (src.stem + ".pdf")
        # -- like the .docx: temp beside it, verified, renamed; never through a link, never half --
        from xlpy.io import safety
        from xlpy.report.save import verify_pdf

        with safety.workbook_lock(final):
            safety.check_output_path(final)
            safety.atomic_write(final, lambda tmp: shutil.copyfile(pdf, tmp), verify_pdf)
    return final
