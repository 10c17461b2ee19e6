"""The report period's bounds, the previous period and group statuses (METRICS.md, "The report period")."""

from __future__ import annotations

import datetime as dt

import pytest

from xlpy.core import period as P

D = dt.date
PERIOD = P.Period(D(2020, 2, 1), D(2021, 2, 1))


@pytest.mark.parametrize(("start", "end", "status"), [
    (D(2019, 4, 1), D(2019, 7, 1), P.STATUS_ENDED_BEFORE),
    (D(2019, 9, 2), D(2020, 1, 31), P.STATUS_ENDED_BEFORE),   # ends the day before P
    (D(2019, 9, 2), D(2020, 2, 1), P.STATUS_ENDED),           # ends on P's first day
    (D(2020, 9, 1), D(2021, 2, 1), P.STATUS_ENDED),           # ends on P's last day
    (D(2020, 9, 1), D(2021, 2, 2), P.STATUS_ONGOING),         # ends the day after
    (D(2021, 2, 1), D(2021, 6, 1), P.STATUS_ONGOING),         # starts on P's last day
    (D(2021, 2, 2), D(2021, 6, 1), P.STATUS_NOT_STARTED),     # starts the day after
    (D(2020, 9, 1), None, P.STATUS_ONGOING),                  # no Slutdatum: ongoing, never dropped
    (D(2021, 3, 1), None, P.STATUS_NOT_STARTED),
])
def test_group_status_at_the_boundaries(start: dt.date, end: dt.date | None, status: str) -> None:
    assert P.group_status(start, end, PERIOD) == status


def test_previous_period_has_the_same_length_and_ends_the_day_before() -> None:
    prev = PERIOD.previous()
    assert prev.end == D(2020, 1, 31)
    assert prev.days == PERIOD.days == 367
    assert prev.start == D(2019, 1, 30)


def test_report_period_start_falls_back_to_project_then_first_group() -> None:
    assert P.report_period(D(2019, 2, 1), D(2020, 2, 1), None, []) == P.Period(D(2019, 2, 1), D(2020, 2, 1))
    assert P.report_period(None, D(2020, 2, 1), D(2019, 1, 1), []).start == D(2019, 1, 1)
    assert P.report_period(None, D(2020, 2, 1), None, [D(2019, 9, 2), None, D(2019, 4, 1)]).start == D(2019, 4, 1)
    assert P.report_period(None, None, D(2019, 1, 1), []) is None


def test_contains_includes_both_ends() -> None:
    assert PERIOD.contains(D(2020, 2, 1)) and PERIOD.contains(D(2021, 2, 1))
    assert not PERIOD.contains(D(2021, 2, 2)) and not PERIOD.contains(None)
