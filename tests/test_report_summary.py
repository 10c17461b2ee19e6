"""The report of a förbund-size workbook is summarised per omgång and municipality (issue #17): a generated
workbook of 500 participants (59 groups in 8 municipalities, above LARGE_REPORT_GROUPS) gives chapters whose
rows are municipalities (adding up to the omgång), no group listed one by one, one chart over the omgångar,
survey tables per municipality, and a page count a steering group can read."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document

from tests.libreoffice import needs_soffice, soffice_pdf
from tests.test_report_support import norm
from xlpy import jobs
from xlpy.core import compute
from xlpy.generate import generate_workbook
from xlpy.report import render_report, summary
from xlpy.report.context import build_context, ended_omgangar
from xlpy.report.context_surveys import surveys_context

CATS = ("Arbete", "Studier", "Planering", "Annat", "Ej registrerat")


@pytest.fixture(scope="module")
def results(tmp_path_factory) -> dict:
    path = generate_workbook(tmp_path_factory.mktemp("forbund") / "forbund.xlsx", 500, seed=1)
    return compute(jobs.load(jobs.open_file(path)))


def _texts(doc) -> list[str]:
    out = [norm(p.text) for p in doc.paragraphs]
    for t in doc.tables:
        out += [norm(c.text) for r in t.rows for c in r.cells]
    return out


def test_a_forbund_report_is_summarised_and_the_example_is_not(results):
    groups = results["levels"]["group"]
    assert summary.is_large(len(groups))
    ctx = build_context(results)
    municipalities = sorted({g["municipality"] for g in groups.values()})
    assert ctx["summarised"] and "finns i arbetsbokens blad" in ctx["summary_note"]
    assert [s["label"] for s in ctx["staffing"]] == [f"{m}, medel per grupp" for m in municipalities]
    assert len(ctx["method"]) == len(results["levels"]["omgang"])
    assert ctx["goal_columns"] == [o["label"] for o in sorted(results["levels"]["omgang"].values(),
                                                              key=lambda o: int(o["key"]))]
    for o in ctx["omgangar"]:
        assert [r["label"] for r in o["rows"]] == [m for m in municipalities
                                                   if any(r["label"] == m for r in o["rows"])]
        assert not o["show_chart"]
    example = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    small = build_context(example)
    assert not small["summarised"] and small["summary_note"] == ""
    assert small["titles"]["goals"] == "Måluppfyllelse per grupp"


def test_the_chapters_rows_add_up_to_the_omgang(results):
    for o in ended_omgangar(results):
        parts = summary.omgang_parts(results, o)
        assert sum(p["counts"]["started"] for p in parts) == o["counts"]["started"]
        assert sum(p["counts"]["moved_on"] for p in parts) == o["counts"]["moved_on"]
        for cat in CATS:
            assert sum(p["counts"]["outcomes"].get(cat, 0) for p in parts) == o["counts"]["outcomes"].get(cat, 0)


def test_no_group_is_listed_and_one_chart_shows_the_omgangar(results, tmp_path):
    out = render_report(results, tmp_path / "r.docx")
    texts = _texts(Document(str(out)))
    labels = {g["label"] for g in results["levels"]["group"].values()}
    assert not labels & set(texts)
    assert not any(lab in t for t in texts for lab in labels)
    with zipfile.ZipFile(out) as zf:
        images = [n for n in zf.namelist() if n.startswith("word/media/")]
    # -- the project's chart, the actor chart when shown, and the one over the omgångar --
    assert 2 <= len(images) <= 3
    assert any("per omgång, alla kommuner" in t for t in texts)


def test_the_summary_switches_above_the_threshold():
    n = summary.LARGE_REPORT_GROUPS
    assert not summary.is_large(n) and summary.is_large(n + 1)
    assert not summary.is_large(0)


def test_a_part_of_an_omgang_is_the_sum_of_its_groups_in_the_results(results):
    groups = results["levels"]["group"]
    for o in ended_omgangar(results):
        for p in summary.omgang_parts(results, o):
            members = [groups[g] for g in p["group_ids"]]
            assert {g["municipality"] for g in members} == {p["municipality"]}
            assert p["counts"]["started"] == sum(g["counts"]["started"] for g in members)
            assert p["counts"]["completers"] == sum(g["counts"]["completers"] for g in members)
            for m in ("narvaro", "sysselsattning"):
                parts = [g["basis"][m] for g in members if g.get("basis", {}).get(m)]
                if parts:
                    assert p["basis"][m] == [sum(b[0] for b in parts), sum(b[1] for b in parts)]


def _over_time_row(ctx, label):
    return next(r for r in ctx["over_time"]["rows"] if r["label"] == label)


def test_over_time_lists_omgangar_and_municipalities_not_groups(results):
    ctx = build_context(results)
    labels = [r["label"] for r in ctx["over_time"]["rows"]]
    group_labels = {g["label"] for g in results["levels"]["group"].values()}
    assert not set(labels) & group_labels
    omgangar = results["levels"]["omgang"]
    assert sum(1 for r in labels if r in {o["label"] for o in omgangar.values()}) == len(omgangar)
    # -- each omgång row prints the omgång's own count from the results (the threshold is 0 here) --
    for o in omgangar.values():
        assert _over_time_row(ctx, o["label"])["cells"][0].replace("\u00a0", " ").replace(" ", "") == \
            str(o["counts"]["started"])
    assert len(ctx["over_time"]["charts"]) == 1


def test_survey_tables_have_a_row_per_municipality_that_is_the_sum_of_its_groups():
    example = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    small, _, _ = surveys_context(example, 1, 1, 0)
    large, _, _ = surveys_context(example, 1, 1, 0, summarised=True)
    assert [c["survey"] for c in small] == [c["survey"] for c in large]
    lv = example["levels"]
    mun_labels = {m["label"] for m in lv["municipality"].values()}
    group_labels = {g["label"] for g in lv["group"].values()}
    deltagare = next(c for c in large if c["survey"] == "Deltagare")
    for q in deltagare["questions"]:
        labels = [r["label"] for r in q["rows"]]
        assert labels[-1] == "Totalt" and set(labels[:-1]) <= mun_labels and not set(labels) & group_labels
    assert all(line.split(":")[0] in mun_labels for line in deltagare["rate_lines"])
    # -- the municipality entries the rows print are the sums of their groups' entries --
    entries = [e for e in example["surveys"] if e["survey"] == "Deltagare" and e["kind"] == "question"]
    for m in lv["municipality"].values():
        for e in (e for e in entries if e["level"] == "municipality" and e["key"] == m["key"]):
            gs = [g for g in entries if g["level"] == "group" and g["question_id"] == e["question_id"]
                  and lv["group"][g["key"]]["municipality"] == m["label"]]
            assert e["n"] == sum(g["n"] for g in gs) and e["positive"] == sum(g["positive"] for g in gs)


@pytest.fixture(scope="module")
def forbund_pdf(tmp_path_factory) -> Path:
    # -- 1 000 participants: 117 groups in 8 municipalities over the generator's omgångar; the page count
    #    follows the omgångar (a chapter each), not the groups (the 5 000 workbook's 583 groups: 61 pages) --
    tmp = tmp_path_factory.mktemp("forbund_pdf")
    path = generate_workbook(tmp / "forbund.xlsx", 1000, seed=1)
    res = compute(jobs.load(jobs.open_file(path)))
    assert summary.is_large(len(res["levels"]["group"]))
    return soffice_pdf(render_report(res, tmp / "forbund.docx"), tmp)


@needs_soffice
def test_a_forbund_report_is_at_most_80_pages(forbund_pdf):
    out = subprocess.run(["pdfinfo", str(forbund_pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(next(line.split()[-1] for line in out.splitlines() if line.startswith("Pages:")))
    assert 20 <= pages <= 80
