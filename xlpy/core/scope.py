"""The input data as of a day and for a set of groups (METRICS.md, "The report period").

Every figure is as of P's end: rows dated after it (Närvaro by Datum, Praktik by Startdatum, Utfall by
Datum) do not count. A group `Ej startad` in P is in no figure at all. Both rules are applied here, to the
InputData before any metric is computed, so no metric can forget them. Imports no IO library.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from xlpy.core import period as periods
from xlpy.model import InputData, Problem

# -- the sheets whose rows are dated, and the column that dates them (sheet key -> (column, Swedish names)) --
DATED_ROWS: dict[str, tuple[str, str, str]] = {
    "attendance": ("date", "Närvaro", "Datum"),
    "internships": ("start", "Praktik", "Startdatum"),
    "outcomes": ("date", "Utfall", "Datum"),
    "followup": ("date", "Uppföljning", "Datum"),
}


def as_date(x: Any) -> dt.date | None:
    """A cell's date as datetime.date (None for empty, NaN or NaT)."""
    if x is None or x is pd.NaT:
        return None
    if isinstance(x, float) and pd.isna(x):
        return None
    if isinstance(x, pd.Timestamp):
        return x.date()
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    return None


def _after(frame: pd.DataFrame, column: str, day: dt.date) -> pd.Series:
    """Rows of `frame` dated after `day` (an empty date is never after)."""
    if not len(frame) or column not in frame:
        return pd.Series(False, index=frame.index, dtype=bool)
    # -- each distinct date converted once (Närvaro repeats a few hundred dates 350 000 times); factorize
    #    keeps the order of first appearance, so to_datetime sees the values as it would the column --
    codes, uniques = pd.factorize(frame[column].to_numpy(dtype=object), use_na_sentinel=True)
    converted = pd.to_datetime(pd.Series(uniques, dtype=object), errors="coerce")
    later = np.append((converted > pd.Timestamp(day)).fillna(False).to_numpy(dtype=bool), False)
    return pd.Series(later[codes], index=frame.index, dtype=bool)


def as_of(data: InputData, day: dt.date) -> tuple[InputData, dict[str, int]]:
    """`data` without the dated rows after `day`; also how many rows each sheet lost (sheet key -> n)."""
    left_out: dict[str, int] = {}
    frames: dict[str, pd.DataFrame] = {}
    for key, (column, _, _) in DATED_ROWS.items():
        frame: pd.DataFrame = getattr(data, key)
        late = _after(frame, column, day)
        left_out[key] = int(late.sum())
        frames[key] = frame[~late] if left_out[key] else frame
    return dataclasses.replace(data, attendance=frames["attendance"], internships=frames["internships"],
                               outcomes=frames["outcomes"], followup=frames["followup"]), left_out


def left_out_problems(left_out: dict[str, int], day: dt.date) -> list[Problem]:
    """One Kontroll warning per sheet that had rows dated after the report period's end."""
    out = []
    for key, n in left_out.items():
        if n:
            _, sheet, column = DATED_ROWS[key]
            rows = "1 rad" if n == 1 else f"{n} rader"
            out.append(Problem(sheet, None, column, "",
                               f"{rows} har {column} efter rapportperiodens slut {day.isoformat()} och räknas "
                               "inte med i den här rapporten.", severity="varning"))
    return out


def only_groups(data: InputData, group_ids: set[str]) -> InputData:
    """`data` restricted to the groups `group_ids`: their Grupper rows, participants, staff and the
    participants' rows in Närvaro, Praktik, Utfall and Uppföljning."""
    groups = data.groups[data.groups["group_id"].isin(group_ids)]
    participants = data.participants[data.participants["group_id"].isin(group_ids)]
    pids = set(participants["participant_id"])
    by_person = {key: getattr(data, key)[getattr(data, key)["participant_id"].isin(pids)]
                 for key in ("attendance", "internships", "outcomes", "followup")}
    return dataclasses.replace(data, groups=groups, participants=participants,
                               staff=data.staff[data.staff["group_id"].isin(group_ids)], **by_person)


def group_statuses(groups: pd.DataFrame, period: periods.Period | None) -> dict[str, str]:
    """GruppID -> status in `period` (Avslutad tidigare, Avslutad, Pågår, Ej startad). Without a period
    (no Rapportperiod slut) a group with a Slutdatum counts as Avslutad, one without as Pågår."""
    out: dict[str, str] = {}
    for gid, start, end in zip(groups["group_id"], groups["start"], groups["end"], strict=True):
        if str(gid) in out:
            continue
        s, e = as_date(start), as_date(end)
        if period is None:
            out[str(gid)] = periods.STATUS_ONGOING if e is None else periods.STATUS_ENDED
        else:
            out[str(gid)] = periods.group_status(s, e, period)
    return out


def unit_status(statuses: list[str]) -> str | None:
    """A unit's status from its groups': Pågår if any group is ongoing, else Avslutad if any ended in the
    period, else Avslutad tidigare (None for no groups)."""
    for s in (periods.STATUS_ONGOING, periods.STATUS_ENDED, periods.STATUS_ENDED_BEFORE,
              periods.STATUS_NOT_STARTED):
        if s in statuses:
            return s
    return None


def ends_without_date(groups: pd.DataFrame) -> list[str]:
    """GruppID of the groups without a Slutdatum."""
    return [str(g) for g, e in zip(groups["group_id"], groups["end"], strict=True) if as_date(e) is None]
