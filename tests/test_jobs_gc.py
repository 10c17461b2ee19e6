"""Jobs run with the cyclic garbage collector paused (see xlpy.jobs.gc_paused) and always restore it."""

from __future__ import annotations

import gc
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from xlpy import jobs


@pytest.fixture(autouse=True)
def _gc_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


def test_the_collector_is_paused_during_a_job_and_back_on_after_it() -> None:
    seen = []

    @jobs.gc_paused
    def job(x: int) -> int:
        seen.append(gc.isenabled())
        return x + 1

    assert job(1) == 2
    assert seen == [False] and gc.isenabled()


def test_the_collector_comes_back_after_a_failing_job_and_stays_off_if_the_host_had_it_off() -> None:
    @jobs.gc_paused
    def failing() -> None:
        raise ValueError("nej")

    with pytest.raises(ValueError):
        failing()
    assert gc.isenabled()
    gc.disable()
    jobs.gc_paused(lambda: None)()
    assert not gc.isenabled(), "a host that turned it off keeps it off"


def test_recalc_computes_with_the_collector_paused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    real = jobs.compute

    def spy(data):  # noqa: ANN001, ANN202
        seen.append(gc.isenabled())
        return real(data)

    monkeypatch.setattr(jobs, "compute", spy)
    book = tmp_path / "bok.xlsx"
    shutil.copyfile(jobs.EXAMPLE_WORKBOOK, book)
    jobs.recalc_file(book)
    assert seen == [False] and gc.isenabled()
