"""The metrics, goal statuses and cost model of METRICS.md, case by case, on hand-made rows."""

from __future__ import annotations

import pytest

from tests.builders import AUTUMN_START, D, group, make_input, person
from xlpy.core import compute
from xlpy.core.costs import cost_tables, if_nothing_happens, production_loss
from xlpy.core.goals import is_met
from xlpy.model import Settings


def g(results, gid="K2"):
    return results["levels"]["group"][gid]


def attendance(pid, statuses, start=AUTUMN_START):
    import datetime as dt

    return [{"participant_id": pid, "date": start + dt.timedelta(days=i), "status": s}
            for i, s in enumerate(statuses)]


# -- attendance --------------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("rule", "expected"),
    [("frånvaro", 6 / 10), ("exkludera", 6 / 8)],
)
def test_excused_absence_counts_as_absence_or_is_left_out(rule, expected):
    data = make_input(
        settings=Settings(report_end=D(2020, 2, 1), excused_absence=rule),
        groups=[group()],
        participants=[person("A")],
        attendance=attendance("A", "NNNNNNFFGG"),
    )
    r = compute(data)
    assert g(r)["metrics"]["narvaro"] == pytest.approx(expected)
    assert g(r)["counts"]["attendance"] == {"N": 6, "F": 2, "G": 2}


def test_attendance_is_pooled_over_rows_not_averaged_over_people():
    data = make_input(
        groups=[group()],
        participants=[person("A"), person("B")],
        attendance=attendance("A", "NNNNNNNNNN") + attendance("B", "FF"),
    )
    # pooled: 10 / 12, not the mean of 100 % and 0 %
    assert g(compute(data))["metrics"]["narvaro"] == pytest.approx(10 / 12)


def test_group_without_attendance_rows_has_no_basis_not_zero():
    data = make_input(groups=[group()], participants=[person("A")])
    r = compute(data)
    assert g(r)["metrics"]["narvaro"] is None
    assert g(r)["goals"]["M1"]["status"] == "Underlag saknas"
    assert g(r)["metrics"]["gruppdagar"] is None
    assert g(r)["goals"]["M8"]["status"] == "Underlag saknas"


# -- completers and early leavers -------------------------------------------------------------------

def test_early_leaver_is_started_but_not_a_completer():
    data = make_input(
        groups=[group()],
        participants=[person("A"), person("B", end=D(2019, 10, 1), cv=False),
                      person("C", end=D(2019, 12, 19))],  # leaving on the last day is completing
    )
    r = g(compute(data))
    assert r["counts"]["started"] == 3
    assert r["counts"]["completers"] == 2
    assert r["counts"]["early_leavers"] == 1
    # B lacks a CV but is not a completer, so M4 is still met
    assert r["metrics"]["cv_brev"] == 1.0


# -- action plan (M6) -------------------------------------------------------------------------------

def test_ill_health_is_left_out_of_the_action_plan_share():
    data = make_input(
        groups=[group()],
        participants=[person("A", action_plan=True), person("B", action_plan=False, ill_health=True),
                      person("C", action_plan=False), person("D", action_plan=True)],
    )
    r = g(compute(data))
    assert r["basis"]["handlingsplan"] == [2, 3]
    assert r["metrics"]["handlingsplan"] == pytest.approx(2 / 3)
    assert r["goals"]["M6"]["status"] == "Ej uppfyllt"


def test_moving_on_counts_as_a_clear_plan():
    data = make_input(
        groups=[group()],
        participants=[person("A"), person("B", action_plan=True)],
        outcomes=[{"participant_id": "A", "date": D(2019, 12, 1), "category": "Arbete"}],
    )
    assert g(compute(data))["basis"]["handlingsplan"] == [2, 2]


# -- outcomes ---------------------------------------------------------------------------------------

def test_latest_outcome_wins_and_a_tie_goes_to_the_lower_row():
    data = make_input(
        groups=[group()],
        participants=[person("A"), person("B"), person("C")],
        outcomes=[
            {"participant_id": "A", "date": D(2019, 12, 1), "category": "Arbete"},
            {"participant_id": "A", "date": D(2019, 10, 1), "category": "Planering"},  # older, ignored
            {"participant_id": "B", "date": D(2019, 11, 1), "category": "Planering"},
            {"participant_id": "B", "date": D(2019, 11, 1), "category": "Studier"},  # same day, lower row
        ],
    )
    r = g(compute(data))
    assert r["counts"]["outcomes"] == {"Arbete": 1, "Studier": 1, "Planering": 0, "Annat": 0,
                                       "Ej registrerat": 1}
    assert r["counts"]["moved_on"] == 2
    assert r["metrics"]["sysselsattning"] == pytest.approx(2 / 3)


def test_outcome_types_are_counted_per_category():
    data = make_input(
        groups=[group()],
        participants=[person("A"), person("B"), person("C")],
        outcomes=[
            {"participant_id": "A", "date": D(2019, 12, 1), "category": "Arbete", "type": "extratjänst"},
            {"participant_id": "B", "date": D(2019, 12, 1), "category": "Arbete", "type": "extratjänst"},
            {"participant_id": "C", "date": D(2019, 12, 1), "category": "Studier", "type": "Komvux"},
        ],
    )
    assert g(compute(data))["counts"]["outcome_types"] == {"Arbete": {"extratjänst": 2},
                                                            "Studier": {"Komvux": 1}}


# -- internships ------------------------------------------------------------------------------------

def test_internship_metrics_per_period_and_offer_goal():
    rows = []
    for pid, took in (("A", (True, True)), ("B", (True, False)), ("C", (False, False))):
        for period, t in zip((1, 2), took, strict=True):
            rows.append({"participant_id": pid, "period": period, "offered": True, "participated": t})
    rows.pop()  # C was offered only one placement
    data = make_input(groups=[group()], participants=[person("A"), person("B"), person("C")],
                      internships=rows)
    r = g(compute(data))
    assert r["counts"]["internships"] == {"1": {"offered": 3, "participated": 2},
                                          "2": {"offered": 2, "participated": 1}}
    assert r["metrics"]["praktik_deltagande_1"] == pytest.approx(2 / 3)
    assert r["metrics"]["praktik_erbjuden"] == pytest.approx(2 / 3)
    assert r["metrics"]["referenser"] == pytest.approx(2 / 3)


# -- goal statuses ----------------------------------------------------------------------------------

def test_ongoing_group_is_pending_unless_already_met():
    data = make_input(
        groups=[group(start=D(2020, 1, 20), end=D(2020, 5, 15))],
        participants=[person("A"), person("B")],
        attendance=attendance("A", "NNNN", D(2020, 1, 20)) + attendance("B", "FFFF", D(2020, 1, 20)),
    )
    r = g(compute(data))
    assert r["ongoing"] is True
    assert r["goals"]["M1"]["status"] == "Pågår"  # 50 % so far, not failed
    # -- cv_brev is counted over completers: an ongoing group has none yet, so no basis and Pågår --
    assert r["metrics"]["cv_brev"] is None and r["goals"]["M4"]["status"] == "Pågår"
    assert r["goals"]["M2"]["status"] == "Pågår"


@pytest.mark.parametrize(
    ("value", "comparison", "target", "target_max", "met"),
    [
        (0.80, ">=", 0.80, None, True),
        (16 / 21, ">=", 0.75, None, True),
        (0.79, ">=", 0.80, None, False),
        (10, "mellan", 5, 10, True),
        (11, "mellan", 5, 10, False),
        (4, "mellan", 5, 10, False),
        (0.1, "<=", 0.2, None, True),
    ],
)
def test_goal_comparisons(value, comparison, target, target_max, met):
    assert is_met(value, comparison, target, target_max) is met


def test_group_size_goal_above_group_level_needs_every_group():
    data = make_input(
        groups=[group("K2"), group("P2", "Perstorp")],
        participants=[person(f"K{i}", "K2") for i in range(6)] + [person(f"P{i}", "P2") for i in range(12)],
    )
    r = compute(data)
    assert r["levels"]["group"]["K2"]["goals"]["M2"]["status"] == "Uppfyllt"
    assert r["levels"]["group"]["P2"]["goals"]["M2"]["status"] == "Ej uppfyllt"
    assert r["levels"]["omgang"]["2"]["goals"]["M2"]["status"] == "Ej uppfyllt"
    assert r["levels"]["omgang"]["2"]["metrics"]["gruppstorlek"] == 18


def test_inactive_goal_is_not_evaluated():
    data = make_input(
        groups=[group()], participants=[person("A")],
        goals=[{"goal_id": "M1", "metric": "narvaro", "comparison": ">=", "target": 0.8, "active": False},
               {"goal_id": "X", "metric": "cv_brev", "comparison": ">=", "target": 1.0, "active": True}],
    )
    assert list(g(compute(data))["goals"]) == ["X"]


def test_group_days_against_the_plan():
    import datetime as dt

    days = [D(2019, 9, 2) + dt.timedelta(days=i) for i in range(24)]
    data = make_input(
        groups=[group(weeks=16, internship_weeks=4, days=4)],
        participants=[person("A"), person("B")],
        attendance=[{"participant_id": p, "date": d, "status": "N"} for p in "AB" for d in days],
    )
    r = g(compute(data))
    assert r["counts"]["distinct_days"] == 24 and r["counts"]["planned_days"] == 48
    assert r["metrics"]["gruppdagar"] == pytest.approx(0.5)


# -- cost model -------------------------------------------------------------------------------------

def test_cost_model_on_the_seeds_50_people():
    s = Settings()
    assert if_nothing_happens(50, s)[0]["annual"] == 7_600_000
    assert production_loss(50, s)[0]["annual"] == 10_800_000
    assert cost_tables(50, 0, s)["total"][0]["annual"] == 18_400_000


def test_group_2_cost_tables_match_the_seed():
    t = cost_tables(21, 10, Settings())
    assert [y["cumulative"] for y in t["om_ingenting_hander"]] == [3_192_000, 6_384_000, 9_576_000, 12_768_000]
    assert [y["cumulative"] for y in t["besparing"]] == [1_520_000, 3_040_000, 4_560_000, 6_080_000]
    assert [y["cumulative"] for y in t["kvarstaende"]] == [1_672_000, 3_344_000, 5_016_000, 6_688_000]


def test_discounting_divides_year_t_by_one_plus_r_to_t_minus_one():
    t = cost_tables(1, 0, Settings(discount_rate=0.03, horizon_years=3))
    annual = [y["annual"] for y in t["om_ingenting_hander"]]
    assert annual == [152_000, round(152_000 / 1.03), round(152_000 / 1.03**2)]
    assert t["om_ingenting_hander"][-1]["cumulative"] == sum(annual)


def test_payroll_tax_adds_to_production_loss():
    assert production_loss(1, Settings(payroll_tax=0.3142))[0]["annual"] == round(18000 * 12 * 1.3142)


def test_parallel_groups_in_one_municipality_and_omgang_are_told_apart_by_their_gruppid() -> None:
    data = make_input(groups=[group("KLI02A", "Klippan", 2), group("KLI02B", "Klippan", 2),
                              group("PER02", "Perstorp", 2)],
                      participants=[person("A1", "KLI02A"), person("B1", "KLI02B"), person("P1", "PER02")])
    labels = {k: u["label"] for k, u in compute(data)["levels"]["group"].items()}
    assert labels == {"KLI02A": "Klippan grupp 2 (KLI02A)", "KLI02B": "Klippan grupp 2 (KLI02B)",
                      "PER02": "Perstorp grupp 2"}
