"""The example data, recounted directly from example_data() rows with plain Python: an independent check
that the made-up participants reproduce the seed report's figures (METRICS.md), not a test of the core."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from fractions import Fraction

import pytest

from xlpy import spec
from xlpy.example import example_data

G2 = ("K2", "P2")


@pytest.fixture(scope="module")
def data() -> dict[str, list[dict]]:
    return example_data()


@pytest.fixture(scope="module")
def group_of(data) -> dict[str, str]:
    return {p["participant_id"]: p["group_id"] for p in data["participants"]}


@pytest.fixture(scope="module")
def latest_outcome(data) -> dict[str, str]:
    latest: dict[str, tuple[dt.date, str]] = {}
    for row in data["outcomes"]:
        pid = row["participant_id"]
        # -- on a tie the lower row wins (WORKBOOK.md), hence >= --
        if pid not in latest or row["date"] >= latest[pid][0]:
            latest[pid] = (row["date"], row["category"])
    return {pid: cat for pid, (_, cat) in latest.items()}


def test_every_row_uses_only_column_keys_of_the_contract(data):
    for sheet in spec.INPUT_SHEETS:
        keys = {c.key for c in sheet.columns}
        for row in data[sheet.key]:
            assert set(row) <= keys, (sheet.key, set(row) - keys)


def test_example_data_is_the_same_on_every_call(data):
    assert example_data() == data


@pytest.mark.parametrize("group_id, size", [("K1", 12), ("K2", 11), ("P2", 10), ("K3", 10), ("P3", 11)])
def test_group_sizes_match_the_seed(group_of, group_id, size):
    assert Counter(group_of.values())[group_id] == size


def test_participant_codes_are_codes_not_names(data):
    for p in data["participants"]:
        group, _, number = p["participant_id"].partition("-")
        assert group == p["group_id"] and number.isdigit() and len(number) == 2


@pytest.mark.parametrize("group_id, percent", [("K1", 200), ("K2", 150), ("P2", 150), ("K3", 190), ("P3", 150)])
def test_staffing_sum_of_counted_posts_matches_the_seed(data, group_id, percent):
    total = sum(Fraction(str(r["percent"])) for r in data["staff"]
                if r["group_id"] == group_id and r["counts"] == "ja")
    assert total * 100 == percent


def test_uncounted_syv_post_is_kept_with_its_comment(data):
    syv = [r for r in data["staff"] if r["role"] == "SYV"]
    assert syv == [{"group_id": "P3", "role": "SYV", "percent": 0.25, "counts": "nej", "comment": "ej tillämpat"}]


@pytest.mark.parametrize("group_id, rows, present, ratio", [
    ("K1", 600, 495, Fraction(825, 1000)),
    ("K2", 500, 405, Fraction(81, 100)),
    ("P2", 480, 408, Fraction(85, 100)),
])
def test_pooled_attendance_is_exactly_the_seed_ratio(data, group_of, group_id, rows, present, ratio):
    statuses = Counter(r["status"] for r in data["attendance"] if group_of[r["participant_id"]] == group_id)
    assert sum(statuses.values()) == rows
    assert statuses["N"] == present
    assert Fraction(statuses["N"], statuses["N"] + statuses["F"] + statuses["G"]) == ratio
    assert statuses["G"] > 0 and statuses["F"] > 0


@pytest.mark.parametrize("group_id, days", [("K1", 52), ("K2", 48), ("P2", 48)])
def test_ended_groups_have_four_days_a_week_outside_internship_weeks(data, group_of, group_id, days):
    group = next(g for g in data["groups"] if g["group_id"] == group_id)
    dates = {r["date"] for r in data["attendance"] if group_of[r["participant_id"]] == group_id}
    assert len(dates) == days == group["days_per_week"] * (group["weeks"] - group["internship_weeks"])
    assert min(dates) >= group["start"] and max(dates) <= group["end"]


def test_attendance_rows_lie_within_each_participants_own_period(data, group_of):
    people = {p["participant_id"]: p for p in data["participants"]}
    seen = Counter()
    for r in data["attendance"]:
        p = people[r["participant_id"]]
        assert p["start"] <= r["date"] <= (p["end"] or dt.date.max)
        seen[(r["participant_id"], r["date"])] += 1
    assert max(seen.values()) == 1


def test_early_leaver_and_late_starters_have_the_designed_row_counts(data):
    rows = Counter(r["participant_id"] for r in data["attendance"])
    leavers = [p for p in data["participants"] if p["end"] is not None]
    assert [p["participant_id"] for p in leavers] == ["K1-12"]
    assert rows["K1-12"] == 28
    group_start = {g["group_id"]: g["start"] for g in data["groups"]}
    late = [p["participant_id"] for p in data["participants"] if p["start"] > group_start[p["group_id"]]]
    assert late == ["K2-10", "K2-11"]
    assert rows["K2-10"] == rows["K2-11"] == 34


def test_ongoing_groups_have_attendance_only_up_to_the_report_date(data, group_of):
    report_end = next(r["value"] for r in data["settings"] if r["key"] == "Rapportperiod slut")
    dates = [r["date"] for r in data["attendance"] if group_of[r["participant_id"]] in ("K3", "P3")]
    assert dates and max(dates) < report_end


def test_g2_has_no_early_leavers_and_no_ill_health(data):
    g2 = [p for p in data["participants"] if p["group_id"] in G2]
    assert len(g2) == 21
    assert all(p["end"] is None and p["ill_health"] == "nej" for p in g2)
    assert all(p["cv"] == p["letter"] == p["guidance"] == "ja" for p in g2)


def test_k1_has_one_ill_health_and_one_completer_without_letter(data):
    k1 = [p for p in data["participants"] if p["group_id"] == "K1"]
    assert sum(p["ill_health"] == "ja" for p in k1) == 1
    assert [p["participant_id"] for p in k1 if p["end"] is None and p["letter"] == "nej"] == ["K1-03"]


@pytest.mark.parametrize("group_id, expected", [
    ("K2", {"Studier": 2, "Arbete": 5, "Planering": 3, "Annat": 1}),
    ("P2", {"Studier": 2, "Arbete": 1, "Planering": 7}),
])
def test_g2_latest_outcomes_match_the_seed(group_of, latest_outcome, group_id, expected):
    counts = Counter(cat for pid, cat in latest_outcome.items() if group_of[pid] == group_id)
    assert counts == expected


@pytest.mark.parametrize("group_id, share", [("K2", 64), ("P2", 30)])
def test_share_moved_on_rounds_to_the_seed_percentages(group_of, latest_outcome, group_id, share):
    people = [pid for pid, g in group_of.items() if g == group_id]
    moved = sum(latest_outcome.get(pid) in spec.MOVED_ON_CATEGORIES for pid in people)
    assert round(100 * moved / len(people)) == share


def test_g2_outcome_types_and_descriptions_follow_the_seed(data, group_of, latest_outcome):
    latest_rows = {}
    for row in data["outcomes"]:
        if row["participant_id"] not in latest_rows or row["date"] >= latest_rows[row["participant_id"]]["date"]:
            latest_rows[row["participant_id"]] = row
    k2_work = Counter((r["type"], r["description"]) for pid, r in latest_rows.items()
                      if group_of[pid] == "K2" and r["category"] == "Arbete")
    assert k2_work == {("extratjänst", "lokalvård"): 1, ("extratjänst", "skolkök"): 1,
                       ("extratjänst", "barnomsorg"): 1, ("nystartsjobb", "barnomsorg"): 1,
                       ("ordinarie anställning", "industri"): 1}
    p2_studies = [r["description"] for pid, r in latest_rows.items()
                  if group_of[pid] == "P2" and r["category"] == "Studier"]
    assert p2_studies == ["köksbiträdesutbildning med yrkes-SFI i Helsingborg"] * 2
    annat = [r["type"] for pid, r in latest_rows.items() if group_of[pid] in G2 and r["category"] == "Annat"]
    assert annat == ["avslutad av Arbetsförmedlingen"]


def test_some_participants_have_an_earlier_outcome_that_a_later_one_replaces(data, latest_outcome):
    rows_per_person = Counter(r["participant_id"] for r in data["outcomes"])
    repeated = [pid for pid, n in rows_per_person.items() if n > 1]
    assert len(repeated) >= 2
    for pid in repeated:
        categories = {r["category"] for r in data["outcomes"] if r["participant_id"] == pid}
        assert len(categories) > 1


def test_every_k1_participant_has_an_outcome_and_ongoing_groups_none(group_of, latest_outcome):
    assert all(pid in latest_outcome for pid, g in group_of.items() if g == "K1")
    assert not any(group_of[pid] in ("K3", "P3") for pid in latest_outcome)


def test_g2_internship_participation_is_16_and_15_of_21(data, group_of):
    g2_rows = [r for r in data["internships"] if group_of[r["participant_id"]] in G2]
    for period, participated in ((1, 16), (2, 15)):
        rows = [r for r in g2_rows if r["period"] == period]
        assert len(rows) == 21 and all(r["offered"] == "ja" for r in rows)
        assert sum(r["participated"] == "ja" for r in rows) == participated
    per_person = Counter(r["participant_id"] for r in g2_rows if r["participated"] == "nej")
    assert any(n == 2 for n in per_person.values())


def test_internships_of_ended_groups_two_per_participant_mostly_municipal(data, group_of):
    rows = data["internships"]
    per_person = Counter(r["participant_id"] for r in rows)
    assert {pid for pid, g in group_of.items() if g in ("K1", "K2", "P2")} == set(per_person)
    assert set(per_person.values()) == {2}
    sectors = Counter(r["sector"] for r in rows)
    assert sectors["kommunal"] > len(rows) / 2 and sectors["privat"] > 0
    assert set(sectors) <= set(spec.SECTORS)


def test_g2_action_plan_figure_is_16_of_21(data, latest_outcome):
    g2 = [p for p in data["participants"] if p["group_id"] in G2]
    with_plan = [p for p in g2 if p["action_plan"] == "ja"
                 or latest_outcome.get(p["participant_id"]) in spec.MOVED_ON_CATEGORIES]
    assert len(with_plan) == 16
    # -- the "or moved on" half matters: someone moved on without a written plan --
    assert any(p["action_plan"] == "nej" and latest_outcome[p["participant_id"]] in spec.MOVED_ON_CATEGORIES
               for p in g2)


def test_statistics_tables_are_the_seeds(data):
    table = {(r["period"], r["municipality"]): (r["unemployed"], r["in_programme"]) for r in data["statistics"]}
    assert len(table) == len(data["statistics"]) == 15
    seed_totals = {  # the seed's Total column, which is not typed but must add up
        dt.date(2018, 9, 1): {"Båstad": 96, "Klippan": 157, "Perstorp": 146, "Ängelholm": 247, "Örkelljunga": 89},
        dt.date(2019, 5, 1): {"Båstad": 91, "Klippan": 146, "Perstorp": 143, "Ängelholm": 244, "Örkelljunga": 94},
        dt.date(2020, 1, 1): {"Båstad": 112, "Klippan": 176, "Perstorp": 148, "Ängelholm": 274, "Örkelljunga": 98},
    }
    for period, totals in seed_totals.items():
        for municipality, total in totals.items():
            assert sum(table[(period, municipality)]) == total
    assert table[(dt.date(2019, 5, 1), "Perstorp")] == (39, 104)


def test_groups_and_settings_as_specified(data):
    groups = {g["group_id"]: g for g in data["groups"]}
    assert [g for g in groups] == ["K1", "K2", "P2", "K3", "P3"]
    assert groups["K2"]["start"] == dt.date(2019, 9, 2) and groups["K2"]["end"] == dt.date(2019, 12, 19)
    settings = {r["key"]: r["value"] for r in data["settings"]}
    assert settings["Rapportperiod slut"] == dt.date(2020, 2, 1)
    assert settings["Reala kostnader per person och år"] + settings["Finansiella kostnader per person och år"] == 152000
    ongoing = [g for g, row in groups.items() if row["end"] > settings["Rapportperiod slut"]]
    assert ongoing == ["K3", "P3"]
    assert {s.name for s in spec.SETTING_DEFS} == set(settings)


def test_texts_cover_every_report_section(data):
    texts = {r["section"]: r["text"] for r in data["texts"]}
    assert list(texts) == list(spec.TEXT_SECTIONS)
    assert all(2 <= t.count(".") <= 4 for t in texts.values())
