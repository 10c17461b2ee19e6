"""Per-participant facts and the metrics of METRICS.md for any set of groups.

The work is done once per participant (attendance counts, latest outcome, placements) in vectorised
pandas; a unit (group, omgång, municipality, project) then just sums its participants' facts, so higher
levels pool rows and never average percentages.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pandas as pd

from xlpy.model import InputData
from xlpy.spec import MOVED_ON_CATEGORIES, NO_OUTCOME, OUTCOME_CATEGORIES


@dataclass
class Facts:
    """Everything the metrics need, computed once for the whole workbook.

    people: one row per participant (index participant_id) with group_id and bool/int fact columns.
    groups: one row per group (index group_id) with dates, plan and per-group counts.
    periods: the internship periods present (sorted), at least 1..placements_per_participant.
    """

    people: pd.DataFrame
    groups: pd.DataFrame
    periods: list[int]
    placement_counts: pd.DataFrame  # index (group_id, period): offered, participated
    outcome_types: pd.DataFrame  # group_id, category, type, n


def _bool(s: pd.Series) -> pd.Series:
    return s.fillna(False).astype(bool)


def _as_date(x: Any) -> dt.date | None:
    if x is None or (isinstance(x, float) and pd.isna(x)) or x is pd.NaT:
        return None
    if isinstance(x, pd.Timestamp):
        return x.date()
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    return None


def build_facts(data: InputData) -> Facts:
    """Compute per-participant and per-group facts from the input sheets."""
    s = data.settings
    groups = data.groups.drop_duplicates("group_id").set_index("group_id")
    groups = groups.assign(
        start=groups["start"].map(_as_date),
        end=groups["end"].map(_as_date),
    )
    report_end = s.report_end
    groups["ongoing"] = [bool(report_end and e and e > report_end) for e in groups["end"]]

    p = data.participants.drop_duplicates("participant_id")
    p = p[p["group_id"].isin(groups.index)].set_index("participant_id")
    group_end = p["group_id"].map(groups["end"])
    p_end = p["end"].map(_as_date)
    completer = [pe is None or ge is None or pe >= ge for pe, ge in zip(p_end, group_end, strict=True)]
    people = pd.DataFrame(index=p.index)
    people["group_id"] = p["group_id"]
    people["completer"] = pd.Series(completer, index=p.index, dtype=bool)
    for col in ("cv", "letter", "guidance", "action_plan", "ill_health", "survey_answered"):
        people[col] = _bool(p[col]) if col in p else False

    # -- latest outcome: by Datum, ties go to the row further down the sheet (entered later) --
    out = data.outcomes[data.outcomes["participant_id"].isin(people.index)]
    if len(out):
        latest = out.sort_values(["date", "row"], kind="stable").groupby("participant_id").tail(1)
        latest = latest.set_index("participant_id")
        people["outcome"] = latest["category"].reindex(people.index).fillna(NO_OUTCOME)
        people["outcome_type"] = latest["type"].reindex(people.index).fillna("")
    else:
        people["outcome"] = NO_OUTCOME
        people["outcome_type"] = ""
    people["moved_on"] = people["outcome"].isin(MOVED_ON_CATEGORIES)

    # -- attendance counts per participant and distinct activity days per group --
    att = data.attendance[data.attendance["participant_id"].isin(people.index)]
    counts = pd.crosstab(att["participant_id"], att["status"]) if len(att) else pd.DataFrame()
    for st in ("N", "F", "G"):
        people["att_" + st] = counts[st].reindex(people.index).fillna(0).astype(int) if st in counts else 0
    if len(att):
        att_groups = att["participant_id"].map(people["group_id"])
        days = pd.DataFrame({"g": att_groups.values, "d": att["date"].values}).drop_duplicates()
        groups["distinct_days"] = days.groupby("g").size().reindex(groups.index).fillna(0).astype(int)
    else:
        groups["distinct_days"] = 0

    # -- placements: a placement someone took part in was evidently offered --
    pl = data.internships[data.internships["participant_id"].isin(people.index)].copy()
    pl["participated"] = _bool(pl["participated"]).astype(bool)
    pl["offered"] = _bool(pl["offered"]).astype(bool) | pl["participated"]
    pl["group_id"] = pl["participant_id"].map(people["group_id"])
    people["placements_offered"] = (
        pl.loc[pl["offered"], "participant_id"].value_counts().reindex(people.index).fillna(0).astype(int)
    )
    people["placements_taken"] = (
        pl.loc[pl["participated"], "participant_id"].value_counts().reindex(people.index).fillna(0).astype(int)
    )
    periods = sorted({int(x) for x in pl["period"].dropna()} | set(range(1, s.placements_per_participant + 1)))
    if len(pl):
        placement_counts = pl.groupby(["group_id", "period"]).agg(
            offered=("offered", "sum"), participated=("participated", "sum")
        )
    else:
        placement_counts = pd.DataFrame(columns=["offered", "participated"])

    moved = people[people["moved_on"] | people["outcome"].isin(OUTCOME_CATEGORIES)]
    outcome_types = (
        moved.assign(outcome_type=moved["outcome_type"].replace("", "ospecificerat"))
        .groupby(["group_id", "outcome", "outcome_type"]).size().rename("n").reset_index()
    )
    return Facts(people, groups, periods, placement_counts, outcome_types)


def _share(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


def unit_figures(facts: Facts, group_ids: list[str], excused_absence: str,
                 placements_per_participant: int) -> dict[str, Any]:
    """Metrics, their basis (numerator, denominator) and counts for the union of `group_ids`."""
    people = facts.people[facts.people["group_id"].isin(group_ids)]
    groups = facts.groups.loc[group_ids]
    comp = people[people["completer"]]
    started, n_comp = len(people), len(comp)

    n, f, g = int(people["att_N"].sum()), int(people["att_F"].sum()), int(people["att_G"].sum())
    att_den = n + f if excused_absence == "exkludera" else n + f + g

    no_ill = comp[~comp["ill_health"]]
    plan_num = int((no_ill["action_plan"] | no_ill["moved_on"]).sum())

    planned = 0
    days = 0
    plan_known = True
    for _, grp in groups.iterrows():
        try:
            per_group = int(grp["days_per_week"]) * (int(grp["weeks"]) - int(grp["internship_weeks"] or 0))
        except (TypeError, ValueError):
            plan_known = False
            continue
        planned += per_group
        days += int(grp["distinct_days"])
    survey = [bool(x) for x in groups["survey_done"].fillna(False)]

    basis: dict[str, tuple[int, int]] = {
        "narvaro": (n, att_den),
        "praktik_erbjuden": (int((comp["placements_offered"] >= placements_per_participant).sum()), n_comp),
        "cv_brev": (int((comp["cv"] & comp["letter"]).sum()), n_comp),
        "vagledning": (int(comp["guidance"].sum()), n_comp),
        "handlingsplan": (plan_num, len(no_ill)),
        "referenser": (int((comp["placements_taken"] > 0).sum()), n_comp),
        # -- no attendance rows at all means the activity days are unknown, not zero --
        "gruppdagar": (days, planned if (plan_known and days > 0) else 0),
        "enkat": (sum(survey), len(survey)),
        "sysselsattning": (int(people["moved_on"].sum()), started),
    }
    internships: dict[str, dict[str, int]] = {}
    pc = facts.placement_counts
    for period in facts.periods:
        if len(pc):
            sel = pc[pc.index.get_level_values(0).isin(group_ids) & (pc.index.get_level_values(1) == period)]
            off, part = int(sel["offered"].sum()), int(sel["participated"].sum())
        else:
            off = part = 0
        internships[str(period)] = {"offered": off, "participated": part}
        basis[f"praktik_deltagande_{period}"] = (part, off)

    metrics: dict[str, float | int | None] = {k: _share(*v) for k, v in basis.items()}
    metrics["gruppstorlek"] = started if started else None
    outcomes = {c: int((people["outcome"] == c).sum()) for c in (*OUTCOME_CATEGORIES, NO_OUTCOME)}
    ot = facts.outcome_types[facts.outcome_types["group_id"].isin(group_ids)]
    outcome_types: dict[str, dict[str, int]] = {}
    for rec in ot.groupby(["outcome", "outcome_type"], as_index=False)["n"].sum().itertuples(index=False):
        outcome_types.setdefault(str(rec.outcome), {})[str(rec.outcome_type)] = int(rec.n)
    moved_on = int(people["moved_on"].sum())
    counts = {
        "started": started,
        "completers": n_comp,
        "early_leavers": started - n_comp,
        "moved_on": moved_on,
        "remaining": started - moved_on,
        "ill_health": int(people["ill_health"].sum()),
        "attendance": {"N": n, "F": f, "G": g},
        "outcomes": outcomes,
        "outcome_types": outcome_types,
        "internships": internships,
        "distinct_days": days,
        "planned_days": planned,
    }
    return {"metrics": metrics, "basis": {k: list(v) for k, v in basis.items()}, "counts": counts}
