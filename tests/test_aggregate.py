"""`xlpy export --aggregat`: only aggregates leave the municipality (no row, no DeltagarID, no participant's
date or comment), small counts suppressed, and a sheet saying what the file holds."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from xlpy import cli, jobs
from xlpy.example import example_data
from xlpy.io.calamine_backend import open_source

EXAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "forsta_steget_exempel.xlsx"


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> list[list[Any]]:
    out = tmp_path_factory.mktemp("export") / "förbund.xlsx"
    assert cli.main(["export", "--aggregat", str(EXAMPLE), "--minsta", "5", "-o", str(out)]) == 0
    source = open_source(out)
    assert source.sheet_names() == ["Om exporten", "Sammanräknat"]
    return [row for name in source.sheet_names() for row in source.read_values(name)]


def _cells(rows: list[list[Any]]) -> list[Any]:
    return [v for r in rows for v in r if v not in (None, "")]


def test_no_participant_code_date_or_comment_is_in_the_export(export: list[list[Any]]) -> None:
    data = example_data()
    texts = [str(v).casefold() for v in _cells(export)]
    blob = "\n".join(texts)
    for p in data["participants"]:
        assert p["participant_id"].casefold() not in texts
        assert f"{p['participant_id'].casefold()} " not in blob
    person_dates = {p[k] for p in data["participants"] for k in ("start", "end") if p.get(k)}
    person_dates |= {r["date"] for r in data["outcomes"]} | {r["date"] for r in data["attendance"]}
    group_dates = {g[k] for g in data["groups"] for k in ("start", "end")}
    shown_dates = {v.date() if isinstance(v, dt.datetime) else v for v in _cells(export) if isinstance(v, dt.date)}
    assert shown_dates <= group_dates, shown_dates - group_dates
    assert not (shown_dates & (person_dates - group_dates))
    comments = [r.get(k) for key in ("participants", "outcomes", "internships", "staff", "groups")
                for r in data[key] for k in ("comment", "description", "workplace") if r.get(k)]
    for c in comments:
        assert str(c).casefold() not in blob


def test_no_survey_text_or_svarid_is_in_the_export(export: list[list[Any]]) -> None:
    data = example_data()
    assert data["survey_answers"] and data["survey_questions"]  # -- the example has survey data to leak --
    texts = [str(v).casefold() for v in _cells(export)]
    blob = "\n".join(texts)
    for r in data["survey_answers"]:
        code = r["answer_id"].casefold()
        assert code not in texts and f"{code} " not in blob and f" {code}" not in blob
        # -- an answer is a scale alternative: never a cell of its own --
        assert str(r["answer"]).casefold() not in texts
    for q in data["survey_questions"]:
        assert q["question"].casefold() not in blob
        assert q["question_id"].casefold() not in texts
    for sheet in ("Enkätfrågor", "Skalor", "Enkätsvar", "Utskick"):
        assert sheet.casefold() not in texts


def test_small_counts_are_hidden_and_no_printed_count_is_false_or_computable(export: list[list[Any]]) -> None:
    from xlpy.outputs.aggregate import _unit_counts

    results = jobs.check_file(EXAMPLE).results
    units = {u["label"]: u for level in ("group", "omgang", "municipality", "project")
             for u in results["levels"][level].values()}
    checked = hidden_cells = 0
    for row in export:
        if not row or row[0] not in units:
            continue
        truth = _unit_counts(units[row[0]])
        printed = row[4:4 + len(truth)]
        for value, t in zip(printed, truth, strict=True):
            if isinstance(value, (int, float)):
                assert value == t
            elif value == "<5":
                assert 0 < t < 5
                hidden_cells += 1
            else:
                assert value in ("–", "..")  # -- `..`: withheld, as in the report --
                hidden_cells += 1
        checked += 1
    assert checked == len(units) and hidden_cells > 0


@pytest.mark.parametrize("threshold", [2, 3, 5, 8])
def test_no_hidden_count_of_the_export_can_be_worked_out(threshold: int) -> None:
    """The export's one decision, audited exactly (xlpy/core/audit.py: whole numbers, `<N` = 1..N−1): no
    hidden count follows from the printed ones. (The export had a decision of its own, checked by linear
    algebra only: at 2 and 3 a reader could work out K1's Annat from `<3` cells that add up.)"""
    from xlpy.core.suppress import SMALL, WITHHELD, computable, decide
    from xlpy.outputs.aggregate import export_ledger

    results = jobs.check_file(EXAMPLE).results
    led = export_ledger(results)
    d = decide(led, threshold)
    assert {k for k, s in d.states.items() if s == SMALL} == {k for k, v in led.values.items() if 0 < v < threshold
                                                              and d.state(k) != WITHHELD}
    withheld = frozenset(k for k, s in d.states.items() if s == WITHHELD)
    assert d.states and not computable(led, set(d.states), threshold, withheld)


def test_about_sheet_says_what_it_holds_and_the_threshold(export: list[list[Any]]) -> None:
    blob = " ".join(str(v) for v in _cells(export))
    assert "inga DeltagarID" in blob and "Antal under 5 visas som <5" in blob


def test_export_without_a_threshold_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "f.xlsx"
    assert cli.main(["export", "--aggregat", str(EXAMPLE), "-o", str(out)]) == 1
    assert not out.exists() and "Minsta redovisade antal" in capsys.readouterr().out
