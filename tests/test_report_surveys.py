"""The report's survey chapters: response rate sentence, a table and chart per question, the appendix, and
small-number suppression that never prints a false share nor lets a hidden count be worked out."""

from __future__ import annotations

import copy
import itertools
from pathlib import Path
from typing import Any

import pytest

from tests.test_report_support import chapters, norm
from xlpy import jobs
from xlpy.core import compute
from xlpy.report import render_report
from xlpy.report.context import build_context
from xlpy.report.context_surveys import FEW, HIDDEN, appendix_context, surveys_context


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))


@pytest.fixture(scope="module")
def text(results: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    return chapters(render_report(results, tmp_path_factory.mktemp("enkat") / "arsrapport.docx"))


def test_a_chapter_per_survey_with_the_response_rate_sentence(text: dict[str, str]) -> None:
    assert norm(text["Enkät: Deltagare"]).startswith("Enkäten Deltagare: 25 av 32 tillfrågade svarade (78 %).")
    assert "Klippan grupp 2: 9 av 11 tillfrågade svarade (82 %)." in norm(text["Enkät: Deltagare"])
    assert "6 av 8 tillfrågade svarade (75 %)" in norm(text["Enkät: Personal"])
    assert "5 av 7 tillfrågade svarade (71 %)" in norm(text["Enkät: Styrgrupp"])


def test_a_table_per_question_and_indicator_with_n_share_and_total(text: dict[str, str]) -> None:
    body = norm(text["Enkät: Deltagare"])
    for title in ("EGEN-1: Jag har fått det stöd jag behövde i gruppen.", "EGEN-3: Praktiken gav mig nya kontakter.",
                  "Indikatorn Stöd i gruppen (EGEN-1, EGEN-2 tillsammans)"):
        assert f": {title}" in body
    assert "Klippan grupp 2 | 8 | 75 % | – | –" in body
    assert "Totalt | 24 | 58 % | – | –" in body
    assert "Alla svar | 5 | 60 % | – | –" in norm(text["Enkät: Styrgrupp"])


def test_the_appendix_lists_every_question_with_its_scale(text: dict[str, str]) -> None:
    appendix = norm(text["Bilaga: Enkätfrågor"])
    for qid in ("EGEN-1", "EGEN-2", "EGEN-3", "EGEN-4", "EGEN-5"):
        assert qid in appendix
    assert "Skala Ja/Nej: Nej 9, Ja 16; giltiga svar 25." in appendix
    assert "Vet ej 1 (räknas inte)" in appendix


def test_tables_and_figures_are_numbered_after_the_results_chapters(results: dict[str, Any]) -> None:
    ctx = build_context(results)
    # -- the survey chapters come after Uppföljning efter avslut (after Resultat över tid), the last chapter
    #    with numbered tables and figures before them --
    points = [p for p in ctx["followup"]["points"] if p["table_no"]]
    assert points, "the example has follow-up tables"
    last_table = int(points[-1]["flow_table_no"])
    numbers = [int(q["table_no"]) for s in ctx["surveys"] for q in s["questions"]]
    assert numbers == list(range(last_table + 1, last_table + 1 + len(numbers)))
    figures = [int(q["figure_no"]) for s in ctx["surveys"] for q in s["questions"]]
    assert figures[0] == int(points[-1]["figure_no"]) + 1


def test_target_and_status_where_a_goal_uses_the_question(results: dict[str, Any]) -> None:
    r = copy.deepcopy(results)
    r["goals"].append({"id": "M10", "description": "", "metric": "enkat_positiva_egen-1", "comparison": ">=",
                       "target": 0.8, "target_max": None, "active": True})
    r["levels"]["group"]["K2"]["goals"]["M10"] = {"value": 0.75, "status": "Ej uppfyllt"}
    chapters_, _, _ = surveys_context(r, 1, 1, 0)
    [k2] = [row for row in chapters_[0]["questions"][0]["rows"] if row["label"] == "Klippan grupp 2"]
    assert norm(k2["target"]) == "minst 80 % – Ej uppfyllt"


def test_few_answers_show_for_fa_svar_and_counts_as_below_n(results: dict[str, Any]) -> None:
    chapters_, _, _ = surveys_context(results, 1, 1, 8)
    [q1] = [q for q in chapters_[0]["questions"] if q["title"].startswith("EGEN-1")]
    perstorp = next(r for r in q1["rows"] if r["label"] == "Perstorp grupp 2")
    assert (perstorp["n"], perstorp["share"]) == ("<8", FEW)  # -- 7 answers --
    assert all(b["label"] != "Perstorp grupp 2" for b in q1["bars"])
    assert chapters_[0]["hidden_note"]
    styr = next(c for c in chapters_ if c["survey"] == "Styrgrupp")
    assert styr["intro"] == "Enkäten Styrgrupp: färre än 8 tillfrågades och färre än 8 svarade."
    assert "giltiga svar <8" in appendix_context(results, 8)[-1]["answers"]


def test_a_share_shown_is_the_true_share(results: dict[str, Any]) -> None:
    chapters_, _, _ = surveys_context(results, 1, 1, 3)
    truth = {(e["question_id"] or e["indicator"], e["key"]): e for e in results["surveys"]}
    labels = {u["label"]: u["key"] for u in results["levels"]["group"].values()}
    for q in itertools.chain.from_iterable(c["questions"] for c in chapters_):
        ident = q["title"].split(":")[0] if not q["title"].startswith("Indikatorn") else "Stöd i gruppen"
        for row in q["rows"]:
            key = labels.get(row["label"], "all")
            e = truth[(ident, key)]
            if row["share"] not in (FEW, HIDDEN, "–"):
                # -- half up, as the report rounds (5 of 8 is 63 %; Python's round() would say 62) --
                assert norm(row["share"]) == f"{(200 * e['positive'] + e['n']) // (2 * e['n'])} %"


def test_chart_bars_with_suppression_show_only_positive_and_other(results: dict[str, Any]) -> None:
    chapters_, _, _ = surveys_context(results, 1, 1, 3)
    for q in chapters_[0]["questions"]:
        assert q["segments"] == ["Positiva", "Övriga"]
        for b in q["bars"]:
            assert set(b["counts"]) == {"Positiva", "Övriga"}
            assert all(v == 0 or v >= 3 for v in b["counts"].values())


def test_survey_chart_is_a_png(results: dict[str, Any], tmp_path: Path) -> None:
    from xlpy.report.charts import survey_chart

    q = build_context(results)["surveys"][0]["questions"][0]
    png = survey_chart(q["bars"], q["segments"], q["positive_segments"], tmp_path / "a.png")
    again = survey_chart(q["bars"], q["segments"], q["positive_segments"], tmp_path / "b.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.read_bytes() == again.read_bytes()


def test_questions_without_any_answers_give_no_chapter_and_no_appendix(results: dict[str, Any]) -> None:
    r = copy.deepcopy(results)
    r["surveys"] = [dict(e, n=0, positive=0, andel_positiva=None, counts={k: 0 for k in e["counts"]})
                    for e in r["surveys"] if e["level"] == "project"]
    r["response_rates"] = [dict(x, responded=0, rate=None) for x in r["response_rates"] if x["level"] == "project"]
    ctx = build_context(r)
    assert ctx["surveys"] == [] and ctx["survey_appendix"] == []
