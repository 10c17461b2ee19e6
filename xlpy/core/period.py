"""The report period P of METRICS.md ("The report period"): its bounds, the previous period, group statuses.

Every figure is as of P's end. This module only answers questions about dates; it imports no IO
library, and the core modules (attendance, follow-up, surveys, costs) all take their period from here
so that one rule decides what "in the period" means.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

# -- a group's status in P, as the report and the sheets show it --
STATUS_ENDED_BEFORE = "Avslutad tidigare"
STATUS_ENDED = "Avslutad"
STATUS_ONGOING = "Pågår"
STATUS_NOT_STARTED = "Ej startad"
GROUP_STATUSES = (STATUS_ENDED_BEFORE, STATUS_ENDED, STATUS_ONGOING, STATUS_NOT_STARTED)


@dataclass(frozen=True)
class Period:
    """A closed interval of dates [start, end]; `end` is the report date (Rapportperiod slut)."""

    start: dt.date
    end: dt.date

    @property
    def days(self) -> int:
        """The period's length in days, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date | None) -> bool:
        """Whether `day` lies within the period (False for None)."""
        return day is not None and self.start <= day <= self.end

    def previous(self) -> Period:
        """P' of METRICS.md: the same number of days, ending the day before this period starts."""
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=self.days - 1), end)


def report_period(report_start: dt.date | None, report_end: dt.date | None, project_start: dt.date | None,
                  group_starts: Iterable[dt.date | None]) -> Period | None:
    """P from the settings: start = Rapportperiod start, else Projektperiod start, else the first group's
    Startdatum; end = Rapportperiod slut. None when there is no report date (or no start can be found)."""
    if report_end is None:
        return None
    start = report_start or project_start or min((d for d in group_starts if d is not None), default=None)
    if start is None or start > report_end:
        return None
    return Period(start, report_end)


def group_status(start: dt.date | None, end: dt.date | None, period: Period) -> str:
    """A group's status in `period`. A group without Slutdatum is `Pågår` once started (never dropped)."""
    if start is not None and start > period.end:
        return STATUS_NOT_STARTED
    if end is None or end > period.end:
        return STATUS_ONGOING
    if end < period.start:
        return STATUS_ENDED_BEFORE
    return STATUS_ENDED


def started_by(start: dt.date | None, day: dt.date) -> bool:
    """Whether a group (or participant) with Startdatum `start` had started by `day` (an unknown start counts)."""
    return start is None or start <= day
