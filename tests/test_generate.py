"""The synthetic workbook generator: valid by the contract, realistic proportions, deterministic."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from xlpy import generate, spec
from xlpy.generate import MESSY_SHARE, AttendanceOverflowWarning, generate_workbook, plan_groups
from xlpy.intake.reading import parse_workbook
from xlpy.io.calamine_backend import open_source
from xlpy.jobs import check_file
from xlpy.model import InputData

PARTICIPANTS = 300


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate_workbook(tmp_path_factory.mktemp("gen") / "syntetisk.xlsx", PARTICIPANTS, seed=3)


@pytest.fixture(scope="module")
def data(workbook: Path) -> InputData:
    with open_source(workbook) as source:
        return parse_workbook(source)


@pytest.mark.parametrize("participants", [5, 13, 17, 100, 999])
def test_plan_groups_splits_everyone_into_groups_of_5_to_12(participants: int) -> None:
    plans = plan_groups(participants, np.random.default_rng(1))
    assert sum(g.size for g in plans) == participants
    assert all(5 <= g.size <= 12 for g in plans)
    assert len({g.group_id for g in plans}) == len(plans)


def test_plan_groups_refuses_fewer_than_one_group() -> None:
    with pytest.raises(ValueError):
        plan_groups(4, np.random.default_rng(1))


def test_every_input_sheet_is_present_with_title_and_header_rows(workbook: Path) -> None:
    with open_source(workbook) as source:
        assert source.sheet_names() == [s.name for s in spec.INPUT_SHEETS]
        for sheet in spec.INPUT_SHEETS:
            rows = source.read_values(sheet.name)
            assert rows[0][0] == sheet.instruction
            assert rows[1][: len(sheet.columns)] == [c.header for c in sheet.columns]


def test_generated_workbook_reads_without_missing_sheets(data: InputData) -> None:
    assert not [p for p in data.problems if p.row is None]
    assert len(data.participants) == PARTICIPANTS
    assert data.settings.report_end is not None
    assert len(data.goals) == 9


def test_groups_span_several_municipalities_and_terms(data: InputData) -> None:
    assert data.groups["municipality"].nunique() >= 4
    assert set(data.groups["term"]) == {"vår", "höst"}
    sizes = data.participants.groupby("group_id").size()
    assert sizes.between(5, 12).all()


def test_proportions_resemble_real_follow_up_data(data: InputData) -> None:
    per_person = len(data.attendance) / len(data.participants)
    assert 55 <= per_person <= 80
    status = data.attendance["status"].value_counts(normalize=True)
    assert 0.75 <= status["N"] <= 0.92
    placements = data.internships.groupby("participant_id").size()
    assert (placements == 2).mean() > 0.97
    assert set(data.outcomes["category"]) == set(spec.OUTCOME_CATEGORIES)
    # -- some participants have several outcome rows, so "latest wins" is exercised --
    assert (data.outcomes.groupby("participant_id").size() > 1).any()
    assert (data.staff.groupby("group_id").size() >= 2).all()


def test_about_half_a_percent_of_data_rows_have_problems(data: InputData) -> None:
    rows = len(data.attendance) + len(data.internships) + len(data.outcomes)
    errors = [p for p in data.problems if p.severity == "fel"]
    assert MESSY_SHARE / 3 <= len(errors) / rows <= MESSY_SHARE * 2
    kinds = Counter(p.column for p in errors if p.sheet == "Närvaro")
    # -- bad dates, unknown codes or duplicates, and the status x all occur --
    assert kinds["Datum"] and kinds["DeltagarID"] and kinds["Status"]


def test_yes_no_cells_use_the_variants_users_type(workbook: Path) -> None:
    with open_source(workbook) as source:
        rows = source.read_values("Deltagare")[2:]
    cells = Counter(v for r in rows for v in r[4:10])
    assert cells["ja"] and cells["nej"]
    assert {"x", "1", "J"} & set(cells)


def test_participants_are_codes_never_personal_identity_numbers(workbook: Path) -> None:
    with open_source(workbook) as source:
        ids = [r[0] for r in source.read_values("Deltagare")[2:]]
    assert all(re.fullmatch(r"[A-ZÅÄÖ]{3}\d{2}[A-Z]?-\d{2}", i) for i in ids)
    assert not any(re.search(r"\d{6,8}-?\d{4}", i) for i in ids)


def test_same_seed_gives_the_same_file_and_another_seed_does_not(tmp_path: Path, workbook: Path) -> None:
    again = generate_workbook(tmp_path / "igen.xlsx", PARTICIPANTS, seed=3)
    other = generate_workbook(tmp_path / "annan.xlsx", PARTICIPANTS, seed=4)
    assert again.read_bytes() == workbook.read_bytes()
    assert other.read_bytes() != workbook.read_bytes()


def test_check_computes_figures_for_every_group(workbook: Path, data: InputData) -> None:
    outcome = check_file(workbook)
    assert outcome.errors > 0
    results = outcome.results
    assert results["levels"]["project"]["all"]["counts"]["started"] == PARTICIPANTS
    assert len(results["levels"]["group"]) == len(data.groups)


def test_attendance_stops_at_excels_last_row_with_a_warning(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    # -- a tiny row limit stands in for Excel's 1 048 576, which ~15 000 participants reach --
    monkeypatch.setattr(generate, "EXCEL_MAX_ROWS", 400)
    with pytest.warns(AttendanceOverflowWarning, match="Närvaro rymmer högst 398 rader"):
        path = generate_workbook(tmp_path / "full.xlsx", 40)
    with open_source(path) as source:
        assert len(source.read_values("Närvaro")) == 400
        assert len(source.read_values("Deltagare")) == 2 + 40
