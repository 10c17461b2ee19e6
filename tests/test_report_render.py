"""Rendering the Word report from the fixture results dict: template contract, structure, determinism, edits."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.shared import Pt
from docxtpl import DocxTemplate

from tests.test_report_support import all_xml_text, chapters, load_fixture, norm
from xlpy.report import ReportError, render_report
from xlpy.report.context import build_context
from xlpy.report.template_build import TABLE_STYLE, TEMPLATE_PATH, build_template


@pytest.fixture(scope="module")
def rendered(tmp_path_factory) -> Path:
    return render_report(load_fixture(), tmp_path_factory.mktemp("rapport") / "rapport.docx")


def test_template_asks_for_nothing_the_context_lacks():
    ctx = build_context(load_fixture())
    missing = DocxTemplate(str(TEMPLATE_PATH)).get_undeclared_template_variables(context=ctx)
    assert missing == set()


def test_committed_template_is_what_the_builder_makes(tmp_path):
    fresh = build_template(tmp_path / "mall.docx")
    assert fresh.read_bytes() == TEMPLATE_PATH.read_bytes()


def test_no_template_tags_or_placeholders_are_left(rendered):
    xml = all_xml_text(rendered)
    for tag in ("{{", "{%", "}}", "%}", "Text saknas", "fylls i när"):
        assert tag not in xml


def test_every_table_uses_the_report_table_style(rendered):
    doc = Document(str(rendered))
    assert len(doc.tables) >= 17
    assert {t.style.name for t in doc.tables} == {TABLE_STYLE}


def test_headings_use_word_built_in_styles_in_seed_order(rendered):
    doc = Document(str(rendered))
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert h1 == ["Bakgrund och syfte", "Omvärldsbevakning", "Organisation", "Metod", "Mål och uppföljning",
                  "Utmaningar", "Resultat", "Sammanfattning och rekommendationer"]
    h2 = [p.text for p in doc.paragraphs if p.style.name == "Heading 2"]
    assert "Resultat grupp 1" in h2 and "Resultat grupp 2" in h2 and "Resultat grupp 3" not in h2


def test_cover_header_footer_and_fields(rendered):
    text = chapters(rendered)[""]
    for expected in ("2020", "ÅRSRAPPORT", "Första Steget", "Klippan & Perstorp",
                     "12 månader, 1 februari 2019 – 1 februari 2020", "Samordningsförbundet NNV Skåne",
                     "Insatsägare: Klippans kommun"):
        assert expected in text
    xml = all_xml_text(rendered)
    assert "Första Steget – Årsrapport 2020" in xml  # header
    for instr in (" PAGE ", " NUMPAGES ", " SEQ Tabell ", " SEQ Figur ", ' TOC \\o "1-2"'):
        assert instr in xml
    settings = zipfile.ZipFile(rendered).read("word/settings.xml").decode()
    assert '<w:updateFields w:val="true"/>' in settings


def test_toc_lists_every_chapter_before_word_updates_it(rendered):
    doc = Document(str(rendered))
    toc = [p.text.strip() for p in doc.paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert toc[0] == "Bakgrund och syfte"
    assert "Resultat grupp 2" in toc and toc[-1] == "Om underlaget"


def test_captions_number_tables_and_figures_in_order(rendered):
    doc = Document(str(rendered))
    caps = [norm(p.text) for p in doc.paragraphs if p.style.name in ("Caption", "Bildtext under")]
    tables = [int(m.group(1)) for c in caps if (m := re.match(r"Tabell (\d+):", c))]
    figures = [int(m.group(1)) for c in caps if (m := re.match(r"Figur (\d+):", c))]
    assert tables == list(range(1, len(tables) + 1)) and len(tables) == len(doc.tables)
    assert figures == [1, 2, 3, 4, 5]  # -- 4, 5: Resultat över tid, one chart per municipality --


def test_charts_are_embedded_at_print_resolution(rendered):
    with zipfile.ZipFile(rendered) as z:
        pngs = [n for n in z.namelist() if n.startswith("word/media/") and n.endswith(".png")]
        assert len(pngs) == 5  # -- project, groups 1 and 2, one per municipality over time --
        head = z.read(pngs[0])
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(head[16:20], "big")
    assert width >= 1200  # 16 cm at 200 dpi is 1260 px


def test_core_properties_are_fixed_from_the_report_date(rendered):
    props = Document(str(rendered)).core_properties
    assert props.author == "Första Steget"
    stamp = dt.datetime(2020, 2, 1, tzinfo=dt.UTC)
    assert props.created == stamp and props.modified == stamp
    assert props.title == "Årsrapport 2020 – Första Steget"


def test_rendering_twice_gives_identical_files(tmp_path):
    a = render_report(load_fixture(), tmp_path / "a.docx")
    b = render_report(load_fixture(), tmp_path / "b.docx")
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        assert za.read("word/document.xml") == zb.read("word/document.xml")
    assert a.read_bytes() == b.read_bytes()


def test_missing_texts_show_placeholders_not_errors(tmp_path):
    results = load_fixture()
    results["texts"] = {}
    text = chapters(render_report(results, tmp_path / "r.docx"))
    assert "[Text saknas: skriv avsnittet Utmaningar i bladet Texter]" in text["Utmaningar"]
    assert "[Text saknas: skriv avsnittet Bakgrund och syfte i bladet Texter]" in text["Bakgrund och syfte"]


def test_text_with_markup_characters_is_escaped(tmp_path):
    results = load_fixture()
    results["texts"]["Utmaningar"] = "Språk <B1 & datorvana > förväntat"
    text = chapters(render_report(results, tmp_path / "r.docx"))
    assert "Språk <B1 & datorvana > förväntat" in text["Utmaningar"]


def test_an_edited_copy_of_the_template_still_renders(tmp_path):
    """What an evaluator does in Word: rename a heading, add a paragraph, change a style."""
    doc = Document(str(TEMPLATE_PATH))
    heading = next(p for p in doc.paragraphs if p.text == "Utmaningar")
    heading.runs[0].text = "Utmaningar och risker"
    note = heading.insert_paragraph_before("Detta stycke har utvärderaren lagt till i mallen.")
    note.style = doc.styles["Normal"]
    doc.styles["Normal"].font.size = Pt(12)
    doc.styles["Heading 1"].font.name = "Georgia"
    edited = tmp_path / "redigerad_mall.docx"
    doc.save(str(edited))

    out = render_report(load_fixture(), tmp_path / "r.docx", template=edited)
    text = chapters(out)
    assert "Utmaningar och risker" in text
    assert "Rekrytering av deltagare" in text["Utmaningar och risker"]
    assert "Detta stycke har utvärderaren lagt till i mallen." in text["Mål och uppföljning"]
    rendered_doc = Document(str(out))
    assert rendered_doc.styles["Normal"].font.size == Pt(12)
    toc = [p.text.strip() for p in rendered_doc.paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert "Utmaningar och risker" in toc


def test_a_broken_template_gives_a_swedish_error(tmp_path):
    doc = Document(str(TEMPLATE_PATH))
    doc.add_paragraph("{% for x in %}")
    broken = tmp_path / "trasig.docx"
    doc.save(str(broken))
    with pytest.raises(ReportError, match="kunde inte användas"):
        render_report(load_fixture(), tmp_path / "r.docx", template=broken)
    with pytest.raises(ReportError, match="finns inte"):
        render_report(load_fixture(), tmp_path / "r.docx", template=tmp_path / "saknas.docx")


def test_no_participant_codes_reach_the_document(tmp_path):
    results = load_fixture()
    # -- a code-like string put where codes could leak (problem values) must not be printed --
    results["problems"].append({"severity": "fel", "sheet": "Deltagare", "row": 5, "column": "DeltagarID",
                                "value": "K2-07", "message": "Dubblett.", "group_id": "K2"})
    xml = all_xml_text(render_report(results, tmp_path / "r.docx"))
    assert "K2-07" not in xml
    assert "Kontrollen fann 1 fel och 1 varning i" in norm(re.sub(r"<[^>]+>", "", xml))


def test_pdf_conversion_says_clearly_when_libreoffice_is_missing(rendered, monkeypatch):
    import xlpy.report.render as render_module

    monkeypatch.setattr(render_module.shutil, "which", lambda name: None)
    with pytest.raises(ReportError, match="LibreOffice hittades inte"):
        render_module.convert_to_pdf(rendered)


def _many_groups(n: int) -> dict:
    """The fixture's results with its groups repeated until there are `n` (new keys and labels)."""
    import copy

    results = load_fixture()
    originals = list(results["levels"]["group"].values())
    groups = {}
    for i in range(n):
        g = copy.deepcopy(originals[i % len(originals)])
        g["key"], g["label"] = f"G{i:02d}", f"{g['municipality']} grupp {i // len(originals) + 1} (G{i:02d})"
        groups[g["key"]] = g
    results["levels"]["group"] = groups
    return results


@pytest.mark.parametrize(("groups", "tables"), [(5, 1), (6, 2), (23, 5)])
def test_the_goal_matrix_is_split_into_readable_tables_of_at_most_five_groups(tmp_path, groups, tables):
    from xlpy.report.docx_xml import table_alt_text
    from xlpy.report.template_build import GOAL_MATRIX_ALT

    out = render_report(_many_groups(groups), tmp_path / "r.docx")
    doc = Document(str(out))
    matrices = [t for t in doc.tables if table_alt_text(t) == GOAL_MATRIX_ALT]
    assert len(matrices) == tables
    assert all(2 <= len(t.columns) <= 6 for t in matrices)  # -- the goal column and at most five groups --
    shown = [c.text for t in matrices for c in t.rows[0].cells[1:]]
    assert len(shown) == groups and len(set(shown)) == groups, "every group once, in one of the tables"
    titles = [p.text for p in doc.paragraphs if p.text.startswith("Grupperna ")]
    assert titles == ([] if tables == 1 else [t for t in titles if t.endswith(f"av {groups}")])
    assert len(titles) == (0 if tables == 1 else tables)
