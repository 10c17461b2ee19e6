"""Survey figures of METRICS.md "Surveys": per question, indicator and unit n, counts per alternative,
`andel_positiva`, `medel`, and each survey's response rate; plus the goal metrics `enkat_positiva_Q`
and `svarsfrekvens_S` for every unit.

Works on the validated frames of InputData (answers already carry their question's spelling of FrågeID,
Enkät and Svar); imports no IO library. Higher units pool the answers of their groups, never average
shares. A survey without GruppID has figures at project level only.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from xlpy.core.period import Period

GOAL_POSITIVE = "enkat_positiva_"
GOAL_RESPONSE = "svarsfrekvens_"
LEVELS = ("group", "omgang", "municipality", "project", "period")


@dataclass(frozen=True)
class Alternative:
    """One answer alternative of a scale: its text, position (1 = most negative), positive? counted?"""

    text: str
    order: int
    positive: bool
    counted: bool

    @property
    def number(self) -> float | None:
        """The alternative as a number ("4" -> 4.0), None when it is not one."""
        try:
            x = float(self.text.replace(",", "."))
        except ValueError:
            return None
        return x if math.isfinite(x) else None


@dataclass(frozen=True)
class Question:
    """A question of Enkätfrågor: id, survey, text, scale name, indicator label (or None), active?"""

    question_id: str
    survey: str
    text: str
    scale: str
    indicator: str | None
    active: bool


def _text(x: Any) -> str | None:
    if x is None or (isinstance(x, float) and math.isnan(x)) or x is pd.NA:
        return None
    s = str(x).strip()
    return s or None


def scales_of(frame: pd.DataFrame) -> dict[str, list[Alternative]]:
    """Scale name (case folded) -> its alternatives in Ordning order."""
    out: dict[str, list[Alternative]] = {}
    if frame.empty:
        return out
    for r in frame.to_dict("records"):
        order = r.get("order")
        out.setdefault(str(r["scale"]).strip().casefold(), []).append(Alternative(
            str(r["alternative"]).strip(), 0 if order is None or pd.isna(order) else int(order),
            bool(r.get("positive")), bool(r.get("counted", True))))
    for alts in out.values():
        alts.sort(key=lambda a: a.order)
    return out


def questions_of(frame: pd.DataFrame) -> list[Question]:
    """The questions of Enkätfrågor in sheet order (active and inactive)."""
    if frame.empty:
        return []
    return [Question(str(r["question_id"]), str(r["survey"]).strip(), _text(r.get("question")) or "",
                     str(r["scale"]).strip(), _text(r.get("indicator")), bool(r.get("active", True)))
            for r in frame.to_dict("records")]


def is_numeric(scale: list[Alternative]) -> bool:
    """Whether every counted alternative of the scale is a number (then the mean is shown)."""
    counted = [a for a in scale if a.counted]
    return bool(counted) and all(a.number is not None for a in counted)


def _dated(frame: pd.DataFrame, first: dt.date | None, last: dt.date | None) -> pd.DataFrame:
    if frame.empty or (first is None and last is None):
        return frame
    keep = [d is not None and (first is None or d >= first) and (last is None or d <= last)
            for d in frame["date"]]
    return frame.loc[keep]


def _figures(answers: list[str], scale: list[Alternative]) -> dict[str, Any]:
    """n, positive, andel_positiva, medel and counts (every alternative, in order) of a list of answers."""
    counts = {a.text: 0 for a in scale}
    for a in answers:
        if a in counts:
            counts[a] += 1
    valid = [a for a in scale if a.counted]
    n = sum(counts[a.text] for a in valid)
    positive = sum(counts[a.text] for a in valid if a.positive)
    mean = None
    if n and is_numeric(scale):
        mean = sum(counts[a.text] * (a.number or 0.0) for a in valid) / n
    return {"n": n, "positive": positive, "andel_positiva": positive / n if n else None, "medel": mean,
            "counts": counts}


def unit_members(levels: dict[str, dict[str, list[str]]]) -> list[tuple[str, str, set[str]]]:
    """(level, key, GruppIDs case folded) of every unit, groups first; `levels` maps level -> key -> groups."""
    return [(lv, key, {g.casefold() for g in gids}) for lv in LEVELS for key, gids in levels.get(lv, {}).items()]


def compute_surveys(questions_frame: pd.DataFrame, scales_frame: pd.DataFrame, answers_frame: pd.DataFrame,
                    mailings_frame: pd.DataFrame, units: dict[str, dict[str, list[str]]],
                    period: Period | None, report_end: dt.date | None) -> dict[str, Any]:
    """Every survey figure for every unit.

    units: level ("group", "omgang", "municipality", "project", "period") -> unit key -> its GruppIDs.
    period: P (its `previous()` gives P' for the comparison), or None; report_end: P's end (answers and
    Utskick dated later do not count), None = no cut-off.
    Returns {"surveys": [...], "response_rates": [...], "metrics": {(level, key): {goal key: value}},
    "basis": {(level, key): {goal key: [numerator, denominator]}}} (shares as fractions).
    """
    questions = [q for q in questions_of(questions_frame) if q.active]
    scales = scales_of(scales_frame)
    answers = _dated(answers_frame, None, report_end)
    previous = period.previous() if period is not None else None
    before = _dated(answers_frame, previous.start, previous.end) if previous is not None else None
    members = unit_members(units)
    project_keys = set(units.get("project", {}))
    by_unit = _answers_by_unit(answers, members, project_keys)
    before_by_unit = _answers_by_unit(before, members, project_keys) if before is not None else None
    surveys: list[dict[str, Any]] = []
    metrics: dict[tuple[str, str], dict[str, Any]] = {}
    basis: dict[tuple[str, str], dict[str, list[int]]] = {}
    indicators: dict[tuple[str, str], list[Question]] = {}
    for q in questions:
        if q.indicator:
            indicators.setdefault((q.survey, q.indicator), []).append(q)
    for level, key, _gids in members:
        unit_answers = by_unit.get((level, key), {})
        unit_before = before_by_unit.get((level, key), {}) if before_by_unit is not None else None
        for q in questions:
            scale = scales.get(q.scale.casefold(), [])
            given = unit_answers.get(q.question_id, [])
            if not given and level != "project":
                continue
            entry = {"kind": "question", "survey": q.survey, "question_id": q.question_id, "indicator": q.indicator,
                     "level": level, "key": key, **_figures(given, scale)}
            entry["previous"] = _previous(unit_before, [q], scale)
            surveys.append(entry)
            metrics.setdefault((level, key), {})[GOAL_POSITIVE + q.question_id.casefold()] = entry["andel_positiva"]
            basis.setdefault((level, key), {})[GOAL_POSITIVE + q.question_id.casefold()] = [entry["positive"], entry["n"]]
        for (survey, label), qs in indicators.items():
            pooled = [a for q in qs for a in unit_answers.get(q.question_id, [])]
            if not pooled and level != "project":
                continue
            scale = _pooled_scale([scales.get(q.scale.casefold(), []) for q in qs])
            entry = {"kind": "indicator", "survey": survey, "question_id": None, "indicator": label,
                     "level": level, "key": key, **_figures(pooled, scale)}
            entry["previous"] = _previous(unit_before, qs, scale)
            surveys.append(entry)
    rates = _response_rates(answers, _dated(mailings_frame, None, report_end), questions, members, project_keys)
    for r in rates:
        k = GOAL_RESPONSE + r["survey"].casefold()
        metrics.setdefault((r["level"], r["key"]), {})[k] = r["rate"]
        if r["asked"] is not None:
            basis.setdefault((r["level"], r["key"]), {})[k] = [r["responded"], r["asked"]]
    return {"surveys": surveys, "response_rates": rates, "metrics": metrics, "basis": basis}


def _previous(unit_before: dict[str, list[str]] | None, qs: list[Question],
              scale: list[Alternative]) -> dict[str, Any] | None:
    if unit_before is None:
        return None
    f = _figures([a for q in qs for a in unit_before.get(q.question_id, [])], scale)
    return {"n": f["n"], "positive": f["positive"], "andel_positiva": f["andel_positiva"]}


def _pooled_scale(scales: Iterable[list[Alternative]]) -> list[Alternative]:
    """The alternatives of an indicator's questions (usually one scale), each text once, in order."""
    seen: dict[str, Alternative] = {}
    for scale in scales:
        for a in scale:
            seen.setdefault(a.text, a)
    return sorted(seen.values(), key=lambda a: a.order)


def _answers_by_unit(answers: pd.DataFrame | None, members: list[tuple[str, str, set[str]]],
                     project_keys: set[str]) -> dict[tuple[str, str], dict[str, list[str]]]:
    """(level, key) -> FrågeID -> the Svar texts of that unit; answers without GruppID reach the project only.
    Answers are sorted into their groups once; a unit then joins its groups' lists."""
    out: dict[tuple[str, str], dict[str, list[str]]] = {}
    if answers is None or answers.empty:
        return out
    per_group: dict[str, dict[str, list[str]]] = {}
    for g, q, a in zip(answers["group_id"].map(_group_key), answers["question_id"], answers["answer"], strict=True):
        per_group.setdefault(g, {}).setdefault(str(q), []).append(str(a))
    for level, key, gids in members:
        into: dict[str, list[str]] = {}
        wanted = [g for g in gids if g in per_group]
        if level == "project" and key in project_keys and "" in per_group:
            wanted.append("")
        for g in sorted(wanted):
            for q, given in per_group[g].items():
                into.setdefault(q, []).extend(given)
        out[(level, key)] = into
    return out


def _group_key(g: Any) -> str:
    return (_text(g) or "").casefold()


def _response_rates(answers: pd.DataFrame, mailings: pd.DataFrame, questions: list[Question],
                    members: list[tuple[str, str, set[str]]], project_keys: set[str]) -> list[dict[str, Any]]:
    """Per survey and unit: responded (distinct SvarID), asked (sum of Tillfrågade; None without Utskick
    rows) and rate (None without Utskick, with 0 asked, or when more responded than were asked)."""
    names = list(dict.fromkeys(q.survey for q in questions))
    ids: dict[tuple[str, str], set[str]] = {}
    if not answers.empty:
        for sv, g, a in zip(answers["survey"], answers["group_id"].map(_group_key), answers["answer_id"], strict=True):
            ids.setdefault((str(sv).casefold(), g), set()).add(str(a).casefold())
    sent: dict[tuple[str, str], list[int]] = {}
    if not mailings.empty:
        for sv, g, n in zip(mailings["survey"], mailings["group_id"].map(_group_key), mailings["asked"], strict=True):
            if not pd.isna(n):
                sent.setdefault((str(sv).casefold(), g), []).append(int(n))
    out: list[dict[str, Any]] = []
    for survey in names:
        s = survey.casefold()
        for level, key, gids in members:
            keys = [(s, g) for g in sorted(gids)]
            if level == "project" and key in project_keys:
                keys.append((s, ""))
            responded = len(set().union(*(ids.get(k, set()) for k in keys)))
            asked_rows = [n for k in keys for n in sent.get(k, [])]
            if not responded and not asked_rows and level != "project":
                continue
            asked = sum(asked_rows) if asked_rows else None
            # -- a group with more questionnaires than it asked is an error in Utskick (see Kontroll); every
            #    unit holding it shows no rate, since a pooled rate would hide the error in a plausible figure --
            broken = any(k in sent and len(ids.get(k, set())) > sum(sent[k]) for k in keys)
            rate = responded / asked if asked and responded <= asked and not broken else None
            out.append({"survey": survey, "level": level, "key": key, "responded": responded, "asked": asked,
                        "rate": rate})
    return out
