"""The report's "Vem sparar vad" section: actors × years, a chart per actor, sensitivity, the insats's cost and
every parameter with its source; counts through the suppression decision; numbering stays in order."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from docx import Document
from docxtpl import DocxTemplate

from tests.test_actors import BUDGET, ITEMS_152000, example_book, items
from tests.test_report_support import norm
from xlpy.core import compute
from xlpy.example import example_data
from xlpy.jobs import load
from xlpy.report import render_report
from xlpy.report.context import build_context
from xlpy.report.template_build import TEMPLATE_PATH


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return compute(load(example_book(cost_items=items(ITEMS_152000), budget=BUDGET)))


@pytest.fixture(scope="module")
def rendered(results, tmp_path_factory) -> Path:
    return render_report(results, tmp_path_factory.mktemp("aktorer") / "rapport.docx")


def test_the_actor_table_rows_are_the_project_split_and_sum_to_the_total(results) -> None:
    a = build_context(results)["actors"]
    assert a["show"] and a["show_chart"]
    assert [r["label"] for r in a["rows"]] == ["Kommun", "Region", "Arbetsförmedlingen", "Försäkringskassan",
                                              "Staten övrigt"]
    assert a["years"] == ["År 1", "År 2", "År 3", "År 4"]
    as_int = lambda text: int(re.sub(r"\D", "", text))  # noqa: E731
    for j in range(4):
        assert sum(as_int(r["cells"][j]) for r in a["rows"]) == as_int(a["total"]["cells"][j])
    assert norm(a["total"]["cells"][-1]) == "9 120 000 kr"  # -- 15 moved on × 152 000 × 4 --


def test_every_parameter_has_its_source_beside_it(results) -> None:
    params = build_context(results)["actors"]["parameters"]
    by_name = {p["name"]: p for p in params}
    for item, _actor, kind, *_, source in ITEMS_152000:
        assert by_name[f"{item} ({kind.lower()})"]["source"] == source
    for name in ("Månadslön vid arbete", "Arbetsgivaravgift", "Diskonteringsränta", "Kalkylår", "Varaktighet"):
        assert by_name[name]["source"] == "Bladet Inställningar"
    assert all(p["source"] for p in params)


def test_insats_cost_netto_and_payback_are_told_in_words(results) -> None:
    text = norm(build_context(results)["actors"]["insats_text"])
    assert "1 300 000 kr till och med 2020" in text
    assert f"nettot {norm(format(results['netto'], ',').replace(',', ' '))} kr" in text
    assert "6,8 månader" in text


def test_counts_in_the_section_go_through_suppression() -> None:
    settings = [r if r["key"] != "Minsta redovisade antal" else {**r, "value": 20} for r in example_data()["settings"]]
    res = compute(load(example_book(settings=settings, cost_items=items(ITEMS_152000))))
    a = build_context(res)["actors"]
    # -- 15 moved on is below 20: "färre än 20" in the text, not in the title, and every saving amount
    #    (moved on × K, which would give the 15 away) printed as – --
    assert "har färre än 20 gått vidare" in a["text"] and "för dem som gått vidare" in a["table_title"]
    assert "15" not in re.sub(r"\d[\d\s\u00a0]*kr", "", a["text"])
    assert not re.search(r"\d[\s\u00a0]kr", a["text"]) and not a["show_chart"]
    assert {c for r in [*a["rows"], a["total"], a["financial"]] for c in r["cells"]} == {"–"}
    assert {s["saving"] for s in a["sensitivity"]} == {"–"} and "återbetald" not in a["insats_text"]


def test_without_kostnadsposter_the_section_says_so_and_shows_no_chart() -> None:
    a = build_context(compute(load(example_book())))["actors"]
    assert a["show"] and not a["show_chart"]
    assert [r["label"] for r in a["rows"]] == ["Ej fördelat"]
    assert "Bladet Kostnadsposter är tomt" in a["text"]
    assert "Budget har inga rader" in a["insats_text"]


def test_template_asks_for_nothing_the_actor_context_lacks(results) -> None:
    ctx = build_context(results)
    assert DocxTemplate(str(TEMPLATE_PATH)).get_undeclared_template_variables(context=ctx) == set()


def test_the_rendered_section_holds_the_tables_the_chart_and_numbered_captions(rendered) -> None:
    doc = Document(str(rendered))
    texts = [norm(p.text) for p in doc.paragraphs]
    assert "Vem sparar vad – besparing per aktör" in texts
    caps = [t for p, t in zip(doc.paragraphs, texts, strict=True) if p.style.name in ("Caption", "Bildtext under")]
    tables = [int(m.group(1)) for c in caps if (m := re.match(r"Tabell (\d+):", c))]
    figures = [int(m.group(1)) for c in caps if (m := re.match(r"Figur (\d+):", c))]
    assert tables == list(range(1, len(tables) + 1)) and len(tables) == len(doc.tables)
    assert figures == list(range(1, len(figures) + 1))
    assert any(c.startswith("Figur 2: Besparing per aktör") for c in caps)
    actor_table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Aktör")
    assert [norm(c.text) for c in actor_table.rows[0].cells] == ["Aktör", "År 1", "År 2", "År 3", "År 4"]
    assert [r.cells[0].text for r in actor_table.rows[1:]] == ["Kommun", "Region", "Arbetsförmedlingen",
                                                               "Försäkringskassan", "Staten övrigt", "Summa",
                                                               "varav finansiella"]
    sources = {norm(r.cells[-1].text) for t in doc.tables if t.rows[0].cells[-1].text == "Källa" for r in t.rows}
    assert {"SEE AB, tabell 3", "Nilsson & Wadeskog", "Bladet Inställningar"} <= sources
