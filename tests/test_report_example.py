"""The report of the bundled example workbook through the real pipeline: the seed's figures in the right chapters.

The PDF test runs LibreOffice twice (about 10 s); it is skipped only when soffice is not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.test_report_support import all_xml_text, chapters, norm
from xlpy import jobs
from xlpy.core import compute
from xlpy.report import convert_to_pdf, render_report


@pytest.fixture(scope="module")
def results() -> dict:
    return compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))


@pytest.fixture(scope="module")
def report(results, tmp_path_factory) -> Path:
    return render_report(results, tmp_path_factory.mktemp("exempel") / "arsrapport.docx")


@pytest.fixture(scope="module")
def text(report) -> dict[str, str]:
    return chapters(report)


def test_example_report_has_no_tags_or_placeholders(report):
    xml = all_xml_text(report)
    for tag in ("{{", "{%", "Text saknas"):
        assert tag not in xml


def test_organisation_shows_staffing_totals_per_group(text):
    org = text["Organisation"]
    for label, total in (("Klippan grupp 1", "200 %"), ("Klippan grupp 2", "150 %"), ("Perstorp grupp 2", "150 %"),
                         ("Klippan grupp 3", "190 %"), ("Perstorp grupp 3", "150 %")):
        assert f"Summa {label} | {total}" in org


def test_method_shows_weeks_internship_weeks_and_days(text):
    method = text["Metod"]
    assert "Klippan grupp 2 | Höst | 2 september 2019 | 19 december 2019 | 16 | 4 | 4" in method
    assert "17 veckor under våren och 16 veckor under hösten" in method


def test_goal_chapter_has_attendance_and_action_plan_per_group(text):
    goals = text["Mål och uppföljning"]
    assert "Grupp 1: Klippan 82,5 % – uppfyllt" in goals
    assert "Grupp 2: Klippan 81 % – uppfyllt; Perstorp 85 % – uppfyllt" in goals
    assert "sammantaget 76 % (16 av 21) – uppfyllt" in goals
    assert "Uppfyllt" in goals and "Pågår" in goals


def test_group_2_results_chapter_has_the_seed_figures(text):
    g2 = text["Resultat / Resultat grupp 2"]
    assert "11 deltagare i Klippan och 10 deltagare i Perstorp" in g2
    assert "Närvaro: Klippan 81 % och Perstorp 85 %" in g2
    assert "64 % av deltagarna från Klippan och 30 % av deltagarna från Perstorp" in g2
    assert "Klippan grupp 2 | 5 | 2 | 3 | 1 | 0 | 11" in g2
    assert "Perstorp grupp 2 | 1 | 2 | 7 | 0 | 0 | 10" in g2
    assert "period 1 deltog 76 % (16 av 21) och period 2 deltog 71 % (15 av 21)" in g2
    for row in ("År 1 | 3 192 000 kr | 3 192 000 kr", "År 4 | 3 192 000 kr | 12 768 000 kr",
                "År 1 | 1 520 000 kr | 1 520 000 kr", "År 2 | 1 520 000 kr | 3 040 000 kr",
                "År 3 | 1 520 000 kr | 4 560 000 kr", "År 4 | 1 520 000 kr | 6 080 000 kr",
                "År 1 | 1 672 000 kr | 1 672 000 kr", "År 2 | 1 672 000 kr | 3 344 000 kr",
                "År 3 | 1 672 000 kr | 5 016 000 kr", "År 4 | 1 672 000 kr | 6 688 000 kr"):
        assert row in g2
    assert "Om ingenting händer – 21 deltagare i grupp 2" in g2
    assert "Besparing – 10 deltagare" in g2 and "Kvarstående kostnad – 11 deltagare" in g2
    assert "152 000 kr per person och år" in g2 and "Källa: Ingvar Nilsson" in g2


def test_group_2_outcome_types_mirror_the_seed_footnotes(text):
    g2 = text["Resultat / Resultat grupp 2"]
    assert "Arbete, Klippan: 3 extratjänst" in g2
    assert "Annat, Klippan: 1 avslutad av Arbetsförmedlingen" in g2
    assert "Studier, Perstorp: 2 yrkes-SFI" in g2


def test_group_1_has_a_results_chapter_and_group_3_does_not(text):
    assert "Närvaro: Klippan 82,5 %" in text["Resultat / Resultat grupp 1"]
    assert not any("Resultat grupp 3" in k for k in text)


def test_statistics_tables_match_the_seed_with_computed_totals(text):
    stats = text["Resultat / Statistik"]
    for label in ("2018 september", "2019 maj", "2020 januari"):
        assert f"Målgruppen hos Arbetsförmedlingen, {label}" in stats
    for row in ("Båstad | 57 | 39 | 96", "Ängelholm | 127 | 120 | 247", "Perstorp | 39 | 104 | 143",
                "Klippan | 69 | 107 | 176", "Örkelljunga | 32 | 66 | 98",
                "Summa | 371 | 364 | 735", "Summa | 253 | 465 | 718", "Summa | 277 | 531 | 808"):
        assert row in stats


def test_project_cost_analysis_covers_all_participants_so_far(results, text):
    people = results["levels"]["project"]["all"]["costs"]["people"]
    analysis = text["Resultat / Socioekonomisk analys"]
    assert f"projektets {people} deltagare sedan projektstart" in analysis
    assert norm(f"{people * 152_000:,} kr".replace(",", " ")) in analysis
    assert "Produktionsbortfall" in analysis and "Figur 1:" in analysis


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed")
def test_pdf_of_the_example_report_holds_the_key_figures_slow(report, tmp_path):
    pdf = convert_to_pdf(report, tmp_path)
    assert pdf.exists() and pdf.suffix == ".pdf"
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    body = norm(out.stdout)
    for figure in ("82,5 %", "81 %", "85 %", "64 %", "30 %", "76 % (16 av 21)", "71 % (15 av 21)",
                   "3 192 000 kr", "6 080 000 kr", "6 688 000 kr", "200 %", "190 %", "ÅRSRAPPORT"):
        assert figure in body
    # -- the table of contents got real page numbers in the second LibreOffice pass --
    pages = {m.group(1): int(m.group(2)) for m in re.finditer(r"(Metod|Resultat grupp 2)\.{3,} ?(\d+)", body)}
    assert set(pages) == {"Metod", "Resultat grupp 2"}
    assert 2 < pages["Metod"] < pages["Resultat grupp 2"]
