"""The report chapter "Uppföljning efter avslut": the example's figures, the response rate beside every
share, small-number suppression that never prints a false or computable count, and no to-do list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.builders import group, make_input, person
from tests.suppression_check import truthful
from tests.test_report_support import chapters
from tests.test_suppression_chapters import solvable
from xlpy import jobs
from xlpy.core import compute
from xlpy.model import Settings
from xlpy.report import render_report
from xlpy.report.context import build_context

D = dt.date
STATUSES = ("Arbete", "Studier", "Planering", "Annat")
FLOWS = ("kvar", "tillkommit", "forlorat", "ej_vidare")


@pytest.fixture(scope="module")
def results() -> dict[str, Any]:
    return compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))


def test_the_example_chapter_per_point_and_omgang(results: dict[str, Any]) -> None:
    ctx = build_context(results)["followup"]
    assert ctx["intro"].startswith("Deltagarna följs upp 3 och 6 månader efter avslutet")
    three, six = ctx["points"]
    assert [r["label"] for r in six["rows"]] == ["Grupp 1"]
    row = six["rows"][0]
    assert (row["eligible"], row["reached"], row["response"], row["moved_on"]) == ("12", "9 av 12 nådda", "75\u00a0%", "7")
    assert row["share_moved_on"] == "58\u00a0% (9 av 12 nådda)"
    assert row["share_among_reached"] == "78\u00a0%"
    assert row["statuses"] == ["4", "3", "2", "0"] and row["not_reached"] == "3"
    assert row["flow"] == ["4", "3", "1", "1"]
    assert six["pending_text"] == "Grupp 2 och Grupp 3: mättillfället har inte inträffat ännu."
    assert three["rows"][0]["share_moved_on"] == "58\u00a0% (10 av 12 nådda)"
    # -- numbered after the results chapter's tables and figures, in document order --
    assert int(three["table_no"]) + 3 == int(six["table_no"]) and int(three["figure_no"]) + 1 == int(six["figure_no"])


@pytest.fixture(scope="module")
def report(results: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_report(results, tmp_path_factory.mktemp("uppf") / "rapport.docx")


def test_the_rendered_chapter(report: Path, results: dict[str, Any]) -> None:
    chapter = chapters(report)["Uppföljning efter avslut"]
    assert "Efter 6 månader skulle 12 deltagare följas upp och 9 av dem nåddes." in chapter
    assert "58 % (9 av 12 nådda)" in chapter
    assert not results["followup_todo"]  # -- every follow-up due in the example is done --


def test_the_todo_list_never_reaches_the_report(tmp_path: Path) -> None:
    r = _omgang_data(0)
    r_late = compute(make_input(Settings(report_start=D(2019, 2, 1), report_end=D(2020, 7, 1)),
                                groups=[group("K1", no=1, start=D(2019, 1, 7), end=D(2019, 5, 31))],
                                participants=[person("Q7-01", "K1"), person("Q7-02", "K1")]))
    assert [t["participant_id"] for t in r_late["followup_todo"]] == ["Q7-01", "Q7-02"]
    assert r["levels"]["project"]["all"]["followup"]["6"]["eligible"] == 18
    text = chapters(render_report(r_late, tmp_path / "sen.docx"))
    assert "Uppföljning efter avslut" in text
    joined = "".join(text.values())
    assert "Q7-0" not in joined and "2019-11-30" not in joined


def test_the_chapter_is_left_out_without_participants(tmp_path: Path) -> None:
    r = compute(make_input(Settings(report_end=D(2020, 2, 1)), groups=[group()], participants=[]))
    assert build_context(r)["followup"]["points"][0]["any"] is False


# -- small numbers -----------------------------------------------------------------------------------

def _omgang_data(min_count: int) -> dict[str, Any]:
    groups = [group("K1", no=1, start=D(2019, 1, 7), end=D(2019, 5, 31)), group("K2", no=2)]
    people = [person(f"A{i}", "K1") for i in range(8)] + [person(f"B{i}", "K2") for i in range(10)]
    rows = ([{"participant_id": f"A{i}", "point": 6, "date": D(2020, 6, 25), "contact": "Nådd",
              "status": "Arbete" if i < 2 else "Planering"} for i in range(8)]
            + [{"participant_id": f"B{i}", "point": 6, "date": D(2020, 6, 25), "contact": "Nådd",
                "status": "Arbete" if i < 5 else "Studier"} for i in range(10)])
    s = Settings(report_start=D(2019, 2, 1), report_end=D(2020, 7, 1), min_count=min_count)
    return compute(make_input(s, groups=groups, participants=people, followup=rows))


def test_no_printed_count_is_false_and_no_hidden_count_is_computable() -> None:
    r = _omgang_data(5)
    point = build_context(r)["followup"]["points"][0]
    g1, g2 = point["rows"]
    total = point["total"]
    # -- Grupp 1: 2 Arbete is below 5, so it prints <5, never its true value --
    assert g1["statuses"][0] == "<5"
    exact = r["levels"]["omgang"]
    cells: dict[str, str] = {}
    sums: list[tuple[str, list[str]]] = []
    names = ["e", "m", *STATUSES, "nr", *FLOWS, "r"]
    for u, line, unit in (("1", g1, exact["1"]), ("2", g2, exact["2"]), ("T", total, r["levels"]["project"]["all"])):
        f = unit["followup"]["6"]
        printed = [line["eligible"], line["moved_on"], *line["statuses"], line["not_reached"], *line["flow"],
                   line["reached_n"]]
        truth = [f["eligible"], f["moved_on"], *f["statuses"].values(), f["eligible"] - f["reached"],
                 *f["flow"].values(), f["reached"]]
        for name, text, n in zip(names, printed, truth, strict=True):
            assert truthful(text, n, 5) and not (text.isdigit() and 0 < int(text) < 5), (u, name, text, n)
            cells[f"{u}.{name}"] = text
        sums += [(f"{u}.r", [f"{u}.{s}" for s in STATUSES]), (f"{u}.r", [f"{u}.{x}" for x in FLOWS]),
                 (f"{u}.m", [f"{u}.Arbete", f"{u}.Studier"]), (f"{u}.m", [f"{u}.kvar", f"{u}.tillkommit"]),
                 (f"{u}.e", [f"{u}.r", f"{u}.nr"])]
        if "%" in line["share_moved_on"]:  # -- a share only beside its shown counts --
            assert line["moved_on"].isdigit() and line["eligible"].isdigit() and line["reached_n"].isdigit()
    for name in names:
        sums.append((f"T.{name}", [f"1.{name}", f"2.{name}"]))
    assert solvable(cells, sums, 5, 18 + 5) == set(), cells


def test_without_a_threshold_everything_is_shown() -> None:
    point = build_context(_omgang_data(0))["followup"]["points"][0]
    assert [r["share_moved_on"] for r in point["rows"]] == ["25\u00a0% (8 av 8 nådda)", "100\u00a0% (10 av 10 nådda)"]
    assert not any(r["hidden"] for r in point["rows"])
