"""Every figure as of the report period's end, the two scopes and the previous period, at the boundaries
(METRICS.md, "The report period")."""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.builders import group, make_input, person
from xlpy.core.compute import compute
from xlpy.model import Settings

D = dt.date
P_START, P_END = D(2020, 2, 1), D(2021, 2, 1)
SETTINGS = Settings(report_start=P_START, report_end=P_END, project_start=D(2019, 2, 1),
                    project_end=D(2022, 12, 31))


def _people(gid: str, n: int) -> list[dict[str, Any]]:
    return [person(f"{gid}-{i}", gid) for i in range(1, n + 1)]


def _results(**sheets: list[dict[str, Any]]) -> dict[str, Any]:
    return compute(make_input(SETTINGS, **sheets))


def test_statuses_at_the_period_boundaries_and_the_two_scopes() -> None:
    groups = [
        group("A", no=1, start=D(2019, 9, 2), end=D(2020, 1, 31)),   # the day before P: ended before
        group("B", no=2, start=D(2019, 9, 2), end=P_START),           # on P's first day: ended in P
        group("C", no=3, start=D(2020, 9, 1), end=P_END),             # on P's last day: ended in P
        group("E", no=4, start=D(2020, 12, 1), end=D(2021, 4, 1)),    # ongoing
        group("F", no=5, start=D(2021, 2, 2), end=D(2021, 6, 1)),     # the day after P: not started
    ]
    people = [p for g in "ABCEF" for p in _people(g, 3)]
    r = _results(groups=groups, participants=people)
    status = {k: u["period_status"] for k, u in r["levels"]["group"].items()}
    assert status == {"A": "Avslutad tidigare", "B": "Avslutad", "C": "Avslutad", "E": "Pågår"}
    # -- Ej startad: in no figure at all, listed as planned --
    assert "F" not in r["levels"]["group"] and "5" not in r["levels"]["omgang"]
    assert [g["group_id"] for g in r["planned_groups"]] == ["F"]
    assert r["planned_groups"][0]["period_status"] == "Ej startad"
    assert r["levels"]["project"]["all"]["counts"]["started"] == 12
    assert r["levels"]["project"]["all"]["group_ids"] == ["A", "B", "C", "E"]
    assert r["levels"]["period"]["all"]["group_ids"] == ["B", "C", "E"]
    assert r["levels"]["period"]["all"]["counts"]["started"] == 9
    assert r["levels"]["period"]["all"]["period_status"] == "Pågår"
    assert r["levels"]["municipality"]["Klippan"]["group_ids"] == ["A", "B", "C", "E"]
    assert r["levels"]["omgang"]["1"]["period_status"] == "Avslutad tidigare"


def test_rows_on_the_last_day_count_and_the_day_after_do_not() -> None:
    g = group("C", no=3, start=D(2020, 9, 1), end=D(2021, 3, 1))
    people = _people("C", 2)
    attendance = [
        {"participant_id": "C-1", "date": P_END, "status": "N"},
        {"participant_id": "C-1", "date": P_END + dt.timedelta(days=1), "status": "F"},
        {"participant_id": "C-2", "date": P_END + dt.timedelta(days=1), "status": "F"},
    ]
    internships = [
        {"participant_id": "C-1", "period": 1, "offered": True, "participated": True, "start": P_END},
        {"participant_id": "C-2", "period": 1, "offered": True, "participated": True,
         "start": P_END + dt.timedelta(days=1)},
    ]
    outcomes = [
        {"participant_id": "C-1", "date": P_END, "category": "Planering"},
        {"participant_id": "C-1", "date": P_END + dt.timedelta(days=1), "category": "Arbete"},
        {"participant_id": "C-2", "date": P_END + dt.timedelta(days=1), "category": "Studier"},
    ]
    r = _results(groups=[g], participants=people, attendance=attendance, internships=internships,
                 outcomes=outcomes)
    c = r["levels"]["group"]["C"]["counts"]
    assert c["attendance"] == {"N": 1, "F": 0, "G": 0}
    assert c["internships"]["1"] == {"offered": 1, "participated": 1}
    assert c["outcomes"]["Planering"] == 1 and c["outcomes"]["Arbete"] == 0 and c["outcomes"]["Studier"] == 0
    assert c["outcomes"]["Ej registrerat"] == 1 and c["moved_on"] == 0
    # -- Kontroll says once per sheet how many rows were left out --
    late = [p for p in r["problems"] if "efter rapportperiodens slut" in p["message"]]
    assert [(p["sheet"], p["severity"]) for p in late] == [("Närvaro", "varning"), ("Praktik", "varning"),
                                                          ("Utfall", "varning")]
    assert late[0]["message"].startswith("2 rader har Datum efter rapportperiodens slut 2021-02-01")
    assert late[1]["message"].startswith("1 rad har Startdatum")


def test_a_group_without_slutdatum_is_ongoing_and_never_dropped() -> None:
    g = group("N", no=3, start=D(2020, 9, 1), end=None)
    people = _people("N", 4)
    outcomes = [{"participant_id": "N-1", "date": D(2020, 12, 1), "category": "Arbete"}]
    r = _results(groups=[g], participants=people, outcomes=outcomes)
    u = r["levels"]["group"]["N"]
    assert u["period_status"] == "Pågår" and u["ongoing"] is True
    assert u["counts"]["started"] == 4 and u["counts"]["completers"] == 4 and u["counts"]["moved_on"] == 1
    # -- M4 (cv_brev) is counted over completers: METRICS.md "Terms" takes only ended groups, so an ongoing
    #    group has no basis for it yet and reads Pågår (decision 4), whatever its rows say so far --
    assert u["goals"]["M4"]["status"] == "Pågår" and u["goals"]["M4"]["value"] is None
    assert u["goals"]["M1"]["status"] == "Pågår"        # no attendance yet: ongoing, not failed


def test_reading_keeps_a_group_without_slutdatum_with_a_warning(tmp_path) -> None:  # noqa: ANN001
    from xlpy import jobs
    from xlpy.workbook_template import create_workbook, default_settings_rows

    path = tmp_path / "utan_slut.xlsx"
    sheets = {
        "settings": default_settings_rows({"report_start": P_START, "report_end": P_END}),
        "groups": [{**group("N", no=3, start=D(2020, 9, 1), end=None), "survey_done": "ja"}],
        "participants": [{"participant_id": "N-1", "group_id": "N"}, {"participant_id": "N-2", "group_id": "N"}],
    }
    create_workbook(path, sheets)
    r = jobs.check_file(path).results
    assert r["levels"]["group"]["N"]["counts"]["started"] == 2
    assert r["levels"]["group"]["N"]["period_status"] == "Pågår"
    warn = [p for p in r["problems"] if p["sheet"] == "Grupper" and p["column"] == "Slutdatum"]
    assert len(warn) == 1 and warn[0]["severity"] == "varning" and warn[0]["row"] is not None
    assert "räknas som pågående" in warn[0]["message"]


def test_previous_period_pools_its_ended_groups_as_of_its_own_end() -> None:
    groups = [group("A", no=1, start=D(2019, 4, 1), end=D(2019, 7, 1)),
              group("B", no=2, start=D(2019, 9, 2), end=D(2019, 12, 19)),
              group("C", no=3, start=D(2020, 2, 3), end=D(2020, 6, 1))]
    people = [p for g in "ABC" for p in _people(g, 2)]
    outcomes = [{"participant_id": "A-1", "date": D(2019, 7, 1), "category": "Arbete"},
                # -- dated after P' ends (2020-01-31): counts in P, not in P' --
                {"participant_id": "B-1", "date": D(2020, 3, 1), "category": "Studier"}]
    r = _results(groups=groups, participants=people, outcomes=outcomes)
    prev = r["levels"]["previous_period"]["all"]
    assert prev["group_ids"] == ["A", "B"]
    assert (prev["start_of_period"], prev["end_of_period"]) == ("2019-01-30", "2020-01-31")
    assert prev["counts"]["started"] == 4 and prev["counts"]["moved_on"] == 1
    assert prev["period_status"] == "Avslutad" and set(prev["goals"]) == {f"M{i}" for i in range(1, 10)}
    assert r["levels"]["group"]["B"]["counts"]["moved_on"] == 1
    assert r["levels"]["period"]["all"]["group_ids"] == ["C"]


def test_no_previous_period_without_a_group_ended_in_it() -> None:
    r = _results(groups=[group("C", no=3, start=D(2020, 2, 3), end=D(2020, 6, 1))], participants=_people("C", 2))
    assert r["levels"]["previous_period"] is None


def test_statistics_within_the_period_and_the_latest_before_as_baseline() -> None:
    stats = [{"period": d, "municipality": "Klippan", "unemployed": 10, "in_programme": 5}
             for d in (D(2018, 9, 1), D(2019, 5, 1), D(2020, 1, 1), D(2020, 9, 1), D(2021, 3, 1))]
    r = _results(groups=[group("C", no=3, start=D(2020, 2, 3), end=D(2020, 6, 1))], statistics=stats)
    assert [(s["period"], s["role"]) for s in r["statistics"]] == [("2020-01-01", "baseline"),
                                                                  ("2020-09-01", "period")]


def test_final_report_when_the_period_covers_the_projektperiod() -> None:
    s = Settings(report_start=D(2019, 2, 1), report_end=D(2022, 12, 31), project_start=D(2019, 2, 1),
                 project_end=D(2022, 12, 31))
    r = compute(make_input(s, groups=[group("A", no=1)]))
    assert r["meta"]["final_report"] is True
    assert _results(groups=[group("A", no=1)])["meta"]["final_report"] is False
