"""Follow-up after exit (METRICS.md "Follow-up after exit"): where participants are M months after they left.

For each participant and follow-up point M of `Uppföljning efter avslut (månader)`:
- exit: the participant's Slutdatum, else the group's Slutdatum; due = exit + M calendar months (a month
  end clamps: 31 August + 6 months = 28 or 29 February);
- eligible: the group started by P's end (Rapportperiod slut) and due on or before P's end;
- reached: eligible with an Uppföljning row for M dated by P's end and Kontakt Nådd;
- moved on at M: reached with Status Arbete or Studier; at exit: the latest Utfall (Facts.people).

Everything is summed once per group and point (numpy), so a unit of any level adds a few rows. Imports no
IO library. `svarsandel_efter_M`, `vidare_efter_M` and `vidare_bland_nadda_efter_M` are metric keys a
goal may use; `goal_status` gives them METRICS.md's rule (no basis while nobody is due, Pågår while some
are not yet due unless already met).
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xlpy.core import goals
from xlpy.core.metrics import Facts, _as_date
from xlpy.core.period import started_by
from xlpy.defaults import FOLLOWUP_METRIC
from xlpy.model import InputData, Problem
from xlpy.spec import (
    CONTACT_REACHED,
    FOLLOWUP,
    MOVED_ON_CATEGORIES,
    OUTCOME_CATEGORIES,
    STATUS_MET,
    STATUS_NO_BASIS,
    STATUS_NOT_MET,
    STATUS_ONGOING,
)

# -- an eligible participant without a row this many days after the due date is a Kontroll warning --
OVERDUE_DAYS = 30
# -- the staff's to-do list shows what falls due within this many days after the report date --
DUE_SOON_DAYS = 30
FLOW_KEYS = ("kvar", "tillkommit", "forlorat", "ej_vidare")
METRIC_PREFIXES = ("svarsandel_efter", "vidare_efter", "vidare_bland_nadda_efter")
_METRIC = FOLLOWUP_METRIC
TODO_OVERDUE = "Försenad"
TODO_SOON = "Inom 30 dagar"

# -- the per-(group, point) sums, in this column order --
_SUMS = ("eligible", "reached", "moved_on", "not_yet_due", "missing",
         *(f"st_{c}" for c in OUTCOME_CATEGORIES), *(f"flow_{k}" for k in FLOW_KEYS))


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` + `months` calendar months; a day past the target month's end becomes its last day
    (2019-08-31 + 6 -> 2020-02-29, 2020-08-31 + 6 -> 2021-02-28)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _due(exit_date: dt.date | None, months: int) -> dt.date | None:
    """The due date, or None without an exit date or beyond year 9999 (an exit typed as 9999-12-31)."""
    if exit_date is None:
        return None
    try:
        return add_months(exit_date, months)
    except ValueError:
        return None


def is_followup_metric(key: str) -> bool:
    """Whether `key` is `svarsandel_efter_M`, `vidare_efter_M` or `vidare_bland_nadda_efter_M` (M ≥ 1)."""
    return _METRIC.fullmatch(key) is not None


def metric_point(key: str) -> int | None:
    """The point M of a follow-up metric key (`vidare_efter_6` -> 6), else None."""
    m = _METRIC.fullmatch(key)
    return int(m[2]) if m else None


@dataclass
class FollowupFacts:
    """One row per participant and point (`people`), and its sums per group and point.

    people columns: participant_id, group_id, point, exit, due, eligible, has_row, reached, status,
    moved_exit, moved_m, not_yet_due. sums: point -> int64 array (groups × _SUMS), rows aligned with
    facts.groups.index. exit_moved_on: moved on at exit per group (the same order).
    """

    points: tuple[int, ...]
    report_end: dt.date | None
    people: pd.DataFrame
    sums: dict[int, np.ndarray]
    pos: dict[Any, int]
    exit_moved_on: np.ndarray


def _usable_followup(data: InputData) -> pd.DataFrame:
    f = data.followup
    cols = [c.key for c in FOLLOWUP.columns]
    if f is None or not len(f) or any(c not in f for c in cols):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in [*cols, "row"]})
    return f


_SETTINGS_END = object()


def build_followup(data: InputData, facts: Facts, end: Any = _SETTINGS_END) -> FollowupFacts:
    """Per-participant follow-up facts as of `end` (a date; default Rapportperiod slut, the end of P; pass
    the previous period's end for P'), see the module docstring."""
    s = data.settings
    if end is _SETTINGS_END:
        end = s.report_end
    points = tuple(sorted(set(int(p) for p in s.followup_months)))
    groups = facts.groups
    pos = {gid: i for i, gid in enumerate(groups.index)}
    people = facts.people
    own_end = data.participants.drop_duplicates("participant_id").set_index("participant_id")["end"]
    own_end = own_end.reindex(people.index).map(_as_date)
    g_end = people["group_id"].map(groups["end"])
    g_start = people["group_id"].map(groups["start"])
    exits = [o if o is not None else _as_date(g) for o, g in zip(own_end, g_end, strict=True)]
    started = [end is not None and started_by(_as_date(st), end) for st in g_start]

    rows = _usable_followup(data)
    live = rows[rows["participant_id"].isin(people.index)]
    days: list[dt.date | None] = [_as_date(d) for d in live["date"]]
    dated = [end is not None and d is not None and d <= end for d in days]
    live = live.loc[np.asarray(dated, dtype=bool)] if len(live) else live
    by_key = {(p, int(m)): (c, st) for p, m, c, st in zip(live["participant_id"], live["point"], live["contact"],
                                                            live["status"], strict=True)}

    moved_exit = people["moved_on"].to_numpy(dtype=bool)
    group_of = people["group_id"].tolist()
    pids = people.index.tolist()
    records: list[tuple[Any, ...]] = []
    sums = {m: np.zeros((len(groups), len(_SUMS)), dtype=np.int64) for m in points}
    col = {k: i for i, k in enumerate(_SUMS)}
    for i, pid in enumerate(pids):
        gi = pos[group_of[i]]
        ex = exits[i]
        for m in points:
            due = _due(ex, m)
            eligible = bool(started[i] and due is not None and end is not None and due <= end)
            not_yet = bool(not eligible and (end is None or started[i]))
            contact, status = by_key.get((pid, m), (None, None))
            has_row = contact is not None
            reached = eligible and contact == CONTACT_REACHED
            st = status if reached and isinstance(status, str) else None
            moved_m = st in MOVED_ON_CATEGORIES
            records.append((pid, group_of[i], m, ex, due, eligible, has_row, reached, st, bool(moved_exit[i]),
                            moved_m, not_yet))
            row = sums[m][gi]
            if eligible:
                row[col["eligible"]] += 1
                row[col["missing"]] += not has_row
            elif not_yet:
                row[col["not_yet_due"]] += 1
            if reached:
                row[col["reached"]] += 1
                row[col["moved_on"]] += moved_m
                if st in OUTCOME_CATEGORIES:
                    row[col[f"st_{st}"]] += 1
                flow = ("kvar" if moved_m else "forlorat") if moved_exit[i] else ("tillkommit" if moved_m
                                                                                else "ej_vidare")
                row[col[f"flow_{flow}"]] += 1
    frame = pd.DataFrame.from_records(records, columns=[
        "participant_id", "group_id", "point", "exit", "due", "eligible", "has_row", "reached", "status",
        "moved_exit", "moved_m", "not_yet_due"])
    exit_moved = np.zeros(len(groups), dtype=np.int64)
    for gid, moved in zip(group_of, moved_exit, strict=True):
        exit_moved[pos[gid]] += int(moved)
    return FollowupFacts(points, end, frame, sums, pos, exit_moved)


def unit_followup(ff: FollowupFacts, group_ids: list[str]) -> dict[str, dict[str, Any]]:
    """The JSON `followup` of a unit: per point (string key) eligible, reached, moved_on, not_yet_due,
    missing (eligible without a row), statuses (reached per Status) and flow (kvar, tillkommit, forlorat,
    ej_vidare). Counts of participants."""
    idx = [ff.pos[g] for g in group_ids]
    out: dict[str, dict[str, Any]] = {}
    for m in ff.points:
        tot = dict(zip(_SUMS, (int(x) for x in ff.sums[m][idx].sum(axis=0)), strict=True))
        out[str(m)] = {
            "eligible": tot["eligible"],
            "reached": tot["reached"],
            "moved_on": tot["moved_on"],
            "not_yet_due": tot["not_yet_due"],
            "missing": tot["missing"],
            "statuses": {c: tot[f"st_{c}"] for c in OUTCOME_CATEGORIES},
            "flow": {k: tot[f"flow_{k}"] for k in FLOW_KEYS},
        }
    return out


def unit_metrics(followup: dict[str, dict[str, Any]]) -> tuple[dict[str, float | None], dict[str, list[int]]]:
    """The follow-up metrics of a unit from its `followup` dict: (metrics, basis), shares as fractions,
    None without basis (nobody eligible, or nobody reached for vidare_bland_nadda_efter_M)."""
    metrics: dict[str, float | None] = {}
    basis: dict[str, list[int]] = {}
    for m, f in followup.items():
        for key, num, den in ((f"svarsandel_efter_{m}", f["reached"], f["eligible"]),
                              (f"vidare_efter_{m}", f["moved_on"], f["eligible"]),
                              (f"vidare_bland_nadda_efter_{m}", f["moved_on"], f["reached"])):
            metrics[key] = num / den if den else None
            basis[key] = [num, den]
    return metrics, basis


def goal_status(value: float | None, goal: dict[str, Any], followup: dict[str, dict[str, Any]]) -> str:
    """A follow-up goal's status: Underlag saknas while nobody is due (no value), Uppfyllt when met,
    Pågår while some participants are not yet due, else Ej uppfyllt."""
    if value is None:
        return STATUS_NO_BASIS
    if goals.is_met(value, goal["comparison"], goal["target"], goal["target_max"]):
        return STATUS_MET
    point = metric_point(goal["metric"])
    if point is not None and followup.get(str(point), {}).get("not_yet_due", 0) > 0:
        return STATUS_ONGOING
    return STATUS_NOT_MET


def savings_moved_on(ff: FollowupFacts, group_ids: list[str]) -> int:
    """`Besparing räknas på = uppföljning`: per group the moved-on count at the last point with eligible
    participants (reached with Arbete or Studier), else the count moved on at exit; summed over the groups."""
    total = 0
    col_e, col_m = _SUMS.index("eligible"), _SUMS.index("moved_on")
    for gid in group_ids:
        i = ff.pos[gid]
        at = [m for m in ff.points if ff.sums[m][i, col_e] > 0]
        total += int(ff.sums[at[-1]][i, col_m]) if at else int(ff.exit_moved_on[i])
    return total


def over_time_columns(unit: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """For `Över tid`: per point (string key) the unit's eligible, reached and `vidare_efter_M` (a
    fraction or None), read from a unit of the results dict."""
    return {m: {"eligible": f["eligible"], "reached": f["reached"],
                "vidare_efter": unit["metrics"].get(f"vidare_efter_{m}")}
            for m, f in unit.get("followup", {}).items()}


def todo_list(ff: FollowupFacts) -> list[dict[str, Any]]:
    """The staff's to-do list (workbook only, never the report): follow-ups without a row that are overdue
    (due on or before the report date) or due within DUE_SOON_DAYS after it, by due date then DeltagarID.
    Each: participant_id, group_id, point, due (ISO), state (Försenad / Inom 30 dagar), days_overdue."""
    end = ff.report_end
    if end is None or not len(ff.people):
        return []
    soon = end + dt.timedelta(days=DUE_SOON_DAYS)
    p = ff.people
    started_due = p["due"].notna()
    out = []
    r: dict[Any, Any]
    for r in p.loc[started_due & ~p["has_row"]].to_dict("records"):
        due: dt.date = r["due"]
        if r["eligible"]:
            state = TODO_OVERDUE
        elif end < due <= soon:
            state = TODO_SOON
        else:
            continue
        out.append({"participant_id": str(r["participant_id"]), "group_id": str(r["group_id"]),
                    "point": int(r["point"]),
                    "due": due.isoformat(), "state": state, "days_overdue": max((end - due).days, 0)})
    return sorted(out, key=lambda t: (t["due"], t["participant_id"], t["point"]))


def overdue_problems(ff: FollowupFacts) -> list[Problem]:
    """A Kontroll warning for each eligible participant and point without an Uppföljning row more than
    OVERDUE_DAYS after the due date (METRICS.md's message)."""
    end = ff.report_end
    if end is None:
        return []
    p = ff.people
    late = p.loc[p["eligible"] & ~p["has_row"]]
    out = []
    r: dict[Any, Any]
    for r in late.sort_values(["due", "participant_id", "point"]).to_dict("records"):
        due: dt.date = r["due"]
        if (end - due).days > OVERDUE_DAYS:
            out.append(Problem(FOLLOWUP.name, None, "DeltagarID", str(r["participant_id"]),
                               f"Uppföljningen efter {int(r['point'])} månader saknas (den skulle ha gjorts "
                               f"{due.isoformat()}).", group_id=str(r["group_id"]), severity="varning"))
    return out
