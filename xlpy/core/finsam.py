"""The national follow-up (Uppföljning Finsam) and SUS's roll-up (METRICS.md, "The national follow-up
(Finsam) and SUS's roll-up").

Per calendar year: active, new and ended participants by Kön and in total; per unit: the exit outcomes in
SUS's four categories. These are exact counts for the förbund's own reporting (the Finsam sheet and the
JSON); the report suppresses small numbers where it prints them. Imports no IO library.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd

from xlpy.spec import GENDER_MISSING, GENDERS, NO_OUTCOME

FINSAM_COUNTS = ("aktiva", "nya", "avslutade")
GENDER_KEYS = (*GENDERS, GENDER_MISSING)
# -- latest outcome at exit -> SUS's category --
SUS_CATEGORIES = ("Förvärvsarbete", "Studier", "Aktivt arbetssökande", "Övriga avslutade")
SUS_OF_OUTCOME = {"Arbete": "Förvärvsarbete", "Studier": "Studier", "Planering": "Aktivt arbetssökande",
                  "Annat": "Övriga avslutade", NO_OUTCOME: "Övriga avslutade"}


def _date(x: Any) -> dt.date | None:
    if x is None or x is pd.NaT or (isinstance(x, float) and pd.isna(x)):
        return None
    if isinstance(x, pd.Timestamp):
        return x.date()
    if isinstance(x, dt.datetime):
        return x.date()
    return x if isinstance(x, dt.date) else None


def spans(people: pd.DataFrame, groups: pd.DataFrame, participants: pd.DataFrame) -> pd.DataFrame:
    """One row per usable participant (index participant_id): group_id, `start` (Deltagare.Startdatum, else
    the group's), `exit` (Deltagare.Slutdatum, else the group's; None when neither exists), `gender`
    (Kvinna, Man, Annat or Uppgift saknas) and `outcome` (latest outcome, from `people`)."""
    p = participants.drop_duplicates("participant_id").set_index("participant_id").reindex(people.index)
    g_start = people["group_id"].map(groups["start"])
    g_end = people["group_id"].map(groups["end"])
    out = pd.DataFrame(index=people.index)
    out["group_id"] = people["group_id"]
    out["start"] = [_date(a) or _date(b) for a, b in zip(p["start"], g_start, strict=True)]
    out["exit"] = [_date(a) or _date(b) for a, b in zip(p["end"], g_end, strict=True)]
    gender = p["gender"] if "gender" in p else pd.Series(None, index=p.index, dtype=object)
    out["gender"] = [g if g in GENDERS else GENDER_MISSING for g in gender]
    out["outcome"] = people["outcome"] if "outcome" in people else NO_OUTCOME
    return out


def spans_of(data: Any) -> pd.DataFrame:
    """`spans` straight from an InputData's Grupper and Deltagare (no latest outcome: Ej registrerat), for
    the yearly counts, which need only dates and Kön."""
    groups = data.groups.drop_duplicates("group_id").set_index("group_id")
    groups = groups.assign(start=groups["start"].map(_date), end=groups["end"].map(_date))
    p = data.participants.drop_duplicates("participant_id")
    p = p[p["group_id"].isin(groups.index)].set_index("participant_id")
    people = pd.DataFrame({"group_id": p["group_id"], "outcome": NO_OUTCOME}, index=p.index)
    return spans(people, groups, data.participants)


def _by_gender(mask: np.ndarray, gender: dict[str, np.ndarray]) -> dict[str, int]:
    counts = {k: int(np.count_nonzero(mask & is_k)) for k, is_k in gender.items()}
    counts["total"] = int(np.count_nonzero(mask))
    return counts


def yearly_counts(spans_: pd.DataFrame, period_end: dt.date | None) -> dict[str, dict[str, dict[str, int]]]:
    """`finsam` of docs/RESULTS.md: per calendar year Y (first start year .. P's end year) `aktiva` (start ≤
    Y-12-31, exit ≥ Y-01-01 or none, start ≤ P's end), `nya` (start within Y and ≤ P's end) and `avslutade`
    (exit within Y and ≤ P's end), each by Kön and `total`. Without a report date there is no upper bound
    and the years run to the last start or exit."""
    s = spans_[spans_["start"].notna()]
    if period_end is not None:
        s = s[[d <= period_end for d in s["start"]]]
    if s.empty:
        return {}
    first = min(s["start"]).year
    if period_end is not None:
        last = period_end.year
    else:
        last = max([d.year for d in s["start"]] + [d.year for d in s["exit"] if d is not None])
    # -- day numbers (date.toordinal), compared per year as arrays; no exit is "never" for aktiva --
    start = np.array([d.toordinal() for d in s["start"]], dtype=np.int64)
    has_exit = np.array([e is not None for e in s["exit"]], dtype=bool)
    exit_ = np.array([e.toordinal() if e is not None else np.iinfo(np.int64).max for e in s["exit"]],
                     dtype=np.int64)
    ended = has_exit & (exit_ <= period_end.toordinal() if period_end is not None else True)
    values = s["gender"].to_numpy(dtype=object)
    gender = {k: values == k for k in GENDER_KEYS}
    out: dict[str, dict[str, dict[str, int]]] = {}
    for year in range(first, last + 1):
        jan1, dec31 = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
        active = (start <= dec31) & (exit_ >= jan1)
        new = (jan1 <= start) & (start <= dec31)
        left = ended & (jan1 <= exit_) & (exit_ <= dec31)
        out[str(year)] = {"aktiva": _by_gender(active, gender), "nya": _by_gender(new, gender),
                          "avslutade": _by_gender(left, gender)}
    return out


def sus_by_group(spans_: pd.DataFrame, period_end: dt.date | None) -> dict[str, dict[str, int]]:
    """GruppID -> SUS's four exit categories over its participants whose exit is on or before P's end
    (every participant with an exit date when there is no report date)."""
    out: dict[str, dict[str, int]] = {}
    for gid, exit_, outcome in zip(spans_["group_id"], spans_["exit"], spans_["outcome"], strict=True):
        counts = out.setdefault(gid, dict.fromkeys(SUS_CATEGORIES, 0))
        if exit_ is None or (period_end is not None and exit_ > period_end):
            continue
        counts[SUS_OF_OUTCOME.get(outcome, "Övriga avslutade")] += 1
    return out


def sus_counts(by_group: dict[str, dict[str, int]], group_ids: list[str]) -> dict[str, int]:
    """`counts.sus` of a unit: its groups' SUS counts summed."""
    total = dict.fromkeys(SUS_CATEGORIES, 0)
    for gid in group_ids:
        for k, n in by_group.get(gid, {}).items():
            total[k] += n
    return total
