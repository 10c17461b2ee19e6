"""Checks across rows and sheets: each case gives a Problem on the right sheet, row and column, and a
problem in one group leaves the other groups' rows alone."""

from __future__ import annotations

import datetime as dt

import pytest

from xlpy.intake.reading import parse_workbook
from xlpy.io.memory import MemoryWorkbook
from xlpy.model import InputData, Problem

D = dt.date
GROUPS = [
    ["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum"],
    ["K2", "Klippan", 2, D(2019, 9, 2), D(2019, 12, 19)],
    ["P2", "Perstorp", 2, D(2019, 9, 2), D(2019, 12, 19)],
]
PARTICIPANTS = [["DeltagarID", "GruppID"], ["D1", "K2"], ["D2", "P2"], ["D3", "P2"]]
ATTENDANCE_HEAD = ["DeltagarID", "Datum", "Status"]


def read(**sheets: list[list[object]]) -> InputData:
    base: dict[str, list[list[object]]] = {"Grupper": GROUPS, "Deltagare": PARTICIPANTS}
    base.update(sheets)
    return parse_workbook(MemoryWorkbook(base))


def on(data: InputData, sheet: str) -> list[Problem]:
    return [p for p in data.problems if p.sheet == sheet]


def where(p: Problem) -> tuple[object, ...]:
    return p.row, p.column, p.value, p.severity, p.group_id


# -- codes that point nowhere ----------------------------------------------------------------------

def test_participant_in_unknown_group_is_left_out() -> None:
    data = read(Deltagare=[["DeltagarID", "GruppID"], ["D1", "K2"], ["D9", "X1"]])
    assert list(data.participants["participant_id"]) == ["D1"]
    [p] = on(data, "Deltagare")
    assert where(p) == (3, "GruppID", "X1", "fel", None)
    assert p.message == "GruppID X1 finns inte i bladet Grupper. Raden har inte räknats med."


def test_staff_in_unknown_group_is_left_out() -> None:
    staff = [["GruppID", "Roll", "Tjänstgöringsgrad"], ["K2", "SYV", 50], ["K9", "SYV", 50]]
    data = read(Personal=staff)
    assert list(data.staff["group_id"]) == ["K2"]
    assert [where(p) for p in on(data, "Personal")] == [(3, "GruppID", "K9", "fel", None)]


def test_codes_match_case_insensitively_and_take_the_master_spelling() -> None:
    data = read(Deltagare=[["DeltagarID", "GruppID"], ["D1", "k2"]],
                Närvaro=[ATTENDANCE_HEAD, ["d1", D(2019, 9, 2), "N"]])
    assert list(data.participants["group_id"]) == ["K2"]
    assert list(data.attendance["participant_id"]) == ["D1"]
    assert not on(data, "Deltagare") and not on(data, "Närvaro")


@pytest.mark.parametrize(("sheet", "head", "row"), [
    ("Närvaro", ATTENDANCE_HEAD, ["D9", D(2019, 9, 2), "N"]),
    ("Praktik", ["DeltagarID", "Period"], ["D9", 1]),
    ("Utfall", ["DeltagarID", "Datum", "Utfall"], ["D9", D(2019, 12, 1), "Arbete"]),
])
def test_rows_of_unknown_participants_are_left_out(sheet: str, head: list[str], row: list[object]) -> None:
    data = read(**{sheet: [head, row]})
    [p] = on(data, sheet)
    assert where(p) == (2, "DeltagarID", "D9", "fel", None)
    assert "finns inte i bladet Deltagare" in p.message


def test_many_rows_of_one_unknown_code_are_reported_once() -> None:
    rows = [["D9", D(2019, 9, 2) + dt.timedelta(days=i), "N"] for i in range(40)]
    data = read(Närvaro=[ATTENDANCE_HEAD, ["D1", D(2019, 9, 2), "N"], *rows])
    [p] = on(data, "Närvaro")
    assert p.row == 3 and "40 rader" in p.message
    assert len(data.attendance) == 1


# -- duplicates ------------------------------------------------------------------------------------

def test_duplicate_group_keeps_the_first() -> None:
    groups = [*GROUPS, ["K2", "Klippan", 3, D(2020, 1, 1), D(2020, 5, 1)]]
    data = read(Grupper=groups)
    assert list(data.groups["group_no"]) == [2, 2]
    [p] = on(data, "Grupper")
    assert where(p) == (4, "GruppID", "K2", "fel", "K2")
    assert "rad 2" in p.message


def test_duplicate_participant_keeps_the_first() -> None:
    data = read(Deltagare=[*PARTICIPANTS, ["D1", "P2"]])
    assert data.participants.set_index("participant_id").loc["D1", "group_id"] == "K2"
    [p] = on(data, "Deltagare")
    # -- the dropped row claimed P2, so P2's figures are the ones it changes --
    assert where(p) == (5, "DeltagarID", "D1", "fel", "P2")


def test_duplicate_attendance_day_keeps_the_first() -> None:
    att = [ATTENDANCE_HEAD, ["D1", D(2019, 9, 2), "N"], ["D1", "2019-09-02", "F"], ["D2", D(2019, 9, 2), "F"]]
    data = read(Närvaro=att)
    assert list(data.attendance["status"]) == ["N", "F"]
    [p] = on(data, "Närvaro")
    assert where(p) == (3, "Datum", "2019-09-02", "fel", "K2")
    assert "rad 2" in p.message


def test_attendance_day_typed_in_another_case_is_the_same_participant_and_a_duplicate() -> None:
    # -- duplicates are found after codes take the master spelling: d1 and D1 are one participant --
    att = [ATTENDANCE_HEAD, ["D1", D(2019, 9, 2), "N"], ["d1", D(2019, 9, 2), "F"], ["d1", D(2019, 9, 3), "F"]]
    data = read(Närvaro=att)
    assert list(data.attendance["row"]) == [2, 4]
    assert list(data.attendance["participant_id"]) == ["D1", "D1"]
    [p] = on(data, "Närvaro")
    assert where(p) == (3, "Datum", "2019-09-02", "fel", "K2")
    assert "rad 2" in p.message


def test_repeated_attendance_duplicates_each_point_at_the_first_row() -> None:
    att = [ATTENDANCE_HEAD, ["D2", D(2019, 9, 3), "N"], ["D1", D(2019, 9, 2), "N"], ["D2", D(2019, 9, 3), "F"],
           ["D1", D(2019, 9, 2), "G"], ["D2", D(2019, 9, 3), "N"]]
    data = read(Närvaro=att)
    assert list(data.attendance["row"]) == [2, 3]
    assert [(p.row, p.message.split(";")[0]) for p in on(data, "Närvaro")] == [
        (4, "Samma deltagare och datum finns redan på rad 2"),
        (5, "Samma deltagare och datum finns redan på rad 3"),
        (6, "Samma deltagare och datum finns redan på rad 2"),
    ]


def test_attendance_of_a_group_with_inverted_dates_is_not_checked_against_its_period() -> None:
    groups = [*GROUPS, ["H3", "Höör", 3, D(2020, 1, 10), D(2019, 12, 1)]]
    participants = [*PARTICIPANTS, ["D4", "H3"]]
    data = read(Grupper=groups, Deltagare=participants,
                Närvaro=[ATTENDANCE_HEAD, ["D4", D(2018, 1, 1), "N"], ["D1", D(2018, 1, 1), "N"]])
    # -- H3's period cannot be trusted (its own warning says so); K2's can --
    assert list(data.attendance["participant_id"]) == ["D4"]
    assert [where(p) for p in on(data, "Närvaro")] == [(3, "Datum", "2018-01-01", "fel", "K2")]


def test_duplicate_internship_period_is_reported() -> None:
    data = read(Praktik=[["DeltagarID", "Period", "Erbjuden"], ["D1", 1, "ja"], ["D1", 1.0, "ja"], ["D1", 2, "ja"]])
    assert list(data.internships["period"]) == [1, 2]
    assert [where(p) for p in on(data, "Praktik")] == [(3, "Period", "1", "fel", "K2")]


# -- dates -----------------------------------------------------------------------------------------

def test_group_ending_before_it_starts_is_a_warning_and_kept() -> None:
    groups = [*GROUPS, ["H3", "Höör", 3, D(2020, 1, 10), D(2019, 12, 1)]]
    data = read(Grupper=groups)
    assert "H3" in set(data.groups["group_id"])
    [p] = on(data, "Grupper")
    assert where(p) == (4, "Slutdatum", "2019-12-01", "varning", "H3")


def test_attendance_outside_the_group_period_is_left_out() -> None:
    att = [ATTENDANCE_HEAD, ["D1", D(2019, 8, 30), "N"], ["D1", D(2019, 9, 2), "N"], ["D2", D(2019, 12, 20), "F"]]
    data = read(Närvaro=att)
    assert list(data.attendance["row"]) == [3]
    assert [where(p) for p in on(data, "Närvaro")] == [
        (2, "Datum", "2019-08-30", "fel", "K2"), (4, "Datum", "2019-12-20", "fel", "P2")]
    assert "2019-09-02–2019-12-19" in on(data, "Närvaro")[0].message


def test_participant_dates_outside_group_period_are_warnings() -> None:
    participants = [["DeltagarID", "GruppID", "Startdatum", "Slutdatum"],
                    ["D1", "K2", D(2019, 8, 1), None], ["D2", "P2", D(2019, 9, 2), D(2020, 1, 5)]]
    data = read(Deltagare=participants)
    assert len(data.participants) == 2
    assert [where(p) for p in on(data, "Deltagare")] == [
        (2, "Startdatum", "2019-08-01", "varning", "K2"), (3, "Slutdatum", "2020-01-05", "varning", "P2")]


def test_outcome_before_participant_start_is_a_warning() -> None:
    participants = [["DeltagarID", "GruppID", "Startdatum"], ["D1", "K2", D(2019, 9, 9)], ["D2", "P2", None]]
    outcomes = [["DeltagarID", "Datum", "Utfall"], ["D1", D(2019, 9, 5), "Arbete"], ["D2", D(2019, 8, 1), "studier"],
                ["D1", D(2019, 12, 1), "Arbete"]]
    data = read(Deltagare=participants, Utfall=outcomes)
    assert list(data.outcomes["category"]) == ["Arbete", "Studier", "Arbete"]
    assert [where(p) for p in on(data, "Utfall")] == [
        (2, "Datum", "2019-09-05", "varning", "K2"), (3, "Datum", "2019-08-01", "varning", "P2")]


# -- values outside what a column allows -----------------------------------------------------------

@pytest.mark.parametrize(("sheet", "head", "row", "column"), [
    ("Närvaro", ATTENDANCE_HEAD, ["D1", D(2019, 9, 2), "Q"], "Status"),
    ("Utfall", ["DeltagarID", "Datum", "Utfall"], ["D1", D(2019, 12, 1), "Semester"], "Utfall"),
    ("Personal", ["GruppID", "Roll", "Tjänstgöringsgrad"], ["K2", "SYV", 150], "Tjänstgöringsgrad"),
    ("Personal", ["GruppID", "Roll", "Tjänstgöringsgrad"], ["K2", "SYV", "-20 %"], "Tjänstgöringsgrad"),
    ("Grupper", GROUPS[0], ["H1", "Höör", -1, D(2019, 9, 2), D(2019, 12, 1)], "Gruppnummer"),
])
def test_required_value_outside_the_allowed_set_drops_the_row(sheet: str, head: list[str], row: list[object],
                                                              column: str) -> None:
    rows = [*GROUPS, row] if sheet == "Grupper" else [head, row]
    data = read(**{sheet: rows})
    [p] = on(data, sheet)
    assert (p.column, p.severity, p.row) == (column, "fel", len(rows))
    assert p.message.endswith("Raden har inte räknats med.")


def test_negative_count_in_an_optional_column_is_left_empty() -> None:
    groups = [[*GROUPS[0], "Veckor"], [*GROUPS[1], -16], [*GROUPS[2], 16]]
    data = read(Grupper=groups)
    assert data.groups["weeks"].isna().tolist() == [True, False]
    [p] = on(data, "Grupper")
    assert where(p) == (2, "Veckor", "-16", "fel", "K2")


@pytest.mark.parametrize(("sheet", "head", "row", "column"), [
    ("Grupper", [*GROUPS[0], "Termin"], ["H1", "Höör", 1, D(2019, 9, 2), D(2019, 12, 1), "sommar"], "Termin"),
    ("Praktik", ["DeltagarID", "Period", "Sektor"], ["D1", 1, "statlig"], "Sektor"),
])
def test_unknown_term_or_sector_is_a_warning_and_kept(sheet: str, head: list[str], row: list[object],
                                                      column: str) -> None:
    rows = [head, *[[*r, "höst"] for r in GROUPS[1:]], row] if sheet == "Grupper" else [head, row]
    data = read(**{sheet: rows})
    [p] = on(data, sheet)
    assert (p.column, p.severity) == (column, "varning")
    frame = data.groups if sheet == "Grupper" else data.internships
    assert row[-1] in set(frame["term" if sheet == "Grupper" else "sector"])


def test_participated_without_offer_is_a_warning() -> None:
    data = read(Praktik=[["DeltagarID", "Period", "Erbjuden", "Deltog"], ["D1", 1, "nej", "ja"], ["D2", 1, "ja", "ja"]])
    assert len(data.internships) == 2
    assert [where(p) for p in on(data, "Praktik")] == [(2, "Deltog", "SANT", "varning", "K2")]


# -- goals -----------------------------------------------------------------------------------------

GOAL_HEAD = ["MålID", "Mått", "Jämförelse", "Målvärde", "Målvärde max", "Aktiv"]


@pytest.mark.parametrize(("row", "column"), [
    (["X1", "trivsel", ">=", 0.8, None, "ja"], "Mått"),
    (["X1", "praktik_deltagande_", ">=", 0.8, None, "ja"], "Mått"),
    (["X1", "narvaro", "större än", 0.8, None, "ja"], "Jämförelse"),
    (["X1", "gruppstorlek", "mellan", 5, None, "ja"], "Målvärde max"),
    (["X1", "gruppstorlek", "mellan", 10, 5, "ja"], "Målvärde max"),
    (["X1", "narvaro", ">=", "hög", None, "ja"], "Målvärde"),
    (["X1", "narvaro", ">=", None, None, "ja"], "Målvärde"),
])
def test_unusable_goal_is_dropped_with_a_problem(row: list[object], column: str) -> None:
    data = read(Mål=[GOAL_HEAD, ["M1", "narvaro", ">=", 0.8, None, None], row])
    assert list(data.goals["goal_id"]) == ["M1"]
    [p] = on(data, "Mål")
    assert (p.row, p.column, p.severity) == (3, column, "fel")


@pytest.mark.parametrize("metric", ["narvaro", "Praktik_deltagande_3", " sysselsattning ", "enkat"])
def test_valid_metric_keys_are_accepted_and_normalised(metric: str) -> None:
    data = read(Mål=[GOAL_HEAD, ["M1", metric, "≥", 1, None, None]])
    assert list(data.goals["metric"]) == [metric.strip().lower()]
    assert list(data.goals["comparison"]) == [">="]
    assert not on(data, "Mål")


def test_share_goal_typed_as_percent_is_read_as_share_with_a_warning() -> None:
    data = read(Mål=[GOAL_HEAD, ["M1", "narvaro", ">=", 80, None, None], ["M2", "gruppstorlek", "mellan", 5, 10, None]])
    assert list(data.goals["target"]) == pytest.approx([0.8, 5])
    assert [where(p)[:4] for p in on(data, "Mål")] == [(2, "Målvärde", "80", "varning")]


# -- one group's problem stays in that group -------------------------------------------------------

def test_problems_in_one_group_leave_other_groups_intact() -> None:
    participants = [["DeltagarID", "GruppID", "Startdatum"], ["D1", "K2", "i höstas"], ["D2", "P2", None],
                    ["D3", "P2", None]]
    att = [ATTENDANCE_HEAD, ["D1", "2019-13-01", "N"], ["D1", D(2019, 9, 3), "X"], ["D1", D(2019, 9, 4), "N"],
           ["D2", D(2019, 9, 3), "N"], ["D3", D(2019, 9, 3), "F"], ["D2", D(2019, 9, 4), "N"]]
    data = read(Deltagare=participants, Närvaro=att)
    assert {p.group_id for p in data.problems if p.row is not None} == {"K2"}
    p2 = data.attendance.merge(data.participants, on="participant_id").query("group_id == 'P2'")
    assert sorted(p2["row_x"]) == [5, 6, 7]
    assert len(data.participants) == 3


def test_problems_are_sorted_by_sheet_order_then_row() -> None:
    data = read(Närvaro=[ATTENDANCE_HEAD, ["D1", D(2019, 9, 3), "Q"], ["D9", D(2019, 9, 3), "N"]],
                Deltagare=[*PARTICIPANTS, ["D4", "X"]])
    rows = [(p.sheet, p.row) for p in data.problems if p.row is not None]
    assert rows == [("Deltagare", 5), ("Närvaro", 2), ("Närvaro", 3)]


def test_rows_of_a_group_left_out_for_an_error_point_at_the_group_row() -> None:
    groups = [*GROUPS[:2], ["P2", "Perstorp", 2, "snart", D(2019, 12, 19)]]
    att = [ATTENDANCE_HEAD, ["D1", D(2019, 9, 2), "N"], ["D2", D(2019, 9, 2), "N"], ["D3", D(2019, 9, 2), "N"]]
    data = read(Grupper=groups, Närvaro=att)
    assert list(data.participants["participant_id"]) == ["D1"]
    assert list(data.attendance["participant_id"]) == ["D1"]
    [grp] = on(data, "Grupper")
    assert (grp.row, grp.column) == (3, "Startdatum")
    [dep] = on(data, "Deltagare")
    assert dep.row == 3 and "har ett fel på rad 3 i bladet Grupper (2 rader: 3 och 4)" in dep.message
    assert [p.message.split(" har ")[0] for p in on(data, "Närvaro")] == ["DeltagarID D2", "DeltagarID D3"]
