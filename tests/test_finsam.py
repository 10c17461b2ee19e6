"""The national follow-up's counts per calendar year and SUS's four exit categories (METRICS.md, "The
national follow-up (Finsam) and SUS's roll-up"), with the calendar-year edges."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.builders import group, make_input, person
from xlpy.core import compute
from xlpy.model import Settings

D = dt.date
REPORT_END = D(2021, 6, 30)


def finsam(participants: list[dict], groups: list[dict] | None = None, report_end: dt.date = REPORT_END,
           outcomes: list[dict] | None = None) -> dict:
    data = make_input(Settings(report_start=D(2019, 1, 1), report_end=report_end),
                      groups=groups or [group("G", start=D(2019, 12, 31), end=D(2020, 1, 1))],
                      participants=participants, outcomes=outcomes or [])
    return compute(data)


def test_start_on_31_december_and_exit_on_1_january_count_in_both_years() -> None:
    res = finsam([person("A", "G", gender="Kvinna")])["finsam"]
    assert list(res) == ["2019", "2020", "2021"]
    assert res["2019"]["aktiva"] == {"Kvinna": 1, "Man": 0, "Annat": 0, "Uppgift saknas": 0, "total": 1}
    assert res["2019"]["nya"]["total"] == 1 and res["2019"]["avslutade"]["total"] == 0
    assert res["2020"]["aktiva"]["Kvinna"] == 1
    assert res["2020"]["nya"]["total"] == 0 and res["2020"]["avslutade"]["Kvinna"] == 1
    assert res["2021"]["aktiva"]["total"] == 0


def test_kon_splits_and_empty_kon_is_uppgift_saknas() -> None:
    people = [person("A", "G", gender="Kvinna"), person("B", "G", gender="Man"), person("C", "G", gender="Annat"),
              person("D", "G", gender=None), person("E", "G", gender="Kvinna")]
    res = finsam(people)["finsam"]["2019"]["aktiva"]
    assert res == {"Kvinna": 2, "Man": 1, "Annat": 1, "Uppgift saknas": 1, "total": 5}


def test_exit_after_the_report_date_is_active_but_not_ended() -> None:
    groups = [group("G", start=D(2021, 1, 10), end=D(2021, 12, 20))]
    res = finsam([person("A", "G", gender="Kvinna")], groups, report_end=D(2021, 6, 30))["finsam"]
    assert list(res) == ["2021"]
    assert res["2021"]["aktiva"]["total"] == 1 and res["2021"]["nya"]["total"] == 1
    assert res["2021"]["avslutade"]["total"] == 0


def test_a_participant_starting_after_the_report_date_is_in_no_count() -> None:
    groups = [group("G", start=D(2021, 1, 10), end=D(2021, 12, 20)),
              group("H", start=D(2021, 8, 1), end=D(2021, 12, 20), no=3)]
    res = finsam([person("A", "G"), person("B", "H")], groups, report_end=D(2021, 6, 30))["finsam"]
    assert res["2021"]["aktiva"]["total"] == 1 and res["2021"]["nya"]["total"] == 1


def test_own_start_and_exit_dates_come_before_the_groups() -> None:
    groups = [group("G", start=D(2019, 9, 2), end=D(2020, 5, 15))]
    people = [person("A", "G", start=D(2020, 1, 7)), person("B", "G", end=D(2019, 11, 1)), person("C", "G")]
    res = finsam(people, groups)["finsam"]
    assert res["2019"]["nya"]["total"] == 2 and res["2020"]["nya"]["total"] == 1
    assert res["2019"]["avslutade"]["total"] == 1 and res["2020"]["avslutade"]["total"] == 2
    assert res["2019"]["aktiva"]["total"] == 2 and res["2020"]["aktiva"]["total"] == 2


def test_a_group_without_slutdatum_is_active_every_year_and_never_ended() -> None:
    groups = [group("G", start=D(2019, 9, 2), end=None)]
    res = finsam([person("A", "G")], groups)["finsam"]
    assert [res[y]["aktiva"]["total"] for y in ("2019", "2020", "2021")] == [1, 1, 1]
    assert sum(res[y]["avslutade"]["total"] for y in res) == 0


@pytest.mark.parametrize(("outcome", "category"), [
    ("Arbete", "Förvärvsarbete"), ("Studier", "Studier"), ("Planering", "Aktivt arbetssökande"),
    ("Annat", "Övriga avslutade"), (None, "Övriga avslutade"),
])
def test_sus_rolls_the_latest_outcome_up_into_four_categories(outcome: str | None, category: str) -> None:
    outs = [] if outcome is None else [{"participant_id": "A", "date": D(2020, 1, 1), "category": outcome}]
    res = finsam([person("A", "G")], outcomes=outs)
    sus = res["levels"]["group"]["G"]["counts"]["sus"]
    assert sus == {**dict.fromkeys(("Förvärvsarbete", "Studier", "Aktivt arbetssökande", "Övriga avslutade"), 0),
                   category: 1}
    assert res["levels"]["project"]["all"]["counts"]["sus"] == sus


def test_sus_counts_only_those_who_exited_by_the_report_date() -> None:
    groups = [group("G", start=D(2021, 1, 10), end=D(2021, 12, 20))]
    people = [person("A", "G", end=D(2021, 3, 1)), person("B", "G")]
    outs = [{"participant_id": p, "date": D(2021, 3, 1), "category": "Arbete"} for p in ("A", "B")]
    sus = finsam(people, groups, report_end=D(2021, 6, 30), outcomes=outs)["levels"]["group"]["G"]["counts"]["sus"]
    assert sus["Förvärvsarbete"] == 1 and sum(sus.values()) == 1


def test_the_example_counts_its_women_per_year() -> None:
    from xlpy.jobs import EXAMPLE_WORKBOOK, load, open_file

    res = compute(load(open_file(EXAMPLE_WORKBOOK)))
    f = res["finsam"]
    assert list(f) == ["2019", "2020"]
    assert f["2019"]["nya"]["total"] == 33 and f["2020"]["nya"]["total"] == 21
    assert f["2019"]["nya"]["Uppgift saknas"] == 1 and f["2019"]["nya"]["Man"] == 0
    assert f["2020"]["aktiva"]["total"] == 21 and f["2019"]["avslutade"]["total"] == 33
    project = res["levels"]["project"]["all"]["counts"]
    assert sum(project["sus"].values()) == 33
    assert project["sus"]["Förvärvsarbete"] == project["outcomes"]["Arbete"] - sum(
        res["levels"]["group"][g]["counts"]["outcomes"]["Arbete"] for g in ("K3", "P3"))


def test_the_finsam_sheet_is_marked_internal_and_holds_exact_counts() -> None:
    from xlpy.outputs.sheets import build_output_sheets

    people = [person("A", "G", gender="Kvinna"), person("B", "G", gender="Man")]
    data = make_input(Settings(report_start=D(2019, 1, 1), report_end=REPORT_END, min_count=5),
                      groups=[group("G", start=D(2019, 12, 31), end=D(2020, 1, 1))], participants=people)
    sheet = next(s for s in build_output_sheets(compute(data)) if s.name == "Finsam")
    rows = [[c.value for c in r] for r in sheet.rows]
    assert any(str(r[0]).startswith("INTERNT UNDERLAG") for r in rows if r)
    # -- Minsta redovisade antal is 5, but this sheet is for the förbund's own reporting: 1, not <5 --
    assert [2019, "Aktiva under året", 1, 1, 0, 0, 2] in rows
    assert [2020, "Avslutade under året", 1, 1, 0, 0, 2] in rows
    assert ["Grupp", "Klippan grupp 2", 0, 0, 0, 2, 2] in rows
