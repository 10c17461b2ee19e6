"""The next year's report of the example (issue #12): the period's groups, the planned groups, the
baseline statistics, the comparison with the previous period and Resultat över tid."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from xlpy import jobs
from xlpy.core.compute import compute
from xlpy.core.suppress import Ledger, decide
from xlpy.example import build_next_year
from xlpy.outputs.sheets import build_output_sheets
from xlpy.report.context import build_context, ended_omgangar


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("later") / "exempel_2020.xlsx"
    build_next_year(path)
    return jobs.check_file(Path(path)).results


def test_next_year_period_groups_statuses_and_planned(later: dict[str, Any]) -> None:
    status = {k: u["period_status"] for k, u in later["levels"]["group"].items()}
    assert status == {"K1": "Avslutad tidigare", "K2": "Avslutad tidigare", "P2": "Avslutad tidigare",
                      "K3": "Avslutad", "P3": "Avslutad"}
    assert later["levels"]["period"]["all"]["group_ids"] == ["K3", "P3"]
    assert [g["group_id"] for g in later["planned_groups"]] == ["K4", "P4"]
    assert [o["key"] for o in ended_omgangar(later)] == ["3"]
    assert later["levels"]["project"]["all"]["counts"]["started"] == 54


def test_next_year_context_is_about_group_3_with_groups_1_2_only_over_time(later: dict[str, Any]) -> None:
    ctx = build_context(later)
    assert ctx["goal_columns"] == ["Klippan grupp 3", "Perstorp grupp 3", "Föregående period"]
    assert [s["label"] for s in ctx["method"]] == ["Klippan grupp 3", "Perstorp grupp 3"]
    assert [o["heading"] for o in ctx["omgangar"]] == ["Resultat grupp 3"]
    assert [s["label"] for s in ctx["statistics"]] == ["2020 januari (utgångsläge före perioden)"]
    assert ctx["planned"][0].startswith("Klippan grupp 4: planerad start 22 februari 2021")
    comp = {r["label"]: (r["current"], r["previous"]) for r in ctx["comparison"]["rows"]}
    assert ctx["comparison"]["show"] and comp["Startade deltagare"] == ("21", "33")
    assert comp["Andel vidare till arbete eller studier"][1] == "45\u00a0%"   # 15 of 33 in groups 1-2
    labels = [r["label"] for r in ctx["over_time"]["rows"]]
    assert labels[0] == "Klippan grupp 1 (avslutad tidigare)" and labels[-1] == "Sedan projektstart"
    assert "Grupp 2 totalt" in labels and "Klippan, alla grupper" in labels
    assert len(ctx["over_time"]["charts"]) == 2
    assert ctx["cover"]["kind"] == "ÅRSRAPPORT"


def test_the_seed_report_has_no_comparison_and_keeps_its_chapters() -> None:
    results = jobs.check_file(jobs.EXAMPLE_WORKBOOK).results
    ctx = build_context(results)
    assert not ctx["comparison"]["show"] and ctx["planned"] == []
    assert [o["heading"] for o in ctx["omgangar"]] == ["Resultat grupp 1", "Resultat grupp 2"]
    assert len(ctx["statistics"]) == 3 and "Föregående period" not in ctx["goal_columns"]


def test_over_time_sheet_has_every_group_and_the_project_row(later: dict[str, Any]) -> None:
    sheet = next(s for s in build_output_sheets(later) if s.name == "Över tid")
    labels = [r[0].value for r in sheet.rows[4:]]
    assert labels[:3] == ["Klippan grupp 1", "Klippan grupp 2", "Perstorp grupp 2"]
    assert labels[-1] == "Sedan projektstart" and sheet.rows[-1][4].value == 54


def test_over_time_suppression_hides_a_lone_small_cell_behind_its_totals() -> None:
    # -- a total (index 0) of two parts: hiding 3 alone would let 10 - 7 give it away --
    led = Ledger()
    for i, v in enumerate([10, 3, 7]):
        led.add(i, v)
    led.line(0, [1, 2])
    assert [decide(led, 5).hidden(i) for i in range(3)] == [False, True, True]
    assert [decide(led, 0).hidden(i) for i in range(3)] == [False, False, False]


def test_over_time_in_the_report_prints_no_false_or_computable_count(later: dict[str, Any]) -> None:
    later = dict(later, parameters=dict(later["parameters"], min_count=5))
    ctx = build_context(later)
    rows = ctx["over_time"]["rows"]
    from xlpy.core import overtime
    from xlpy.report.context_period import REPORT_KEYS

    cols = {c.key: c for c in overtime.columns(later)}
    for r, unit_row in zip(rows, overtime.rows(later), strict=True):
        for key, cell in zip(REPORT_KEYS, r["cells"], strict=True):
            if cols[key].count:
                true = cols[key].value(unit_row.unit)
                # -- (a) no printed number or `<5` is false --
                assert cell in ("–", "..") or cell == ("<5" if 0 < true < 5 else str(true)), (r["label"], key, cell)
                assert cell != "–" or not 0 < true < 5, (r["label"], key, cell)  # -- `–` is 0 or at least 5 --
    # -- Annat is 1 per group: hidden everywhere, and no subtotal row prints it --
    annat = [r["cells"][6] for r in rows]
    assert all(c in ("<5", "–", "..", "0") for c in annat)


def test_a_slutrapport_when_the_period_covers_the_projektperiod(later: dict[str, Any]) -> None:
    final = dict(later, meta=dict(later["meta"], final_report=True))
    ctx = build_context(final)
    assert ctx["cover"]["kind"] == "SLUTRAPPORT" and "hela projektperioden" in ctx["scope_note"]


def test_compute_is_deterministic_for_the_next_year_example(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    build_next_year(path)
    data = jobs.load(jobs.open_file(path))
    assert compute(data)["levels"] == compute(data)["levels"]


def test_small_faults_no_empty_praktik_line_and_no_double_dash() -> None:
    import datetime as dt

    from tests.builders import group, make_input, person
    from xlpy.model import Settings

    s = Settings(report_start=dt.date(2019, 2, 1), report_end=dt.date(2020, 2, 1))
    data = make_input(s, groups=[group("K2"), group("K3", no=3, start=dt.date(2020, 1, 20), end=dt.date(2020, 5, 15))],
                      participants=[person(f"K2-{i}") for i in range(6)] + [person(f"K3-{i}", "K3") for i in range(6)])
    ctx = build_context(compute(data))
    bullets = ctx["omgangar"][0]["bullets"]
    assert "Praktik: inga praktikplatser är registrerade i bladet Praktik." in bullets
    assert not any("deltog –" in b for b in bullets)
    lines = [line for d in ctx["goal_details"] for line in d["lines"]]
    assert lines and not any("– –" in line for line in lines)
    assert any("Klippan – pågår" in line for line in lines)


@pytest.mark.parametrize("n_min", range(2, 14))
def test_comparison_prints_the_period_as_the_resultat_table_prints_the_same_people(
        later: dict[str, Any], n_min: int) -> None:
    """The comparison's Perioden is grupp 3 (K3 + P3), whose total the Resultat table prints: one decision,
    one text. (The comparison printed its counts on its own: 21 and 21 beside a Resultat table hiding its
    total as `–` at 2, 3 and 9, so the protection there was void.)"""
    r = dict(later, parameters=dict(later["parameters"], min_count=n_min))
    ctx = build_context(r)
    rows = {row["label"]: row for row in ctx["comparison"]["rows"]}
    (omgang,) = ctx["omgangar"]
    total = omgang["total"]
    assert [rows["Startade deltagare"]["current"], rows["Fullföljde"]["current"]] == [
        total["started"], total["completers"]], n_min
    # -- the counts are the ledger's: a hidden one reads as the decision says, and the note explains it --
    if {"–", ".."} & {rows["Startade deltagare"]["current"], rows["Fullföljde"]["current"]}:
        assert "dolt för att skydda små tal" in ctx["comparison"]["text"]


@pytest.mark.parametrize("n_min", [11, 12, 13])
def test_comparison_hides_a_share_whose_startade_is_hidden(later: dict[str, Any], n_min: int) -> None:
    """METRICS.md: a share whose numerator or denominator is hidden is hidden (at 12 Föregående period printed
    45 % under a hidden Startade)."""
    r = dict(later, parameters=dict(later["parameters"], min_count=n_min))
    rows = {row["label"]: row for row in build_context(r)["comparison"]["rows"]}
    for col in ("current", "previous"):
        if rows["Startade deltagare"][col] in ("–", ".."):
            assert rows["Andel vidare till arbete eller studier"][col] == "dolt", (n_min, col)


def test_over_time_says_pagar_for_an_ongoing_groups_share() -> None:
    """An ongoing group has no share moved on yet: `pågår`, not the `–` the table's note explains as a count
    hidden to protect small ones."""
    from xlpy.report.context_period import REPORT_KEYS

    results = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    rows = build_context(results)["over_time"]["rows"]
    share = REPORT_KEYS.index("sysselsattning")
    ongoing = [r["cells"][share] for r in rows if "(pågår)" in r["label"]]
    assert ongoing and set(ongoing) == {"pågår"}
    assert "–" not in [r["cells"][share] for r in rows]
