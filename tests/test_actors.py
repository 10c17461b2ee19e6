"""Costs per actor, sensitivity, Varaktighet and the insats's own cost (METRICS.md, "Costs per actor,
sensitivity and the insats's own cost"), on the example data and on small hand-made inputs."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xlpy import spec
from xlpy.core import compute
from xlpy.core.actors import apportion
from xlpy.core.costs import cost_tables
from xlpy.example import example_data
from xlpy.io.memory import MemoryWorkbook
from xlpy.jobs import load
from xlpy.model import Settings
from xlpy.outputs.sheets import units_in_order

D = dt.date
TABLES = ("om_ingenting_hander", "besparing", "kvarstaende", "produktionsbortfall", "total")

# -- the seed's 143 500 + 8 500 = 152 000 kr split over actors (made-up, but summing exactly) --
ITEMS_152000 = [
    ("Försörjningsstöd", "Kommun", "Finansiell", 5000, 6000, 8000, "Kommunens statistik 2019"),
    ("Socialtjänstens handläggning", "Kommun", "Real", 30000, 35000, 40000, "SEE AB, tabell 3"),
    ("Vård och behandling", "Region", "Real", 25000, 30500, 36000, "Region Skåne, snittkostnad"),
    ("Handläggning och program", "Arbetsförmedlingen", "Real", 40000, 48000, 55000, "Af årsredovisning"),
    ("Ersättningar", "Försäkringskassan", "Finansiell", 2000, 2500, 3000, "FK statistik"),
    ("Rättsväsende m.m.", "Staten övrigt", "Real", 20000, 30000, 35000, "Nilsson & Wadeskog"),
]


def sheet_rows(sheet: spec.SheetSpec, rows: list[dict[str, Any]]) -> list[list[Any]]:
    return [[c.header for c in sheet.columns], *[[r.get(c.key) for c in sheet.columns] for r in rows]]


def example_book(**extra: list[dict[str, Any]]) -> MemoryWorkbook:
    """The example workbook's data in memory, with `extra` sheets (by key) added or replaced."""
    data = {**example_data(), **extra}
    return MemoryWorkbook({spec.SHEETS_BY_KEY[k].name: sheet_rows(spec.SHEETS_BY_KEY[k], rows)
                           for k, rows in data.items()})


def items(rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    keys = ("item", "actor", "kind", "low", "base", "high", "source")
    return [dict(zip(keys, r, strict=True)) for r in rows]


@pytest.fixture(scope="module")
def plain() -> dict[str, Any]:
    return compute(load(example_book()))


@pytest.fixture(scope="module")
def split() -> dict[str, Any]:
    return compute(load(example_book(cost_items=items(ITEMS_152000))))


def test_kostnadsposter_summing_to_152000_leave_every_seed_table_unchanged(plain, split) -> None:
    assert split["parameters"]["cost_per_person_year"] == 152_000
    assert not [p for p in split["problems"] if p["sheet"] == "Kostnadsposter"]
    for a, b in zip(units_in_order(plain), units_in_order(split), strict=True):
        for key in TABLES:
            assert a["costs"][key] == b["costs"][key], (a["key"], key)
    g2 = split["levels"]["omgang"]["2"]["costs"]
    assert [y["cumulative"] for y in g2["besparing"]] == [1_520_000, 3_040_000, 4_560_000, 6_080_000]
    assert [y["cumulative"] for y in g2["kvarstaende"]] == [1_672_000, 3_344_000, 5_016_000, 6_688_000]


def test_without_kostnadsposter_the_settings_are_one_unallocated_actor(plain) -> None:
    g2 = plain["levels"]["omgang"]["2"]["costs"]
    assert list(g2["per_actor"]["besparing"]) == ["Ej fördelat"]
    assert g2["per_actor"]["besparing"]["Ej fördelat"] == g2["besparing"]
    assert g2["sensitivity"]["låg"] == g2["sensitivity"]["bas"] == g2["sensitivity"]["hög"]
    assert g2["financial"]["besparing"][0]["annual"] == 10 * 8_500
    assert [i["actor"] for i in plain["parameters"]["cost_items"]] == ["Ej fördelat", "Ej fördelat"]


def test_actor_rows_sum_to_the_units_table_every_year(split) -> None:
    for unit in units_in_order(split):
        c = unit["costs"]
        for key in ("om_ingenting_hander", "besparing", "kvarstaende"):
            for t, row in enumerate(c[key]):
                parts = [series[t] for series in c["per_actor"][key].values()]
                assert sum(p["annual"] for p in parts) == row["annual"], (unit["key"], key, t)
                assert sum(p["cumulative"] for p in parts) == row["cumulative"], (unit["key"], key, t)


def test_an_actors_share_is_people_times_its_own_k(split) -> None:
    c = split["levels"]["omgang"]["2"]["costs"]  # 21 people, 10 moved on
    assert c["per_actor"]["besparing"]["Kommun"][0]["annual"] == 10 * 41_000
    assert c["per_actor"]["om_ingenting_hander"]["Region"][3]["cumulative"] == 21 * 30_500 * 4
    assert c["per_actor"]["kvarstaende"]["Arbetsförmedlingen"][0]["annual"] == 11 * 48_000
    assert list(c["per_actor"]["besparing"]) == ["Kommun", "Region", "Arbetsförmedlingen", "Försäkringskassan",
                                                 "Staten övrigt"]
    # -- varav finansiella: Försörjningsstöd 6 000 + Ersättningar 2 500 per person and year --
    assert c["financial"]["besparing"][0]["annual"] == 10 * 8_500


def test_sensitivity_uses_the_sums_of_lag_bas_hog_over_the_last_kalkylar(split) -> None:
    c = split["levels"]["omgang"]["2"]["costs"]
    low = sum(r[3] for r in ITEMS_152000)
    high = sum(r[5] for r in ITEMS_152000)
    assert c["sensitivity"]["låg"] == {"k": low, "om_ingenting_hander": 21 * low * 4, "besparing": 10 * low * 4}
    assert c["sensitivity"]["bas"]["besparing"] == c["besparing"][-1]["cumulative"] == 6_080_000
    assert c["sensitivity"]["hög"]["om_ingenting_hander"] == 21 * high * 4
    assert split["parameters"]["cost_k"] == {"låg": low, "bas": 152_000, "hög": high}


@pytest.mark.parametrize(("v", "rate"), [(1.0, 0.0), (0.8, 0.0), (0.5, 0.03), (0.0, 0.04), (0.37, 0.0)])
def test_varaktighet_keeps_besparing_plus_kvarstaende_equal_to_om_ingenting_hander(v: float, rate: float) -> None:
    t = cost_tables(21, 10, Settings(persistence=v, discount_rate=rate, horizon_years=6), 152_000)
    for nothing, saved, rest in zip(t["om_ingenting_hander"], t["besparing"], t["kvarstaende"], strict=True):
        assert saved["annual"] + rest["annual"] == nothing["annual"]
        assert saved["cumulative"] + rest["cumulative"] == nothing["cumulative"]


def test_varaktighet_shrinks_the_people_of_later_years() -> None:
    t = cost_tables(21, 10, Settings(persistence=0.8, horizon_years=3), 152_000)
    assert [y["annual"] for y in t["besparing"]] == [1_520_000, 1_216_000, 972_800]
    # -- those who fall back are remaining again: 21 − 10 × 0,8² = 14,6 people in year 3 --
    assert [y["annual"] for y in t["kvarstaende"]] == [1_672_000, 1_976_000, round(14.6 * 152_000)]


def test_varaktighet_reaches_the_actor_split_and_sums_still_hold() -> None:
    settings_rows = [r if r["key"] != "Varaktighet" else {**r, "value": "0,75"} for r in example_data()["settings"]]
    res = compute(load(example_book(settings=settings_rows, cost_items=items(ITEMS_152000))))
    assert res["parameters"]["persistence"] == 0.75
    c = res["levels"]["project"]["all"]["costs"]
    assert c["besparing"][1]["annual"] == round(c["moved_on"] * 0.75 * 152_000)
    for t, row in enumerate(c["kvarstaende"]):
        assert sum(s[t]["annual"] for s in c["per_actor"]["kvarstaende"].values()) == row["annual"]
        assert row["annual"] + c["besparing"][t]["annual"] == c["om_ingenting_hander"][t]["annual"]


@pytest.mark.parametrize(("total", "parts", "expected"), [
    (10, [1, 1, 1], [4, 3, 3]),
    (100, [0.5, 0.25, 0.25], [50, 25, 25]),
    (7, [0, 0], [7, 0]),
    (0, [1, 2], [0, 0]),
    (1_000_001, [2, 1], [666_667, 333_334]),
])
def test_apportion_sums_exactly_and_stays_within_a_krona(total: int, parts: list[float], expected: list[int]) -> None:
    assert apportion(total, parts) == expected
    assert sum(apportion(total, parts)) == total


BUDGET = [
    {"year": 2018, "item": "Förstudie", "budget": 100_000, "actual": 90_000, "funder": "Förbundet"},
    {"year": 2019, "item": "Personal", "budget": 1_200_000, "actual": 1_100_000, "funder": "Förbundet"},
    {"year": 2019, "item": "Lokaler", "budget": 200_000, "actual": None, "funder": "Klippans kommun"},
    {"year": 2020, "item": "Personal", "budget": 1_300_000, "actual": 0, "funder": "Förbundet"},
    {"year": 2021, "item": "Personal", "budget": 1_300_000, "actual": None, "funder": "Förbundet"},
]


def test_insats_cost_netto_and_payback_months(plain) -> None:
    res = compute(load(example_book(budget=BUDGET)))
    # -- Projektperiod start 2019-02-01, Rapportperiod slut 2020-02-01: years 2019 and 2020; an empty Utfall
    #    counts the Budget, an Utfall of 0 is 0 --
    assert res["insats_cost"] == 1_100_000 + 200_000 + 0
    project = res["levels"]["project"]["all"]["costs"]
    assert res["netto"] == project["besparing"][-1]["cumulative"] - 1_300_000
    first_year = project["besparing"][0]["annual"]
    assert res["payback_months"] == round(1_300_000 / (first_year / 12), 1)
    assert plain["insats_cost"] is None and plain["netto"] is None and plain["payback_months"] is None


def test_no_payback_without_a_saving() -> None:
    outcomes = [r for r in example_data()["outcomes"] if r["category"] not in ("Arbete", "Studier")]
    res = compute(load(example_book(budget=BUDGET, outcomes=outcomes)))
    assert res["insats_cost"] == 1_300_000
    assert res["payback_months"] is None
    assert res["netto"] == -1_300_000


def kontroll(rows: list[dict[str, Any]], sheet: str = "cost_items") -> list[dict[str, Any]]:
    res = compute(load(example_book(**{sheet: rows})))
    return [p for p in res["problems"] if p["sheet"] == spec.SHEETS_BY_KEY[sheet].name]


@pytest.mark.parametrize(("row", "column", "words"), [
    (("Stöd", "Kommun", "Real", 1, 2, 3, None), "Källa", "Källa saknas"),
    (("Stöd", "Kommun", "Real", 5, 2, 3, "Egen"), "Bas", "Låg ≤ Bas ≤ Hög"),
    (("Stöd", "Kommun", "Real", 1, 4, 3, "Egen"), "Bas", "Låg ≤ Bas ≤ Hög"),
    (("Stöd", "Landstinget", "Real", 1, 2, 3, "Egen"), "Aktör", "inget giltigt värde för Aktör"),
    (("Stöd", "Kommun", "Real", -1, 2, 3, "Egen"), "Låg", "negativt"),
    (("Stöd", "Kommun", "Real", 1, "två", 3, "Egen"), "Bas", "inget tal"),
    (("Stöd", "Kommun", "Real", "ett", 2, 3, "Egen"), "Låg", "inget tal"),
])
def test_a_bad_cost_item_is_a_kontroll_error_and_left_out(row: tuple[Any, ...], column: str, words: str) -> None:
    good = ("Övrigt", "Staten övrigt", "Real", 100_000, 152_000, 160_000, "Nilsson")
    problems = kontroll(items([good, row]))
    assert [(p["severity"], p["row"], p["column"]) for p in problems] == [("fel", 3, column)]
    assert words in problems[0]["message"]
    res = compute(load(example_book(cost_items=items([good, row]))))
    assert res["parameters"]["cost_per_person_year"] == 152_000


def test_empty_lag_and_hog_mean_bas() -> None:
    res = compute(load(example_book(cost_items=items([("Allt", "Kommun", "Real", None, 150_000, None, "Egen")]))))
    assert res["parameters"]["cost_k"] == {"låg": 150_000, "bas": 150_000, "hög": 150_000}


def test_only_bad_cost_items_fall_back_to_the_settings_with_an_error() -> None:
    problems = kontroll(items([("Stöd", "Kommun", "Real", 1, 2, 3, None)]))
    assert any(p["row"] is None and "Inställningar" in p["message"] for p in problems)


@pytest.mark.parametrize(("row", "column", "words"), [
    ({"year": 19, "item": "x", "budget": 5}, "År", "inget årtal"),
    ({"year": "2019a", "item": "x", "budget": 5}, "År", "inget heltal"),
    ({"year": 2019, "item": "x", "budget": "mycket"}, "Budget", "inget tal"),
    ({"year": 2019, "item": "x", "budget": 5, "actual": "?"}, "Utfall", "inget tal"),
])
def test_a_bad_budget_row_is_a_kontroll_error_and_left_out(row: dict[str, Any], column: str, words: str) -> None:
    problems = kontroll([row], "budget")
    assert [(p["severity"], p["row"], p["column"]) for p in problems] == [("fel", 2, column)]
    assert words in problems[0]["message"] and "inte räknats med" in problems[0]["message"]
    assert compute(load(example_book(budget=[row])))["insats_cost"] is None  # -- no usable row left --


def test_varaktighet_setting_reads_shares_and_percent() -> None:
    for typed, expected in (("0,8", 0.8), ("80 %", 0.8), (1, 1.0)):
        rows = [r if r["key"] != "Varaktighet" else {**r, "value": typed} for r in example_data()["settings"]]
        assert load(example_book(settings=rows)).settings.persistence == pytest.approx(expected)


def test_samhallskostnad_shows_the_actor_split_the_items_with_sources_and_the_sensitivity(split) -> None:
    from xlpy.outputs.sheets import build_output_sheets

    sheet = next(s for s in build_output_sheets(split) if s.name == "Samhällskostnad")
    rows = [[c.value for c in r] for r in sheet.rows]
    assert ["Försörjningsstöd", "Kommun", "Finansiell", 5000, 6000, 8000, "Kommunens statistik 2019"] in rows
    g2 = split["levels"]["omgang"]["2"]["costs"]
    assert ["Besparing", "Kommun", *[r["cumulative"] for r in g2["per_actor"]["besparing"]["Kommun"]]] in rows
    assert ["Besparing", "varav finansiella", 85_000, 170_000, 255_000, 340_000] in rows
    assert ["Hög", 177_000, 21 * 177_000 * 4, 10 * 177_000 * 4] in rows
    assert any(r[:1] == ["Insatsens kostnad: bladet Budget har inga rader, så netto och återbetalningstid räknas "
                         "inte."] for r in rows)


def test_a_new_workbook_has_the_cost_sheets_as_tables_with_drop_downs(tmp_path) -> None:
    import openpyxl

    from xlpy.workbook_template import create_workbook

    create_workbook(tmp_path / "ny.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "ny.xlsx")
    lists = {}
    for name in ("Kostnadsposter", "Budget", "Deltagare"):
        ws = wb[name]
        assert list(ws.tables) == [f"tbl{name}"]
        headers = [c.value for c in ws[2]]
        for dv in ws.data_validations.dataValidation:
            col = headers[openpyxl.utils.column_index_from_string(str(dv.sqref).split(":")[0].rstrip("0123456789")) - 1]
            lists[(name, col)] = (dv.formula1, dv.errorStyle)
    assert lists[("Kostnadsposter", "Aktör")] == ('"' + ",".join(spec.ACTORS) + '"', "stop")
    assert lists[("Kostnadsposter", "Slag")] == ('"Real,Finansiell"', "stop")
    assert lists[("Deltagare", "Kön")] == ('"Kvinna,Man,Annat"', "stop")
    assert wb["Kostnadsposter"].column_dimensions["E"].number_format == "#,##0"
    assert [c.value for c in wb["Budget"][2]] == ["År", "Post", "Budget", "Utfall", "Finansiär"]
