"""Follow-up after exit (METRICS.md "Follow-up after exit"): due dates, eligibility as of the report date,
reached and moved on, the flow, goals, the to-do list, Kontroll warnings and the Uppföljning sheet's checks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from tests.builders import group, make_input, person
from xlpy.core import followup
from xlpy.core.compute import compute
from xlpy.core.metrics import build_facts
from xlpy.intake.reading import parse_workbook, to_point, to_points
from xlpy.io.memory import MemoryWorkbook
from xlpy.model import InputData, Problem, Settings

D = dt.date


def fu(pid: str, point: int, date: dt.date, contact: str = "Nådd", status: str | None = "Arbete") -> dict[str, Any]:
    return {"participant_id": pid, "point": point, "date": date, "contact": contact, "status": status}


def settings(end: dt.date, points: tuple[int, ...] = (6,), **kw: Any) -> Settings:
    return Settings(report_start=D(2019, 2, 1), report_end=end, followup_months=points, **kw)


EXIT = D(2019, 12, 19)


def outcome(pid: str, category: str, date: dt.date = EXIT) -> dict[str, Any]:
    return {"participant_id": pid, "date": date, "category": category}


# -- due dates -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("exit_date", "months", "due"), [
    (D(2019, 8, 31), 6, D(2020, 2, 29)),   # leap year: the month end clamps to 29 February
    (D(2020, 8, 31), 6, D(2021, 2, 28)),
    (D(2019, 12, 19), 6, D(2020, 6, 19)),
    (D(2019, 10, 31), 3, D(2020, 1, 31)),
    (D(2019, 11, 30), 3, D(2020, 2, 29)),
    (D(2019, 1, 31), 1, D(2019, 2, 28)),
    (D(2019, 12, 19), 12, D(2020, 12, 19)),
])
def test_due_is_exit_plus_calendar_months_with_month_ends_clamped(exit_date: dt.date, months: int,
                                                                    due: dt.date) -> None:
    assert followup.add_months(exit_date, months) == due


def test_a_group_ending_31_august_is_due_on_29_february_not_before() -> None:
    g = group("K1", start=D(2019, 4, 1), end=D(2019, 8, 31))
    one_day_early = compute(make_input(settings(D(2020, 2, 28)), groups=[g], participants=[person("A", "K1")]))
    on_the_day = compute(make_input(settings(D(2020, 2, 29)), groups=[g], participants=[person("A", "K1")]))
    assert one_day_early["levels"]["group"]["K1"]["followup"]["6"]["eligible"] == 0
    assert one_day_early["levels"]["group"]["K1"]["followup"]["6"]["not_yet_due"] == 1
    assert on_the_day["levels"]["group"]["K1"]["followup"]["6"]["eligible"] == 1


def test_an_exit_at_the_end_of_the_calendar_is_never_due() -> None:
    g = group("K1", start=D(2019, 4, 1), end=D(9999, 12, 31))
    r = compute(make_input(settings(D(2020, 2, 1)), groups=[g], participants=[person("A", "K1")]))
    assert r["levels"]["group"]["K1"]["followup"]["6"]["not_yet_due"] == 1


def test_an_early_leaver_is_due_from_their_own_exit_date() -> None:
    # -- the group ends 2019-12-19 (due 2020-06-19); A left 2019-10-15, so A is due 2020-04-15 --
    data = make_input(settings(D(2020, 5, 1)), groups=[group()],
                      participants=[person("A", end=D(2019, 10, 15)), person("B")],
                      followup=[fu("A", 6, D(2020, 4, 20))])
    r = compute(data)
    f = r["levels"]["group"]["K2"]["followup"]["6"]
    assert (f["eligible"], f["reached"], f["moved_on"], f["not_yet_due"]) == (1, 1, 1, 1)
    assert r["levels"]["group"]["K2"]["metrics"]["vidare_efter_6"] == 1.0


# -- figures ---------------------------------------------------------------------------------------

def _five() -> InputData:
    people = [person(p) for p in ("A", "B", "C", "D", "E")]
    outs = [outcome("A", "Arbete"), outcome("B", "Studier"), outcome("C", "Planering"), outcome("D", "Annat")]
    rows = [fu("A", 6, D(2020, 6, 25), status="Arbete"),       # moved on at exit and at 6: kvar
            fu("B", 6, D(2020, 6, 25), status="Planering"),    # at exit, not at 6: förlorat
            fu("C", 6, D(2020, 6, 25), status="Studier"),      # not at exit, at 6: tillkommit
            fu("D", 6, D(2020, 6, 25), contact="Ej nådd", status=None)]
    return make_input(settings(D(2020, 7, 1)), groups=[group()], participants=people, outcomes=outs,
                      followup=rows)


def test_reached_moved_on_shares_statuses_and_flow() -> None:
    u = compute(_five())["levels"]["group"]["K2"]
    f = u["followup"]["6"]
    assert (f["eligible"], f["reached"], f["moved_on"], f["missing"]) == (5, 3, 2, 1)
    assert f["statuses"] == {"Arbete": 1, "Studier": 1, "Planering": 1, "Annat": 0}
    assert f["flow"] == {"kvar": 1, "tillkommit": 1, "forlorat": 1, "ej_vidare": 0}
    assert u["metrics"]["svarsandel_efter_6"] == pytest.approx(3 / 5)
    assert u["metrics"]["vidare_efter_6"] == pytest.approx(2 / 5)   # not reached counts as not moved on
    assert u["metrics"]["vidare_bland_nadda_efter_6"] == pytest.approx(2 / 3)
    assert u["basis"]["vidare_efter_6"] == [2, 5]


def test_higher_levels_pool_their_groups() -> None:
    data = make_input(settings(D(2020, 7, 1)), groups=[group("K2"), group("P2", "Perstorp")],
                      participants=[person("A", "K2"), person("B", "P2"), person("C", "P2")],
                      followup=[fu("A", 6, D(2020, 6, 20)), fu("B", 6, D(2020, 6, 20), status="Annat")])
    lv = compute(data)["levels"]
    assert lv["omgang"]["2"]["followup"]["6"]["eligible"] == 3
    assert lv["omgang"]["2"]["followup"]["6"]["reached"] == 2
    assert lv["project"]["all"]["metrics"]["vidare_efter_6"] == pytest.approx(1 / 3)
    assert lv["municipality"]["Perstorp"]["metrics"]["svarsandel_efter_6"] == pytest.approx(1 / 2)


def test_rows_dated_after_the_report_date_do_not_count_and_are_noted_once() -> None:
    data = make_input(settings(D(2020, 7, 1)), groups=[group()], participants=[person("A"), person("B")],
                      followup=[fu("A", 6, D(2020, 6, 30)), fu("B", 6, D(2020, 7, 2))])
    r = compute(data)
    f = r["levels"]["group"]["K2"]["followup"]["6"]
    assert (f["eligible"], f["reached"], f["missing"]) == (2, 1, 1)
    notes = [p for p in r["problems"] if p["sheet"] == "Uppföljning" and p["column"] == "Datum"]
    assert [p["message"] for p in notes] == [
        "1 rad har Datum efter rapportperiodens slut 2020-07-01 och räknas inte med i den här rapporten."]


def test_groups_not_started_by_the_report_date_are_in_no_figure() -> None:
    data = make_input(settings(D(2020, 7, 1)), groups=[group(), group("K3", no=3, start=D(2020, 8, 1),
                                                                       end=D(2020, 12, 1))],
                      participants=[person("A"), person("Z", "K3", end=D(2019, 1, 1))])
    lv = compute(data)["levels"]
    assert "K3" not in lv["group"]
    assert lv["project"]["all"]["followup"]["6"]["eligible"] == 1


def test_without_a_report_date_nobody_is_due() -> None:
    data = make_input(Settings(), groups=[group()], participants=[person("A")])
    f = compute(data)["levels"]["group"]["K2"]["followup"]["6"]
    assert (f["eligible"], f["not_yet_due"]) == (0, 1)


def test_figures_as_of_another_end_date_for_the_previous_period() -> None:
    data = make_input(settings(D(2020, 7, 1)), groups=[group()], participants=[person("A")],
                      followup=[fu("A", 6, D(2020, 6, 25))])
    facts = build_facts(data)
    assert followup.unit_followup(followup.build_followup(data, facts), ["K2"])["6"]["reached"] == 1
    earlier = followup.build_followup(data, facts, D(2020, 6, 20))
    assert followup.unit_followup(earlier, ["K2"])["6"]["eligible"] == 1
    assert followup.unit_followup(earlier, ["K2"])["6"]["reached"] == 0   # the row is dated after that end


def test_several_points_each_have_their_figures() -> None:
    data = make_input(settings(D(2020, 7, 1), (3, 6, 12)), groups=[group()], participants=[person("A")],
                      followup=[fu("A", 3, D(2020, 3, 20), status="Planering"), fu("A", 6, D(2020, 6, 20))])
    u = compute(data)["levels"]["group"]["K2"]
    assert list(u["followup"]) == ["3", "6", "12"]
    assert u["metrics"]["vidare_efter_3"] == 0.0
    assert u["metrics"]["vidare_efter_6"] == 1.0
    assert u["metrics"]["vidare_efter_12"] is None
    assert u["followup"]["12"]["not_yet_due"] == 1


# -- goals -----------------------------------------------------------------------------------------

def _goal(metric: str, target: float = 0.5) -> dict[str, Any]:
    return {"goal_id": "U1", "description": "Vidare efter 6 mån", "metric": metric, "comparison": ">=",
            "target": target, "target_max": None, "active": True}


@pytest.mark.parametrize(("end", "target", "status"), [
    (D(2020, 4, 1), 0.5, "Underlag saknas"),   # nobody due yet
    (D(2020, 4, 1), 0.0, "Underlag saknas"),
    (D(2020, 5, 1), 0.5, "Pågår"),             # A due (2020-04-15) and not moved on; B not yet due
    (D(2020, 5, 1), 0.0, "Uppfyllt"),          # already met although B is not yet due
    (D(2020, 7, 1), 0.9, "Ej uppfyllt"),       # both due: 1 of 2
    (D(2020, 7, 1), 0.5, "Uppfyllt"),
])
def test_followup_goal_statuses(end: dt.date, target: float, status: str) -> None:
    data = make_input(settings(end), goals=[_goal("vidare_efter_6", target)], groups=[group()],
                      participants=[person("A", end=D(2019, 10, 15)), person("B")],
                      followup=[fu("A", 6, D(2020, 4, 20), status="Planering"), fu("B", 6, D(2020, 6, 25))])
    assert compute(data)["levels"]["group"]["K2"]["goals"]["U1"]["status"] == status


def test_followup_metric_keys_are_accepted_in_the_goal_sheet() -> None:
    mal = [["MålID", "Mått", "Jämförelse", "Målvärde"], ["U1", "vidare_efter_6", ">=", 0.5],
           ["U2", "svarsandel_efter_12", ">=", 0.8], ["U3", "vidare_efter_x", ">=", 0.5]]
    data = parse_workbook(MemoryWorkbook({**BASE, "Mål": mal}))
    assert list(data.goals["goal_id"]) == ["U1", "U2"]
    probs = [p for p in data.problems if p.sheet == "Mål"]
    assert [(p.row, p.value, p.severity) for p in probs] == [(3, "svarsandel_efter_12", "varning"),
                                                             (4, "vidare_efter_x", "fel")]
    assert "inte står i Inställningar (Uppföljning efter avslut (månader): 3; 6)" in probs[0].message


# -- the cost switch -------------------------------------------------------------------------------

def test_savings_count_the_moved_on_at_the_last_point_with_eligible_participants() -> None:
    def run(basis: str, end: dt.date) -> dict[str, Any]:
        s = settings(end, (3, 6), savings_basis=basis)
        data = make_input(s, groups=[group()], participants=[person("A"), person("B"), person("C")],
                          outcomes=[outcome("A", "Arbete"), outcome("B", "Arbete")],
                          followup=[fu("A", 3, D(2020, 3, 20), status="Planering"),
                                    fu("B", 3, D(2020, 3, 20)), fu("C", 3, D(2020, 3, 20), status="Studier"),
                                    fu("A", 6, D(2020, 6, 20), status="Arbete")])
        return compute(data)["levels"]["group"]["K2"]["costs"]

    assert run("avslut", D(2020, 7, 1))["moved_on"] == 2
    assert run("uppföljning", D(2020, 7, 1))["moved_on"] == 1    # at 6: only A reached and moved on
    assert run("uppföljning", D(2020, 4, 1))["moved_on"] == 2    # at 3: B and C (6 has no eligible yet)
    assert run("uppföljning", D(2020, 1, 1))["moved_on"] == 2    # no point has eligible: the exit count
    costs = run("uppföljning", D(2020, 7, 1))
    assert costs["besparing"][0]["annual"] == 152000 and costs["remaining"] == 2


# -- the to-do list and the overdue warnings -------------------------------------------------------

def test_todo_lists_overdue_and_due_within_30_days_and_warns_after_30_days() -> None:
    people = [person("A", end=D(2019, 10, 1)),    # due 2020-04-01: 61 days overdue on 2020-06-01
              person("B", end=D(2019, 11, 20)),   # due 2020-05-20: 12 days overdue
              person("C"),                         # due 2020-06-19: within 30 days
              person("D", end=D(2019, 10, 2)),     # due 2020-04-02, but followed up
              person("E", "K9")]                   # group K9 ends later: due 2021-01-31
    data = make_input(settings(D(2020, 6, 1)), groups=[group(), group("K9", no=9, end=D(2020, 7, 31))],
                      participants=people, followup=[fu("D", 6, D(2020, 4, 10), contact="Avböjt", status=None)])
    r = compute(data)
    assert [(t["participant_id"], t["point"], t["due"], t["state"]) for t in r["followup_todo"]] == [
        ("A", 6, "2020-04-01", "Försenad"), ("B", 6, "2020-05-20", "Försenad"),
        ("C", 6, "2020-06-19", "Inom 30 dagar")]
    warnings = [p for p in r["problems"] if p["message"].startswith("Uppföljningen")]
    assert [(p["value"], p["severity"], p["group_id"], p["message"]) for p in warnings] == [
        ("A", "varning", "K2", "Uppföljningen efter 6 månader saknas (den skulle ha gjorts 2020-04-01).")]


# -- reading and checking the Uppföljning sheet ----------------------------------------------------

BASE: dict[str, list[list[object]]] = {
    "Grupper": [["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"],
                ["K2", "Klippan", 2, D(2019, 9, 2), D(2019, 12, 19)]],
    "Deltagare": [["DeltagarID", "GruppID", "Slutdatum"], ["D1", "K2", None], ["D2", "K2", D(2019, 10, 15)],
                  ["D3", "K2", None]],
    "Inställningar": [["Nyckel", "Värde"], ["Rapportperiod slut", D(2020, 12, 31)],
                      ["Uppföljning efter avslut (månader)", "3; 6"]],
}
HEAD = ["DeltagarID", "Mättillfälle", "Datum", "Kontakt", "Status"]


def read(*rows: list[object]) -> InputData:
    return parse_workbook(MemoryWorkbook({**BASE, "Uppföljning": [HEAD, *rows]}))


def on(data: InputData) -> list[Problem]:
    return [p for p in data.problems if p.sheet == "Uppföljning"]


def test_good_rows_are_read_with_point_spellings() -> None:
    data = read(["D1", "6 mån", D(2020, 6, 20), "nådd", "arbete"], ["d2", 3.0, "2020-01-20", "Ej nådd", None],
                ["D3", "3 månader", D(2020, 3, 20), "Avböjt", ""])
    assert not on(data)
    assert data.settings.followup_months == (3, 6)
    assert list(data.followup["point"]) == [6, 3, 3]
    assert list(data.followup["participant_id"]) == ["D1", "D2", "D3"]
    assert list(data.followup["contact"]) == ["Nådd", "Ej nådd", "Avböjt"]


def test_unknown_participant_is_an_error() -> None:
    data = read(["D1", 6, D(2020, 6, 20), "Nådd", "Arbete"], ["X9", 6, D(2020, 6, 20), "Nådd", "Arbete"])
    [p] = on(data)
    assert (p.row, p.column, p.value, p.severity) == (3, "DeltagarID", "X9", "fel")
    assert "finns inte i bladet Deltagare" in p.message
    assert list(data.followup["participant_id"]) == ["D1"]


def test_a_second_row_for_the_same_participant_and_point_points_at_the_first() -> None:
    data = read(["D1", 6, D(2020, 6, 20), "Ej nådd", None], ["D1", "6 mån", D(2020, 6, 25), "Nådd", "Arbete"],
                ["D1", 3, D(2020, 3, 25), "Nådd", "Arbete"])
    [p] = on(data)
    assert (p.row, p.column, p.severity, p.group_id) == (3, "Mättillfälle", "fel", "K2")
    assert p.message == "Samma deltagare och mättillfälle finns redan på rad 2; bara den första raden räknas."
    assert list(data.followup["row"]) == [2, 4]


def test_status_missing_when_reached_and_given_when_not_reached() -> None:
    data = read(["D1", 6, D(2020, 6, 20), "Nådd", None], ["D2", 6, D(2020, 6, 20), "Ej nådd", "Arbete"],
                ["D3", 6, D(2020, 6, 20), "Avböjt", "Studier"])
    probs = on(data)
    assert [(p.row, p.column, p.severity) for p in probs] == [(2, "Status", "fel"), (3, "Status", "fel"),
                                                             (4, "Status", "fel")]
    assert probs[0].message.startswith("Status saknas: när Kontakt är Nådd")
    assert probs[1].message.startswith("Status Arbete är ifylld fast Kontakt är Ej nådd")
    assert data.followup.empty


def test_a_date_before_the_exit_is_an_error() -> None:
    # -- D2 left on 2019-10-15, D1 with the group on 2019-12-19 --
    data = read(["D1", 3, D(2019, 12, 1), "Nådd", "Arbete"], ["D2", 3, D(2019, 12, 1), "Nådd", "Arbete"])
    [p] = on(data)
    assert (p.row, p.column, p.value) == (2, "Datum", "2019-12-01")
    assert "före deltagarens avslut 2019-12-19" in p.message
    assert list(data.followup["participant_id"]) == ["D2"]


def test_a_point_not_in_the_setting_is_an_error() -> None:
    data = read(["D1", 12, D(2020, 12, 20), "Nådd", "Arbete"], ["D1", "sex", D(2020, 6, 20), "Nådd", "Arbete"])
    probs = on(data)
    assert [(p.row, p.column) for p in probs] == [(2, "Mättillfälle"), (3, "Mättillfälle")]
    assert "finns inte bland mättillfällena i Inställningar (Uppföljning efter avslut (månader): 3; 6)" \
        in probs[0].message
    assert data.followup.empty


@pytest.mark.parametrize(("raw", "points"), [("3; 6; 12", (3, 6, 12)), ("12,3", (3, 12)), (6, (6,)),
                                             ("6 mån; 12 mån", (6, 12)), ("6 6", (6,))])
def test_the_points_setting(raw: object, points: tuple[int, ...]) -> None:
    assert to_points(raw) == (points, None)


@pytest.mark.parametrize("raw", ["tre", "0", "3; x", "200", "; ;"])
def test_a_bad_points_setting_keeps_the_default_with_a_message(raw: object) -> None:
    assert to_points(raw)[0] is None
    data = parse_workbook(MemoryWorkbook({**BASE, "Inställningar": [["Nyckel", "Värde"],
                                                                    ["Uppföljning efter avslut (månader)", raw]]}))
    assert data.settings.followup_months == (6,)
    assert any(p.sheet == "Inställningar" and p.column == "Värde" for p in data.problems)


def test_point_cells() -> None:
    assert to_point(6) == (6, None) and to_point("6 mån") == (6, None) and to_point(" 12 m ") == (12, None)
    assert to_point(6.5)[0] is None and to_point(True)[0] is None and to_point(0)[0] is None


# -- the output sheet Efter avslut -----------------------------------------------------------------

def test_the_sheet_lists_the_todo_and_exact_figures() -> None:
    from xlpy.outputs.sheets import build_output_sheets

    r = compute(_five())
    r["followup_todo"] = [{"participant_id": "E", "group_id": "K2", "point": 6, "due": "2020-06-19",
                           "state": "Försenad", "days_overdue": 12}]
    sheet = next(s for s in build_output_sheets(r) if s.name == "Efter avslut")
    values = [[c.value for c in row] for row in sheet.rows]
    assert ["E", "K2", 6, D(2020, 6, 19), "Försenad", 12] in values
    assert ["Grupp", "Klippan grupp 2", 6, 5, 3, 0.6, 2, 0.4, pytest.approx(2 / 3), 1, 1, 1, 0, 1, 0] in values
    assert ["Projekt", "Första Steget", 6, 3, 1, 1, 1, 0] in values


# -- the new workbook's Uppföljning sheet ----------------------------------------------------------

def test_new_workbooks_have_the_followup_table_with_drop_downs_and_date_format(tmp_path: Any) -> None:
    import openpyxl

    from xlpy.workbook_template import create_workbook, default_settings_rows

    settings_rows = default_settings_rows({"followup_months": "3; 6; 12"})
    create_workbook(tmp_path / "ny.xlsx", {"settings": settings_rows})
    ws = openpyxl.load_workbook(tmp_path / "ny.xlsx")["Uppföljning"]
    assert [c.value for c in ws[2]] == ["DeltagarID", "Mättillfälle", "Datum", "Kontakt", "Status", "Typ",
                                        "Kommentar"]
    assert list(ws.tables) == ["tblUppfoljning"]
    lists = {str(dv.sqref).split(":")[0]: dv.formula1 for dv in ws.data_validations.dataValidation}
    assert lists == {"A3": "lstDeltagarID", "B3": '"3,6,12"', "D3": '"Nådd,Ej nådd,Avböjt"',
                     "E3": '"Arbete,Studier,Planering,Annat"'}
    assert ws.column_dimensions["C"].number_format == "yyyy-mm-dd"
    blank = openpyxl.load_workbook(Path(__file__).parents[1] / "workbook" / "forsta_steget_mall.xlsx")
    assert "Uppföljning" in blank.sheetnames
    keys = [r[0].value for r in blank["Inställningar"].iter_rows(min_row=3)]
    assert "Uppföljning efter avslut (månader)" in keys and "Besparing räknas på" in keys


def test_personal_data_in_the_followup_sheet_is_found() -> None:
    from xlpy.intake.privacy import find_personal_data

    data = parse_workbook(MemoryWorkbook({**BASE, "Uppföljning": [
        [*HEAD, "Kommentar"], ["D1", 6, D(2020, 6, 20), "Nådd", "Arbete", "Ringde Fatima Ali"]]}))
    found = [p for p in find_personal_data(data) if p.sheet == "Uppföljning"]
    assert [(p.row, p.column) for p in found] == [(2, "Kommentar")]
