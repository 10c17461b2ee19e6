"""Warnings for data-entry mistakes that would otherwise pass silently (issue #10, defect 6): Närvaro rows
outside a participant's own dates, scheduled weeks of an ended group without any Närvaro row, ended
groups whose participants have no Utfall row, and ended groups without any Praktik row.

Works on validate's frames (typed columns, `row`, `_drop`); only live rows are looked at and nothing is
dropped: each finding is a warning ("varning") naming its row, and the rows are counted as they stand.
A group has ended when it has a Slutdatum on or before the report date (Rapportperiod slut). Without a
report date the checks of ended groups are not made: which groups have ended is then unknown (compute
warns that Rapportperiod slut is missing).
"""

from __future__ import annotations

import datetime as dt
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from xlpy import spec
from xlpy.intake.privacy import row_ranges
from xlpy.intake.reading import show
from xlpy.model import Problem


def check_entry(frames: dict[str, pd.DataFrame], groups: pd.DataFrame, report_end: dt.date | None,
                out: list[Problem]) -> None:
    """Append the warnings of this module to `out`. groups: validate's usable groups (group_id, start,
    end, period_ok)."""
    participants = _live(frames["participants"])
    attendance = _live(frames["attendance"])
    group_of = dict(zip(participants["participant_id"], participants["group_id"], strict=True))
    # -- Närvaro's participant and date as integer codes, once for both checks that read them --
    codes = _Codes(*pd.factorize(attendance["participant_id"].to_numpy(dtype=object), use_na_sentinel=True),
                   *pd.factorize(attendance["date"].to_numpy(dtype=object), use_na_sentinel=True))
    _attendance_outside_own_dates(attendance, participants, codes, out)
    if report_end is None:
        return
    ended = [g for g in groups.itertuples(index=False) if g.period_ok and _ended(g.end, report_end)]
    if not ended:
        return
    rows = frames["groups"].loc[~frames["groups"]["_drop"]]
    group_row = dict(zip(rows["group_id"], rows["row"], strict=False))
    group_info = {r.group_id: r for r in rows.itertuples(index=False)}
    by_group: dict[Any, list[str]] = {}
    for pid, gid in group_of.items():
        by_group.setdefault(gid, []).append(pid)
    _empty_weeks(ended, codes, group_of, group_row, group_info, out)
    _without_outcome(ended, participants, _live(frames["outcomes"]), out)
    _without_internships(ended, by_group, _live(frames["internships"]), group_row, group_info, out)


class _Codes(NamedTuple):
    """Närvaro's DeltagarID and Datum as pd.factorize codes (-1 = empty) and their distinct values."""

    participant: np.ndarray
    participants: Any
    date: np.ndarray
    dates: Any


def _live(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.loc[~frame["_drop"]] if "_drop" in frame.columns else frame


def _ended(end: Any, report_end: dt.date) -> bool:
    return isinstance(end, dt.date) and end <= report_end


def _attendance_outside_own_dates(attendance: pd.DataFrame, participants: pd.DataFrame, codes: _Codes,
                                  out: list[Problem]) -> None:
    """Närvaro rows dated before the participant's own Startdatum or after its own Slutdatum, one
    warning per participant and side, listing every row. Vectorised over integer codes: Närvaro holds
    ~70 rows per participant (350 000 for a förbund) and most participants have dates of their own."""
    own = participants.loc[participants["start"].notna() | participants["end"].notna()]
    if own.empty or attendance.empty:
        return
    sheet = spec.ATTENDANCE
    starts = dict(zip(own["participant_id"], own["start"], strict=True))
    ends = dict(zip(own["participant_id"], own["end"], strict=True))
    pcodes, pids, dcodes, days = codes
    date = np.append(_dt64(list(days)), np.datetime64("NaT"))[dcodes]
    start = np.append(_dt64([starts.get(p) for p in pids]), np.datetime64("NaT"))[pcodes]
    end = np.append(_dt64([ends.get(p) for p in pids]), np.datetime64("NaT"))[pcodes]
    # -- NaT compares False: a missing date or bound is never outside --
    for side, mask, bounds, label in (("före", date < start, starts, "Startdatum"),
                                      ("efter", date > end, ends, "Slutdatum")):
        if not mask.any():
            continue
        hit = attendance.loc[mask, ["participant_id", "date", "row"]]
        for pid, part in hit.groupby("participant_id", sort=False):
            rows = [int(r) for r in part["row"]]
            where = f"rad {rows[0]}" if len(rows) == 1 else f"{len(rows)} rader: {row_ranges(rows)}"
            out.append(Problem(
                sheet.name, rows[0], "Datum", show(part["date"].iloc[0]),
                f"Närvaro för {pid} ligger {side} deltagarens egen {label} {show(bounds[pid])} i bladet "
                f"Deltagare ({where}). Raderna räknas; kontrollera datumen eller {label}.", severity="varning"))


def _dt64(values: list[Any]) -> np.ndarray:
    """Dates (or None) as datetime64[ns]; anything else is NaT."""
    return pd.to_datetime(pd.Series([v if isinstance(v, dt.date) else None for v in values], dtype=object)).to_numpy()


def _christmas(day: dt.date) -> bool:
    # -- 24 December to 1 January: no group days (the example and the generator plan none either) --
    return (day.month == 12 and day.day >= 24) or (day.month == 1 and day.day == 1)


def _weeks(start: dt.date, end: dt.date) -> list[dt.date]:
    """The Mondays of the scheduled weeks: those with a weekday (Monday–Friday) in [start, end] that is
    not in the Christmas break."""
    monday = start - dt.timedelta(days=start.weekday())
    week, friday = dt.timedelta(days=7), dt.timedelta(days=4)
    weeks = []
    while monday <= end:
        # -- the week's weekdays within [start, end] are [first, last]; the Christmas break is 9 days in a
        #    row, so a span of at most 5 days lies wholly inside it exactly when both its ends do --
        first, last = max(start, monday), min(end, monday + friday)
        if first <= last and not (_christmas(first) and _christmas(last)):
            weeks.append(monday)
        monday += week
    return weeks


def _week_list(mondays: list[dt.date]) -> str:
    numbers = [f"{m.isocalendar()[1]}" for m in mondays]
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} och {numbers[-1]}"


def _empty_weeks(ended: list[Any], codes: _Codes, group_of: dict[Any, Any], group_row: dict[Any, Any],
                 group_info: dict[Any, Any], out: list[Problem]) -> None:
    """Weeks of an ended group's span without a single Närvaro row, when there are more of them than its
    Praktikveckor (internship weeks have no group days)."""
    # -- distinct (group, Monday) pairs first, on integer codes: Närvaro has ~70 rows per participant and
    #    a few dates per week, a few thousand pairs in all --
    pcodes, pids, dcodes, days = codes
    groups = [gid if isinstance(gid, str) else None for gid in (group_of.get(p) for p in pids)]
    mondays = [day - dt.timedelta(days=day.weekday()) if isinstance(day, dt.date) else None for day in days]
    gcodes, gids = pd.factorize(np.array(groups + [None], dtype=object), use_na_sentinel=True)
    mcodes, distinct_mondays = pd.factorize(np.array(mondays + [None], dtype=object), use_na_sentinel=True)
    # -- a code of -1 (an empty cell) reads the appended None's code, itself -1 --
    g, m = gcodes[pcodes], mcodes[dcodes]
    ok = (g >= 0) & (m >= 0)
    width = max(len(distinct_mondays), 1)
    pairs = np.unique(g[ok].astype(np.int64) * width + m[ok])
    seen: dict[Any, set[dt.date]] = {}
    for gi, mi in zip(*np.divmod(pairs, width), strict=True):
        seen.setdefault(gids[gi], set()).add(distinct_mondays[mi])
    with_members = set(group_of.values())
    sheet = spec.GROUPS
    for g in ended:
        if g.group_id not in group_row or g.group_id not in with_members:
            continue
        weeks = _weeks(g.start, g.end)
        empty = [w for w in weeks if w not in seen.get(g.group_id, set())]
        allowed = _count(getattr(group_info[g.group_id], "internship_weeks", None))
        if len(empty) <= allowed:
            continue
        what = ("har inga rader alls i Närvaro" if len(empty) == len(weeks) else
                f"saknar rader i Närvaro för {len(empty)} av {len(weeks)} veckor (vecka {_week_list(empty)})")
        out.append(Problem(
            sheet.name, int(group_row[g.group_id]), "GruppID", str(g.group_id),
            f"Gruppen har slutat men {what}; Praktikveckor är {allowed}. Kontrollera att all närvaro är "
            "inskriven.", severity="varning"))


def _count(value: Any) -> int:
    """Praktikveckor as a number of weeks; an empty cell is 0."""
    return int(value) if isinstance(value, (int, np.integer)) else 0


def _without_outcome(ended: list[Any], participants: pd.DataFrame, outcomes: pd.DataFrame,
                     out: list[Problem]) -> None:
    """Participants of an ended group without any Utfall row (they count as Ej registrerat)."""
    ended_ids = {g.group_id for g in ended}
    with_outcome = set(outcomes["participant_id"].dropna())
    sheet = spec.PARTICIPANTS
    missing = participants.loc[participants["group_id"].isin(ended_ids)
                               & ~participants["participant_id"].isin(with_outcome)]
    for row, pid, gid in zip(missing["row"].tolist(), missing["participant_id"], missing["group_id"], strict=True):
        out.append(Problem(
            sheet.name, int(row), "DeltagarID", str(pid),
            f"Grupp {gid} har slutat men deltagaren har ingen rad i Utfall; hen räknas som "
            f"{spec.NO_OUTCOME}. Fyll i utfallet (även Planering eller Annat).", severity="varning"))


def _without_internships(ended: list[Any], by_group: dict[Any, list[str]], internships: pd.DataFrame,
                         group_row: dict[Any, Any], group_info: dict[Any, Any], out: list[Problem]) -> None:
    """Ended groups with participants but not a single Praktik row, unless Praktikveckor is 0."""
    with_rows = set(internships["participant_id"].dropna())
    sheet = spec.GROUPS
    for g in ended:
        members = by_group.get(g.group_id, [])
        weeks = getattr(group_info.get(g.group_id), "internship_weeks", None)
        if not members or g.group_id not in group_row or (weeks is not None and weeks is not pd.NA and weeks == 0):
            continue
        if not with_rows.intersection(members):
            out.append(Problem(
                sheet.name, int(group_row[g.group_id]), "GruppID", str(g.group_id),
                "Gruppen har slutat men ingen av dess deltagare har någon rad i Praktik. Fyll i praktiken "
                "(även erbjuden men ej genomförd) eller sätt Praktikveckor till 0.", severity="varning"))
