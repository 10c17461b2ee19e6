"""Every figure of METRICS.md at every level, as the JSON-ready results dict of docs/RESULTS.md."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from typing import Any

import pandas as pd

from xlpy import __version__
from xlpy.core import actors, finsam, followup, goals, scope, surveys
from xlpy.core import period as periods
from xlpy.core.metrics import Facts, build_facts, unit_figures
from xlpy.fmt import distinct_names, period_label
from xlpy.model import InputData, Problem, Settings
from xlpy.spec import COST_KIND_FINANCIAL, COST_KIND_REAL, SCENARIOS, TEXT_SECTIONS


def _iso(d: Any) -> str | None:
    if d is None or (isinstance(d, float) and math.isnan(d)) or d is pd.NaT:
        return None
    if isinstance(d, dt.datetime):
        return d.date().isoformat()
    if isinstance(d, dt.date):
        return d.isoformat()
    return None


def _num(x: Any) -> Any:
    """None for NaN/None, plain int for whole numbers, else float: keeps the JSON clean."""
    if x is None:
        return None
    try:
        if pd.isna(x):
            return None
    except (TypeError, ValueError):
        return x
    if isinstance(x, bool):
        return x
    f = float(x)
    return int(f) if f.is_integer() else f


def goal_list(data: InputData) -> list[dict[str, Any]]:
    """The goals of the Mål sheet as plain dicts (active and inactive), in sheet order."""
    out = []
    for _, g in data.goals.iterrows():
        active = g.get("active")
        out.append({
            "id": str(g["goal_id"]),
            "description": "" if pd.isna(g.get("description")) else str(g.get("description")),
            "metric": str(g["metric"]),
            "comparison": str(g["comparison"]),
            "target": _num(g["target"]),
            "target_max": _num(g.get("target_max")),
            "active": True if active is None or pd.isna(active) else bool(active),
        })
    return out


def _group_columns(facts: Facts) -> dict[str, Any]:
    """The group columns _unit reads, as plain lists by position, built once per workbook: slicing the
    groups DataFrame for each of thousands of units cost more than all the metrics (issue #6)."""
    cols: dict[str, Any] | None = facts.cache.get("group_columns")
    if cols is None:
        g = facts.groups
        cols = {c: g[c].tolist() for c in ("start", "end", "ongoing", "municipality", "group_no", "term",
                                            "weeks", "internship_weeks", "days_per_week")}
        cols["staffing"] = g["staffing"].to_numpy(dtype=float)
        cols["pos"] = {gid: i for i, gid in enumerate(g.index)}
        facts.cache["group_columns"] = cols
    return cols


def _unit(facts: Facts, settings: Settings, level: str, key: str, label: str, group_ids: list[str],
          active_goals: list[dict[str, Any]], group_units: dict[str, dict[str, Any]],
          statuses: dict[str, str], ff: followup.FollowupFacts,
          survey_figures: dict[str, Any] | None = None) -> dict[str, Any]:
    cols = _group_columns(facts)
    idx = [cols["pos"][gid] for gid in group_ids]
    ends_all = [cols["end"][i] for i in idx]
    starts = [d for d in (cols["start"][i] for i in idx) if d]
    ends = [d for d in ends_all if d]
    ongoing = any(cols["ongoing"][i] for i in idx)
    rs, re_ = settings.report_start, settings.report_end
    ended_in_period = bool(
        len(idx) and re_ is not None and all(e is not None and e <= re_ and (rs is None or e >= rs)
                                             for e in ends_all)
    )
    figures = unit_figures(facts, group_ids, settings.excused_absence, settings.placements_per_participant)
    one = level == "group"
    first = idx[0] if idx else None
    municipalities = sorted({cols["municipality"][i] for i in idx})
    numbers = sorted({int(cols["group_no"][i]) for i in idx if not pd.isna(cols["group_no"][i])})
    unit: dict[str, Any] = {
        "level": level,
        "key": key,
        "label": label,
        "group_ids": list(group_ids),
        "municipality": municipalities[0] if len(municipalities) == 1 else None,
        "group_no": numbers[0] if len(numbers) == 1 else None,
        "start": _iso(min(starts)) if starts else None,
        "end": _iso(max(ends)) if ends else None,
        "ongoing": ongoing,
        "ended_in_report_period": ended_in_period,
        "period_status": scope.unit_status([statuses.get(g, "") for g in group_ids]),
        "term": (None if first is None or pd.isna(cols["term"][first]) else cols["term"][first]) if one else None,
        "weeks": _num(cols["weeks"][first]) if one and first is not None else None,
        "internship_weeks": _num(cols["internship_weeks"][first]) if one and first is not None else None,
        "days_per_week": _num(cols["days_per_week"][first]) if one and first is not None else None,
        **figures,
    }
    # -- staffing: a group's and an omgång's groups run at the same time, so their staff add up; a
    #    municipality's or the project's groups ran at different times: the mean per group (METRICS.md) --
    staffing = cols["staffing"][idx]
    per_level = staffing.sum() if level in ("group", "omgang") else (staffing.mean() if len(idx) else 0.0)
    unit["counts"]["staffing_percent"] = _num(round(float(per_level), 1))
    unit["counts"]["staffing_basis"] = "sum" if level in ("group", "omgang") else "mean_per_group"
    if survey_figures is not None:
        # -- the survey goal metrics (enkat_positiva_Q, svarsfrekvens_S) of this unit, beside the others --
        unit["metrics"].update(survey_figures["metrics"].get((level, key), {}))
        unit["basis"].update(survey_figures["basis"].get((level, key), {}))
    # -- follow-up after exit: its own figures, metric keys and goal rule (core/followup.py) --
    unit["followup"] = followup.unit_followup(ff, group_ids)
    fu_metrics, fu_basis = followup.unit_metrics(unit["followup"])
    unit["metrics"].update(fu_metrics)
    unit["basis"].update(fu_basis)
    unit_goals: dict[str, dict[str, Any]] = {}
    for g in active_goals:
        value = unit["metrics"].get(g["metric"])
        if followup.is_followup_metric(g["metric"]):
            st = followup.goal_status(value, g, unit["followup"])
        elif not one and g["metric"] in goals.PER_GROUP_METRICS:
            # -- "k av n grupper": a pooled count of 33 says nothing about "groups of 5-10" --
            per_group = [group_units[gid]["goals"][g["id"]]["status"] for gid in group_ids]
            st = goals.combine(per_group)
            unit_goals[g["id"]] = {"value": goals.groups_met(per_group), "status": st,
                                   "groups": len(per_group)}
            continue
        else:
            st = goals.status(value, g, ongoing)
        unit_goals[g["id"]] = {"value": value, "status": st}
    unit["goals"] = unit_goals
    # -- the moved-on count Besparing is computed on: at exit, or with `Besparing räknas på = uppföljning`
    #    the follow-up's count (core/followup.py), the one input the follow-up gives the cost tables --
    moved_on = (followup.savings_moved_on(ff, group_ids) if settings.savings_basis == "uppföljning"
                else unit["counts"]["moved_on"])
    unit["costs"] = actors.unit_costs(unit["counts"]["started"], moved_on, settings, facts.cache["cost_items"])
    unit["counts"]["sus"] = finsam.sus_counts(facts.cache["sus_by_group"], group_ids)
    return unit


def _statistics(data: InputData, report: periods.Period | None) -> list[dict[str, Any]]:
    """Arbetsförmedlingen's tables: those whose Period lies within P (`role` "period") and the latest one
    before P's start (`role` "baseline"); every table when there is no period."""
    st = data.statistics
    out: list[dict[str, Any]] = []
    if not len(st):
        return out
    dates = sorted({d for d in st["period"].map(_iso) if d})
    roles = {d: "period" for d in dates}
    if report is not None:
        before = [d for d in dates if d < report.start.isoformat()]
        roles = {d: "period" for d in dates if report.contains(dt.date.fromisoformat(d))}
        if before:
            roles[before[-1]] = "baseline"
    for period, rows in st.groupby(st["period"].map(_iso), sort=True):
        if period not in roles:
            continue
        table: list[dict[str, Any]] = [
            {
                "municipality": str(r["municipality"]),
                "unemployed": int(r["unemployed"]),
                "in_programme": int(r["in_programme"]),
                "total": int(r["unemployed"]) + int(r["in_programme"]),
            }
            for r in rows.sort_values("row").to_dict("records")
        ]
        total = {k: sum(int(r[k]) for r in table) for k in ("unemployed", "in_programme", "total")}
        out.append({"period": period, "label": period_label(period), "role": roles[period], "rows": table,
                    "total": total})
    return out


def _texts(data: InputData) -> dict[str, str]:
    canonical = {s.lower(): s for s in TEXT_SECTIONS}
    out: dict[str, str] = {}
    for _, r in data.texts.iterrows():
        sec = str(r["section"]).strip()
        text = "" if pd.isna(r["text"]) else str(r["text"]).strip()
        if text:
            out[canonical.get(sec.lower(), sec)] = text
    return out


def _staff(data: InputData, group_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {gid: [] for gid in group_ids}
    # -- records, not iterrows: iterrows builds a Series per row --
    for r in data.staff.to_dict("records"):
        if r["group_id"] in out:
            counts = r.get("counts")
            out[r["group_id"]].append({
                "role": str(r["role"]),
                "percent": _num(round(float(r["percent"]) * 100, 1)) if not pd.isna(r["percent"]) else None,
                "counts": True if counts is None or pd.isna(counts) else bool(counts),
                "comment": "" if pd.isna(r.get("comment")) else str(r.get("comment")),
            })
    return out


def group_labels(group_ids: list[str], municipality: list[Any], group_no: list[Any]) -> dict[str, str]:
    """GruppID -> `Klippan grupp 2`; parallel groups with the same municipality and number (two groups
    in Klippan the same term) get their GruppID too, `Klippan grupp 2 (KLI02B)`, so no two labels match."""
    return distinct_names({gid: f"{mun} grupp {_num(no)}"
                           for gid, mun, no in zip(group_ids, municipality, group_no, strict=True)})


def _levels(data: InputData, statuses: dict[str, str], active: list[dict[str, Any]]
            ) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]], dict[str, Any],
                       followup.FollowupFacts]:
    """Every unit of `data` (its groups are the ones to count, its rows those as of the period's end):
    group, omgång, municipality and project (`all`), and `period` (`all`: the groups Avslutad or Pågår).
    Returns the levels, the staff per group, the survey figures (xlpy.core.surveys) of those units and the
    follow-up facts (as of Rapportperiod slut)."""
    s = data.settings
    facts = build_facts(data)
    ff = followup.build_followup(data, facts)
    group_ids = list(facts.groups.index)
    # -- the cost items and each group's SUS counts, built once for all units of this scope --
    facts.cache["cost_items"] = actors.cost_items(data.cost_items, s)
    facts.cache["sus_by_group"] = finsam.sus_by_group(finsam.spans(facts.people, facts.groups, data.participants),
                                                      s.report_end)
    staff = _staff(data, group_ids)
    facts.groups["staffing"] = [
        sum(float(m["percent"] or 0) for m in staff[gid] if m["counts"]) for gid in group_ids
    ]
    levels: dict[str, dict[str, Any]] = {"group": {}, "omgang": {}, "municipality": {}, "project": {},
                                         "period": {}}
    # -- plain lists, not facts.groups.loc[gid] per group: a förbund has hundreds of groups --
    municipality = facts.groups["municipality"].tolist()
    group_no = facts.groups["group_no"].tolist()
    labels = group_labels(group_ids, municipality, group_no)
    by_no: dict[int, list[str]] = {}
    by_mun: dict[str, list[str]] = {}
    for gid, mun, no in zip(group_ids, municipality, group_no, strict=True):
        if not pd.isna(no):
            by_no.setdefault(int(no), []).append(gid)
        by_mun.setdefault(str(mun), []).append(gid)
    in_period = [g for g in group_ids if statuses.get(g) in (periods.STATUS_ENDED, periods.STATUS_ONGOING)]
    survey_figures = _survey_figures(data, {
        "group": {g: [g] for g in group_ids}, "omgang": {str(n): g for n, g in by_no.items()},
        "municipality": dict(by_mun), "project": {"all": group_ids} if group_ids else {},
        "period": {"all": in_period} if in_period else {}})

    def unit(level: str, key: str, label: str, gids: list[str]) -> dict[str, Any]:
        return _unit(facts, s, level, key, label, gids, active, levels["group"], statuses, ff, survey_figures)

    for gid in group_ids:
        levels["group"][gid] = unit("group", gid, labels[gid], [gid])
    for no in sorted(by_no):
        levels["omgang"][str(no)] = unit("omgang", str(no), f"Grupp {no}", by_no[no])
    for mun, gids in by_mun.items():
        levels["municipality"][mun] = unit("municipality", mun, mun, gids)
    if group_ids:
        levels["project"]["all"] = unit("project", "all", s.project_name, group_ids)
    if in_period:
        levels["period"]["all"] = unit("period", "all", "Perioden", in_period)
    return levels, staff, survey_figures, ff


def _survey_figures(data: InputData, units: dict[str, dict[str, list[str]]]) -> dict[str, Any]:
    """The survey figures (xlpy.core.surveys) of `units`, as of the settings' report period's end, with
    the previous period's answers for the report's comparison."""
    s = data.settings
    period = periods.report_period(s.report_start, s.report_end, s.project_start,
                                   [scope.as_date(x) for x in data.groups["start"]])
    return surveys.compute_surveys(data.survey_questions, data.scales, data.survey_answers, data.mailings,
                                   units, period, s.report_end)


def _json_ready(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: (_num(v) if isinstance(v, float) else v) for k, v in e.items()} for e in entries]


def survey_question_list(data: InputData) -> list[dict[str, Any]]:
    """Every question of Enkätfrågor (active or not) with its scale's alternatives, for the report's appendix."""
    scales = surveys.scales_of(data.scales)
    return [{"question_id": q.question_id, "survey": q.survey, "question": q.text, "scale": q.scale,
             "indicator": q.indicator, "active": q.active,
             "alternatives": [{"text": a.text, "order": a.order, "positive": a.positive, "counted": a.counted}
                              for a in scales.get(q.scale.casefold(), [])]}
            for q in surveys.questions_of(data.survey_questions)]


def _previous_period(data: InputData, period: periods.Period | None,
                     active: list[dict[str, Any]]) -> dict[str, Any] | None:
    """Level `previous_period` (key `all`): P' of METRICS.md pooled over its ended groups, as of P''s end;
    None when P' has no group that ended in it."""
    if period is None:
        return None
    prev = period.previous()
    statuses = scope.group_statuses(data.groups, prev)
    ended = {g for g, st in statuses.items() if st == periods.STATUS_ENDED}
    if not ended:
        return None
    settings = dataclasses.replace(data.settings, report_start=prev.start, report_end=prev.end)
    prev_data, _ = scope.as_of(scope.only_groups(data, ended), prev.end)
    levels, _, _, _ = _levels(dataclasses.replace(prev_data, settings=settings), statuses, active)
    unit = levels["period"]["all"]
    unit.update(level="previous_period", label="Föregående period", start_of_period=prev.start.isoformat(),
                end_of_period=prev.end.isoformat())
    return {"all": unit}


def _planned(data: InputData, statuses: dict[str, str]) -> list[dict[str, Any]]:
    """The groups `Ej startad` in P, in start order: in no figure, listed by the report as planned."""
    g = data.groups.drop_duplicates("group_id")
    g = g[g["group_id"].map(lambda x: statuses.get(str(x)) == periods.STATUS_NOT_STARTED)]
    if not len(g):
        return []
    labels = group_labels(list(g["group_id"]), g["municipality"].tolist(), g["group_no"].tolist())
    out = [{"group_id": str(r["group_id"]), "label": labels[r["group_id"]], "municipality": str(r["municipality"]),
            "group_no": _num(r["group_no"]), "start": _iso(r["start"]), "end": _iso(r["end"]),
            "period_status": periods.STATUS_NOT_STARTED} for r in g.to_dict("records")]
    return sorted(out, key=lambda r: (r["start"] or "", r["municipality"], r["group_id"]))


def compute(data: InputData) -> dict[str, Any]:
    """Compute every figure, goal status and cost table at group, omgång, municipality, project and
    period level, as of the report period's end. Returns the results dict documented in docs/RESULTS.md
    (shares as fractions, SEK whole)."""
    s = data.settings
    problems = list(data.problems)
    if s.report_end is None:
        problems.append(Problem("Inställningar", None, "Värde", "", "Rapportperiod slut saknas: inga grupper "
                                "räknas som pågående. Fyll i rapportdatumet.", severity="varning"))
    period = periods.report_period(s.report_start, s.report_end, s.project_start,
                                   [scope.as_date(x) for x in data.groups["start"]])
    statuses = scope.group_statuses(data.groups, period)
    started = {g for g, st in statuses.items() if st != periods.STATUS_NOT_STARTED}
    used = scope.only_groups(data, started)
    if period is not None:
        used, left_out = scope.as_of(used, period.end)
        problems.extend(scope.left_out_problems(left_out, period.end))
    all_goals = goal_list(data)
    active = [g for g in all_goals if g["active"]]
    levels, staff, survey_figures, ff = _levels(used, statuses, active)
    problems.extend(followup.overdue_problems(ff))
    levels["previous_period"] = _previous_period(data, period, active)  # type: ignore[assignment]
    items = actors.cost_items(data.cost_items, s)
    period_end = period.end if period is not None else s.report_end
    first_start = s.project_start or min((d for d in map(scope.as_date, data.groups["start"]) if d is not None),
                                         default=None)
    spend = actors.insats_cost(data.budget, first_start.year if first_start else None,
                               period_end.year if period_end else None)
    project_costs = levels["project"].get("all", {}).get("costs")
    return {
        "meta": {
            "project_name": s.project_name,
            "federation": s.federation,
            "owner": s.owner,
            "evaluator": s.evaluator,
            "report_start": _iso(s.report_start),
            "report_end": _iso(s.report_end),
            "project_start": _iso(s.project_start),
            "project_end": _iso(s.project_end),
            "period": None if period is None else {"start": _iso(period.start), "end": _iso(period.end),
                                                   "days": period.days},
            "previous_period": None if period is None else {"start": _iso(period.previous().start),
                                                            "end": _iso(period.previous().end)},
            # -- the period covers the whole Projektperiod: the report is the slutrapport --
            "final_report": bool(period and s.project_start and s.project_end and period.start <= s.project_start
                                 and period.end >= s.project_end),
            "source": data.source_name,
            "sources": list(data.sources) or ([data.source_name] if data.source_name else []),
            "version": __version__,
        },
        "parameters": {
            # -- from Kostnadsposter when it has rows (Σ Bas per Slag), else Inställningar --
            "real_cost": _num(actors.k_value(items, kind=COST_KIND_REAL)),
            "financial_cost": _num(actors.k_value(items, kind=COST_KIND_FINANCIAL)),
            "cost_per_person_year": _num(actors.k_value(items)),
            "cost_k": {sc: _num(actors.k_value(items, sc)) for sc in SCENARIOS},
            "cost_items": actors.items_json(items),
            "cost_items_from_sheet": not data.cost_items.empty,
            "persistence": _num(s.persistence),
            "monthly_wage": _num(s.monthly_wage),
            "payroll_tax": _num(s.payroll_tax),
            "horizon_years": s.horizon_years,
            "discount_rate": _num(s.discount_rate),
            "placements_per_participant": s.placements_per_participant,
            "excused_absence": s.excused_absence,
            "min_count": s.min_count,
            "cost_source": s.cost_source,
            "followup_months": list(ff.points),
            "savings_basis": s.savings_basis,
        },
        "goals": all_goals,
        "levels": levels,
        **actors.payback(spend, project_costs),
        "finsam": finsam.yearly_counts(finsam.spans_of(used), period_end),
        "planned_groups": _planned(data, statuses),
        "statistics": _statistics(data, period),
        "staff": staff,
        "texts": _texts(data),
        "surveys": _json_ready(survey_figures["surveys"]),
        "response_rates": _json_ready(survey_figures["response_rates"]),
        "survey_questions": survey_question_list(data),
        # -- the staff's to-do list: written to the sheet Efter avslut, never read by the report --
        "followup_todo": followup.todo_list(ff),
        "problems": [
            {"severity": p.severity, "sheet": p.sheet, "row": p.row, "column": p.column, "value": p.value,
             "message": p.message, "group_id": p.group_id, "kind": p.kind}
            for p in problems
        ],
    }
