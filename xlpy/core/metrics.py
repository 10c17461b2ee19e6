"""Per-participant facts and the metrics of METRICS.md for any set of groups.

The work is done once per participant (attendance counts, latest outcome, placements) in vectorised
pandas; a unit (group, omgång, municipality, project) then just sums its participants' facts, so higher
levels pool rows and never average percentages.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from xlpy.core.scope import as_date as _as_date
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
    # -- per-group sums, built on first use by _group_sums; a unit then adds a few rows of them --
    cache: dict[Any, Any] = field(default_factory=dict, repr=False)


def _bool(s: pd.Series) -> pd.Series:
    return s.fillna(False).astype(bool)


def build_facts(data: InputData) -> Facts:
    """Compute per-participant and per-group facts from the input sheets."""
    s = data.settings
    groups = data.groups.drop_duplicates("group_id").set_index("group_id")
    groups = groups.assign(
        start=groups["start"].map(_as_date),
        end=groups["end"].map(_as_date),
    )
    report_end = s.report_end
    # -- a group without Slutdatum is ongoing (METRICS.md, "The report period"): never dropped --
    groups["ongoing"] = [bool(report_end and (e is None or e > report_end)) for e in groups["end"]]

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

    # -- attendance counts per participant and distinct activity days per group. Närvaro has ~70 rows per
    #    participant (350 000 for a förbund): participant, status and date become integer codes once and
    #    the counts are bincounts, where groupby/merge on object columns cost ten times as much --
    att = data.attendance
    pcodes, pids = pd.factorize(att["participant_id"].to_numpy(dtype=object), use_na_sentinel=True)
    person = np.append(people.index.get_indexer(pd.Index(pids)), -1)[pcodes]  # -1: not a usable participant
    use = person >= 0
    scodes, statuses = pd.factorize(att["status"].to_numpy(dtype=object), use_na_sentinel=True)
    status_code = {st: i for i, st in enumerate(statuses)}
    for st in ("N", "F", "G"):
        hit = use & (scodes == status_code.get(st, -2))
        people["att_" + st] = np.bincount(person[hit], minlength=len(people)).astype(int)
    dcodes, dates = pd.factorize(att["date"].to_numpy(dtype=object), use_na_sentinel=True)
    person_group = groups.index.get_indexer(pd.Index(people["group_id"]))
    # -- one key per (group, date); an empty date counts as one value, as drop_duplicates would --
    keys = np.unique(person_group[person[use]].astype(np.int64) * (len(dates) + 1) + (dcodes[use] + 1))
    groups["distinct_days"] = np.bincount(keys // (len(dates) + 1), minlength=len(groups)).astype(int)

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

    # -- only typed outcomes are broken down; the rest of a category is "utan angiven typ" for the reader --
    typed = people[people["outcome"].isin(OUTCOME_CATEGORIES) & (people["outcome_type"].astype(str).str.strip() != "")]
    outcome_types = typed.groupby(["group_id", "outcome", "outcome_type"]).size().rename("n").reset_index()
    return Facts(people, groups, periods, placement_counts, outcome_types)


def _share(num: int, den: int) -> float | None:
    return None if den == 0 else num / den


@dataclass
class _GroupSums:
    """Every additive per-participant fact summed per group (rows aligned with facts.groups.index), plus
    the per-group plan, placement and outcome-type figures; built once, so a unit costs O(its groups)."""

    pos: dict[Any, int]
    people: np.ndarray  # int64, one row per group, columns PERSON_SUMS
    planned: list[int | None]  # None where the plan (weeks, days per week) cannot be read
    days: np.ndarray
    survey: list[bool]
    ongoing: list[bool]
    no_outcome_yet: list[bool]
    offered: dict[int, np.ndarray]  # period -> per group
    participated: dict[int, np.ndarray]
    outcome_types: list[Counter[tuple[str, str]]]


# -- the metrics counted over completers take only groups that have ended (METRICS.md "Terms"): an ongoing
#    group's completers have not finished yet, so its empty rows must not drag a municipality down --
COMPLETION_SUMS = ("completers_ended", "offered_ok", "cv_brev", "guidance", "no_ill", "plan", "referenser")

PERSON_SUMS = ("started", "completers", "completers_ended", "att_N", "att_F", "att_G", "offered_ok", "cv_brev", "guidance",
               "no_ill", "plan", "referenser", "moved_on", "ill_health",
               *(f"out_{c}" for c in (*OUTCOME_CATEGORIES, NO_OUTCOME)))


def _group_sums(facts: Facts, placements_per_participant: int) -> _GroupSums:
    key = ("group_sums", placements_per_participant)
    if key in facts.cache:
        return facts.cache[key]  # type: ignore[no-any-return]
    people, groups = facts.people, facts.groups
    comp = people["completer"].to_numpy(dtype=bool)
    ill = people["ill_health"].to_numpy(dtype=bool)
    moved = people["moved_on"].to_numpy(dtype=bool)
    outcome = people["outcome"].to_numpy()
    cols: dict[str, Any] = {
        "started": np.ones(len(people), dtype=np.int64),
        "completers": comp,
        "completers_ended": comp,
        "att_N": people["att_N"].to_numpy(),
        "att_F": people["att_F"].to_numpy(),
        "att_G": people["att_G"].to_numpy(),
        "offered_ok": comp & (people["placements_offered"].to_numpy() >= placements_per_participant),
        "cv_brev": comp & people["cv"].to_numpy(dtype=bool) & people["letter"].to_numpy(dtype=bool),
        "guidance": comp & people["guidance"].to_numpy(dtype=bool),
        "no_ill": comp & ~ill,
        "plan": comp & ~ill & (people["action_plan"].to_numpy(dtype=bool) | moved),
        "referenser": comp & (people["placements_taken"].to_numpy() > 0),
        "moved_on": moved,
        "ill_health": ill,
    }
    for c in (*OUTCOME_CATEGORIES, NO_OUTCOME):
        cols[f"out_{c}"] = outcome == c
    frame = pd.DataFrame({k: np.asarray(v, dtype=np.int64) for k, v in cols.items()}, index=people.index)
    sums = frame.groupby(people["group_id"].to_numpy()).sum().reindex(groups.index, fill_value=0)
    ongoing = groups["ongoing"].to_numpy(dtype=bool)
    sums.loc[ongoing, list(COMPLETION_SUMS)] = 0
    # -- an ongoing group none of whose participants has an Utfall row yet has no basis for sysselsättning --
    no_outcome_yet = ongoing & (sums[f"out_{NO_OUTCOME}"].to_numpy() == sums["started"].to_numpy())

    planned: list[int | None] = []
    for per_week, weeks, internship_weeks in zip(groups["days_per_week"].tolist(), groups["weeks"].tolist(),
                                                 groups["internship_weeks"].tolist(), strict=True):
        try:
            planned.append(int(per_week) * (int(weeks) - int(internship_weeks or 0)))
        except (TypeError, ValueError):
            planned.append(None)
    pos = {gid: i for i, gid in enumerate(groups.index)}
    offered = {p: np.zeros(len(groups), dtype=np.int64) for p in facts.periods}
    participated = {p: np.zeros(len(groups), dtype=np.int64) for p in facts.periods}
    pc = facts.placement_counts
    if len(pc):
        for gid, period, off, part in zip(pc.index.get_level_values(0), pc.index.get_level_values(1),
                                          pc["offered"], pc["participated"], strict=True):
            if int(period) in offered and gid in pos:
                offered[int(period)][pos[gid]] += int(off)
                participated[int(period)][pos[gid]] += int(part)
    types: list[Counter[tuple[str, str]]] = [Counter() for _ in range(len(groups))]
    ot = facts.outcome_types
    for gid, outcome, otype, count in zip(ot["group_id"], ot["outcome"], ot["outcome_type"], ot["n"], strict=True):
        if gid in pos:
            types[pos[gid]][(str(outcome), str(otype))] += int(count)
    result = _GroupSums(
        pos=pos,
        people=sums[list(PERSON_SUMS)].to_numpy(dtype=np.int64),
        planned=planned,
        days=groups["distinct_days"].to_numpy(dtype=np.int64),
        survey=[bool(x) for x in groups["survey_done"].fillna(False)],
        ongoing=[bool(x) for x in ongoing],
        no_outcome_yet=[bool(x) for x in no_outcome_yet],
        offered=offered,
        participated=participated,
        outcome_types=types,
    )
    facts.cache[key] = result
    return result


def unit_figures(facts: Facts, group_ids: list[str], excused_absence: str,
                 placements_per_participant: int) -> dict[str, Any]:
    """Metrics, their basis (numerator, denominator) and counts for the union of `group_ids`.

    Sums per-group totals built once per workbook (_group_sums), so the cost is O(len(group_ids)), not
    O(participants): a förbund with thousands of groups has as many units, and filtering all participants
    for each of them grew quadratically (issue #6).
    """
    gs = _group_sums(facts, placements_per_participant)
    idx = [gs.pos[g] for g in group_ids]
    tot = dict(zip(PERSON_SUMS, (int(x) for x in gs.people[idx].sum(axis=0)), strict=True))
    started, n_comp = tot["started"], tot["completers_ended"]
    n, f, g = tot["att_N"], tot["att_F"], tot["att_G"]
    att_den = n + f if excused_absence == "exkludera" else n + f + g

    planned = 0
    days = 0
    plan_known = True
    for i in idx:
        per_group = gs.planned[i]
        if per_group is None:
            plan_known = False
            continue
        planned += per_group
        days += int(gs.days[i])
    # -- a survey not yet done in an ongoing group is not yet due: no basis, not "nej" --
    survey = [gs.survey[i] for i in idx if gs.survey[i] or not gs.ongoing[i]]
    # -- sysselsättning of units made only of ongoing groups without any Utfall row yet has no basis --
    moved_den = 0 if all(gs.no_outcome_yet[i] for i in idx) else started

    basis: dict[str, tuple[int, int]] = {
        "narvaro": (n, att_den),
        "praktik_erbjuden": (tot["offered_ok"], n_comp),
        "cv_brev": (tot["cv_brev"], n_comp),
        "vagledning": (tot["guidance"], n_comp),
        "handlingsplan": (tot["plan"], tot["no_ill"]),
        "referenser": (tot["referenser"], n_comp),
        # -- no attendance rows at all means the activity days are unknown, not zero --
        "gruppdagar": (days, planned if (plan_known and days > 0) else 0),
        "enkat": (sum(survey), len(survey)),
        "sysselsattning": (tot["moved_on"], moved_den),
    }
    internships: dict[str, dict[str, int]] = {}
    for period in facts.periods:
        off, part = int(gs.offered[period][idx].sum()), int(gs.participated[period][idx].sum())
        internships[str(period)] = {"offered": off, "participated": part}
        basis[f"praktik_deltagande_{period}"] = (part, off)

    metrics: dict[str, float | int | None] = {k: _share(*v) for k, v in basis.items()}
    metrics["gruppstorlek"] = started if started else None
    outcomes = {c: tot[f"out_{c}"] for c in (*OUTCOME_CATEGORIES, NO_OUTCOME)}
    merged: Counter[tuple[str, str]] = Counter()
    for i in idx:
        merged.update(gs.outcome_types[i])
    outcome_types: dict[str, dict[str, int]] = {}
    # -- sorted by outcome, then type: the order the JSON and the report tables have always had --
    for (outcome, otype), count in sorted(merged.items()):
        outcome_types.setdefault(outcome, {})[otype] = count
    moved_on = tot["moved_on"]
    counts = {
        "started": started,
        "completers": tot["completers"],
        "early_leavers": started - tot["completers"],
        "moved_on": moved_on,
        "remaining": started - moved_on,
        "ill_health": tot["ill_health"],
        "attendance": {"N": n, "F": f, "G": g},
        "outcomes": outcomes,
        "outcome_types": outcome_types,
        "internships": internships,
        "distinct_days": days,
        "planned_days": planned,
    }
    return {"metrics": metrics, "basis": {k: list(v) for k, v in basis.items()}, "counts": counts}
