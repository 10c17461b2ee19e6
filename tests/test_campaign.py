"""A slice of the hostile campaign (tests/corpus/campaign.py, issue #11) in the normal suite: a few mutants
of each kind, every writer under a full disk, the lock and link cases and a few kill points. The whole
campaign runs on demand: `python -m tests.corpus.campaign OUT_DIR`."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.corpus import campaign


def test_mutants_and_attacks_get_a_sentence_and_leave_the_original(tmp_path: Path) -> None:
    files = [campaign.xml_mutant(tmp_path / f"xml_{i}.xlsx", i) for i in range(0, 60, 10)]
    files += [campaign.byte_mutant(tmp_path / f"byte_{i}.xlsx", i) for i in range(2)]
    files += campaign.settings_files(tmp_path)[:1]
    result = campaign.judge_files(files, tmp_path / "work", workers=2)
    assert (result["tracebacks"], result["hangs"], result["originals_lost"], result["failures"]) == (0, 0, 0, 0), \
        result["failed"]


def test_a_full_disk_in_every_writer_loses_nothing(tmp_path: Path) -> None:
    result = campaign.full_disk(tmp_path, fractions=(0.5,))
    assert result["full_disk_cases"] == 4
    assert {k: v for k, v in result.items() if k != "full_disk_cases"} == {
        "tracebacks": 0, "originals_lost": 0, "reports_lost": 0, "temp_left": 0, "not_a_sentence": 0}


def test_locks_and_links_are_answered_and_lose_nothing(tmp_path: Path) -> None:
    result = campaign.lock_cases(tmp_path)
    assert result["lock_cases"] == 15
    assert (result["tracebacks"], result["originals_lost"], result["reports_lost"]) == (0, 0, 0)
    assert result["wrong_answer"] == []


@pytest.mark.skipif(not hasattr(os, "fork"), reason="SIGKILL and fork are POSIX-only")
def test_a_few_kill_points_lose_nothing(tmp_path: Path) -> None:
    result = campaign.kill_points(tmp_path, 4)
    assert result["kill_points"] == 4 and result["originals_lost"] == 0 and result["reports_lost"] == 0
