"""The report context: formatting rules, placeholders, chapter selection and numbering (no Word involved)."""

from __future__ import annotations

import copy

import pytest

from tests.test_report_support import load_fixture, norm
from xlpy.report.context import (
    PLACEHOLDER,
    build_context,
    ended_omgangar,
    target_text,
    texts_context,
    value_text,
)


@pytest.mark.parametrize(
    ("metric", "value", "basis", "expected"),
    [
        ("narvaro", 0.825, [330, 400], "82,5 %"),
        ("narvaro", 0.81, [567, 700], "81 %"),
        ("handlingsplan", 16 / 21, [16, 21], "76 % (16 av 21)"),
        ("praktik_deltagande_2", 15 / 21, [15, 21], "71 % (15 av 21)"),
        ("gruppdagar", 47 / 48, [47, 48], "98 % (47 av 48 dagar)"),
        ("gruppstorlek", 11, [11, 1], "11 deltagare"),
        ("enkat", 1, [1, 1], "ja"),
        ("enkat", 0, [0, 1], "nej"),
        ("cv_brev", None, None, "–"),
    ],
)
def test_value_text_formats_each_metric_the_swedish_way(metric, value, basis, expected):
    assert norm(value_text(metric, value, basis)) == expected


@pytest.mark.parametrize(
    ("goal", "expected"),
    [
        ({"metric": "narvaro", "comparison": ">=", "target": 0.8}, "minst 80 %"),
        ({"metric": "gruppstorlek", "comparison": "mellan", "target": 5, "target_max": 10}, "5–10 deltagare"),
        ({"metric": "handlingsplan", "comparison": ">=", "target": 0.75}, "minst 75 %"),
        ({"metric": "narvaro", "comparison": "<=", "target": 0.125}, "högst 12,5 %"),
        ({"metric": "enkat", "comparison": ">=", "target": 1}, "genomförd"),
    ],
)
def test_target_text_states_the_goal_in_words(goal, expected):
    assert norm(target_text(goal)) == expected


def test_missing_required_text_becomes_a_visible_placeholder_and_optional_text_stays_empty():
    texts = texts_context({"Omvärldsbevakning": "Rad ett.\n\nRad två."})
    assert texts["omvarld"] == ["Rad ett.", "Rad två."]
    assert texts["bakgrund"] == [PLACEHOLDER.format(name="Bakgrund och syfte")]
    assert texts["utmaningar"] == ["[Text saknas: skriv avsnittet Utmaningar i bladet Texter]"]
    assert texts["metod"] == []


def test_text_sections_are_found_case_insensitively_and_by_short_name():
    texts = texts_context({"  BAKGRUND ": "Kort.", "sammanfattning": "Slut."})
    assert texts["bakgrund"] == ["Kort."]
    assert texts["sammanfattning"] == ["Slut."]


def test_only_omgangar_that_ended_within_the_report_period_get_a_results_chapter():
    results = load_fixture()
    assert [o["key"] for o in ended_omgangar(results)] == ["1", "2"]
    ctx = build_context(results)
    assert [o["heading"] for o in ctx["omgangar"]] == ["Resultat grupp 1", "Resultat grupp 2"]


def test_table_and_figure_numbers_follow_document_order():
    ctx = build_context(load_fixture())
    stats = [int(s["table_no"]) for s in ctx["statistics"]]
    assert stats == [4, 5, 6]
    assert ctx["project"]["table_no"] == "7"
    first, second = ctx["omgangar"]
    assert [first["participation_table_no"], first["outcome_table_no"], first["nothing"]["table_no"],
            first["saving"]["table_no"], first["remaining"]["table_no"]] == ["8", "9", "10", "11", "12"]
    assert second["participation_table_no"] == "13"
    assert [ctx["project"]["figure_no"], first["figure_no"], second["figure_no"]] == ["1", "2", "3"]


def test_outcomes_list_the_typ_breakdown_per_municipality():
    ctx = build_context(load_fixture())
    lines = [norm(x) for x in ctx["omgangar"][1]["type_lines"]]
    assert "Arbete, Klippan: 3 extratjänst, 1 nystartsjobb, 1 ordinarie anställning." in lines
    assert "Studier, Perstorp: 2 yrkes-SFI." in lines
    assert "Annat, Klippan: 1 avslutad av Arbetsförmedlingen." in lines
    # a category with no Typ at all is not broken down (the seed's footnotes do the same)
    assert not any(line.startswith("Planering") for line in lines)


def test_small_counts_are_hidden_when_a_minimum_is_set():
    results = load_fixture()
    results["parameters"]["min_count"] = 3
    ctx = build_context(results)
    g2 = ctx["omgangar"][1]
    perstorp = next(r for r in g2["rows"] if r["label"] == "Perstorp grupp 2")
    assert perstorp["arbete"] == "<3"
    assert perstorp["studier"] == "<3"
    assert perstorp["planering"] in ("7", "–")  # shown, or hidden to protect the small ones
    assert perstorp["ej_registrerat"] == "0"


def test_staffing_totals_exclude_budgeted_but_unused_posts():
    ctx = build_context(load_fixture())
    totals = {s["label"]: norm(s["total"]) for s in ctx["staffing"]}
    assert totals == {"Klippan grupp 1": "200 %", "Klippan grupp 2": "150 %", "Perstorp grupp 2": "150 %",
                      "Klippan grupp 3": "190 %", "Perstorp grupp 3": "150 %"}
    p3 = next(s for s in ctx["staffing"] if s["label"] == "Perstorp grupp 3")
    assert {"group": "", "role": "SYV (ej tillämpat)", "percent": "(25\u00a0%)"} in p3["roles"]


def test_report_dates_come_from_the_workbook_not_the_clock():
    results = load_fixture()
    later = copy.deepcopy(results)
    later["meta"]["report_end"] = "2021-02-01"
    assert build_context(results)["cover"]["year"] == "2020"
    assert build_context(later)["cover"]["year"] == "2021"
    assert "24 månader" in build_context(later)["cover"]["period"]


def test_a_workbook_without_groups_still_gives_a_context():
    results = load_fixture()
    results["levels"] = {"group": {}, "omgang": {}, "municipality": {}, "project": {}}
    results["statistics"] = []
    ctx = build_context(results)
    assert ctx["omgangar"] == [] and ctx["goal_columns"] == [] and ctx["staffing"] == []
    assert "Inga grupper" in ctx["project"]["text"]


def test_goal_tables_hold_at_most_five_groups_each_in_near_equal_parts():
    from xlpy.report.context import goal_tables

    columns = [f"g{i}" for i in range(12)]
    matrix = [{"label": "M1", "cells": [{"value": i} for i in range(12)]}]
    parts = goal_tables(columns, matrix)
    assert [p["columns"] for p in parts] == [columns[0:4], columns[4:8], columns[8:12]]
    assert [p["title"] for p in parts] == ["Grupperna 1–4 av 12", "Grupperna 5–8 av 12", "Grupperna 9–12 av 12"]
    assert [c["value"] for c in parts[1]["rows"][0]["cells"]] == [4, 5, 6, 7]
    [single] = goal_tables(columns[:5], [{"label": "M1", "cells": matrix[0]["cells"][:5]}])
    assert single["title"] == "" and single["columns"] == columns[:5]


def test_two_groups_of_one_municipality_in_an_omgang_are_named_apart():
    from xlpy.report.context import short_names

    members = [{"key": "KLI02A", "municipality": "Klippan", "label": "x"},
               {"key": "KLI02B", "municipality": "Klippan", "label": "y"},
               {"key": "PER02", "municipality": "Perstorp", "label": "z"}]
    assert short_names(members) == {"KLI02A": "Klippan (KLI02A)", "KLI02B": "Klippan (KLI02B)", "PER02": "Perstorp"}


def test_a_large_omgang_is_summed_up_naming_only_the_groups_that_missed_the_goal():
    from xlpy.report.context import MAX_LISTED_GROUPS, _goal_tally

    def unit(key, status, value):
        return {"key": key, "municipality": key, "label": key,
                "goals": {"M1": {"status": status, "value": value}}, "basis": {"narvaro": [1, 1]}}

    members = [unit(f"G{i}", "Uppfyllt", 0.85) for i in range(MAX_LISTED_GROUPS)]
    members += [unit("Bjuv", "Ej uppfyllt", 0.79), unit("Åstorp", "Underlag saknas", None),
                unit("Höör", "Pågår", 0.7)]
    names = {m["key"]: m["key"] for m in members}
    text = norm(_goal_tally(members, names, "M1", "narvaro", 0))
    assert text == ("11 grupper: 8 uppfyllt, 1 ej uppfyllt (Bjuv 79 %), 1 pågår, "
                    "1 underlag saknas (Åstorp –)")
