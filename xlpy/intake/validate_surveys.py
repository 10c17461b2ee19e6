"""Checks of the survey sheets (Enkätfrågor, Skalor, Enkätsvar, Utskick) across rows and sheets.

METRICS.md "Surveys": a Svar outside its question's scale, an unknown FrågeID and an SvarID equal to a
DeltagarID are errors (the rows are left out); so is a FrågeID or a scale alternative defined twice, and a
Tillfrågade below the number of questionnaires (the response rate is then not shown). Called by
xlpy.intake.validate.validate on the frames of xlpy.intake.reading (typed columns, `row`, `_drop`); imports no IO library.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

import numpy as np
import pandas as pd

from xlpy import spec
from xlpy.intake.reading import norm_name
from xlpy.intake.validate import (
    Frames,
    _dropped_rows,
    _duplicates,
    _flag,
    _flag_grouped,
    _link,
    _live,
    _rows,
    _spelling,
)
from xlpy.model import Problem

# -- the survey whose answers make a group's "Enkät genomförd" expected to be ja --
PARTICIPANT_SURVEY = "deltagare"


def alternative_key(value: Any) -> str:
    """An answer or alternative as compared: trimmed, inner spaces collapsed, case folded ("Vet ej" = "vet  ej")."""
    return norm_name(value).casefold()


def check_surveys(f: Frames, groups: pd.DataFrame, participants: pd.DataFrame, out: list[Problem]) -> None:
    """Run every survey check on the frames in `f` (changed in place: bad rows get `_drop`, answers get
    their question's spelling of FrågeID, Enkät and Svar). `groups`/`participants` are the usable rows."""
    scales, questions = f["scales"], f["survey_questions"]
    answers, mailings = f["survey_answers"], f["mailings"]
    _duplicates(scales, ["_scale_key", "_alt_key"], spec.SCALES, "alternative", "Samma skala och svarsalternativ",
                out, key_codes=_codes(scales, [("scale", _fold), ("alternative", alternative_key)]))
    scale_names = _spelling(scales.loc[_live(scales), "scale"]) if len(scales) else {}
    _link(questions, "scale", scale_names, {}, spec.SURVEY_QUESTIONS, "Skala", "Skalor", out)
    _duplicates(questions, ["question_id"], spec.SURVEY_QUESTIONS, "question_id", "FrågeID", out,
                key_codes=_codes(questions, [("question_id", _fold)]))
    group_spelling = _spelling(groups["group_id"])
    for key in ("survey_answers", "mailings"):
        _link(f[key], "group_id", group_spelling, _dropped_rows(f["groups"], "group_id"),
              spec.SHEETS_BY_KEY[key], "GruppID", "Grupper", out)
    live_q = questions.loc[_live(questions)]
    _link(answers, "question_id", _spelling(live_q["question_id"]), _dropped_rows(questions, "question_id"),
          spec.SURVEY_ANSWERS, "FrågeID", "Enkätfrågor", out)
    _check_answers(answers, live_q, scales.loc[_live(scales)], participants, out)
    _check_mailings(mailings, answers, live_q, out)
    _check_survey_done(f["groups"], answers, out)


def _fold(value: Any) -> str:
    return str(value).strip().casefold()


def _codes(frame: pd.DataFrame, columns: list[tuple[str, Any]]) -> np.ndarray:
    """One integer per row, equal where every listed column is equal after its normalising function."""
    combined = np.zeros(len(frame), dtype=np.int64)
    for col, normal in columns:
        values = [None if v is None or (isinstance(v, float) and np.isnan(v)) else normal(v)
                  for v in frame[col].tolist()]
        codes, uniques = pd.factorize(np.asarray(values, dtype=object), use_na_sentinel=True)
        combined = combined * (len(uniques) + 1) + (codes + 1)
    return combined


def _check_answers(answers: pd.DataFrame, questions: pd.DataFrame, scales: pd.DataFrame,
                   participants: pd.DataFrame, out: list[Problem]) -> None:
    sheet = spec.SURVEY_ANSWERS
    if answers.empty:
        return
    q_survey = dict(zip(questions["question_id"], questions["survey"], strict=True))
    q_scale = {q: _fold(s) for q, s in zip(questions["question_id"], questions["scale"], strict=True)}
    alternatives: dict[str, dict[str, str]] = {}
    for s, a in zip(scales["scale"], scales["alternative"], strict=True):
        alternatives.setdefault(_fold(s), {}).setdefault(alternative_key(a), str(a))
    # -- the survey's name as Enkätfrågor spells it --
    live = _live(answers)
    wrong_survey = live & pd.Series([q in q_survey and _fold(s) != _fold(q_survey[q]) for q, s in
                                     zip(answers["question_id"], answers["survey"], strict=True)], index=answers.index)
    _flag(answers, wrong_survey, sheet, "survey",
          lambda r: f"Frågan {r.question_id} hör till enkäten {q_survey[r.question_id]} i bladet Enkätfrågor, inte "
                    f"{r.survey}. Raden har inte räknats med.", out, drop=True)
    live = _live(answers)
    answers.loc[live, "survey"] = answers.loc[live, "question_id"].map(q_survey)
    canonical = [alternatives.get(q_scale.get(q, ""), {}).get(alternative_key(a)) if ok else None
                 for q, a, ok in zip(answers["question_id"], answers["answer"], live, strict=True)]
    outside = live & pd.Series([c is None for c in canonical], index=answers.index)

    def not_in_scale(r: Any) -> str:
        scale = questions.loc[questions["question_id"] == r.question_id, "scale"].iloc[0]
        allowed = ", ".join(alternatives.get(_fold(scale), {}).values())
        return (f"Svaret {r.answer} finns inte i skalan {scale} för fråga {r.question_id}. Tillåtet: {allowed}. "
                "Raden har inte räknats med.")

    _flag(answers, outside, sheet, "answer", not_in_scale, out, drop=True)
    live = _live(answers)
    answers.loc[live, "answer"] = pd.Series(canonical, index=answers.index, dtype=object)[live]
    # -- an SvarID that is a DeltagarID ties the answers to a person: every row of it is left out --
    pids = {str(p).casefold() for p in participants["participant_id"]}
    is_pid = live & answers["answer_id"].map(lambda a: str(a).casefold() in pids)

    def identifying(key: tuple[Hashable, ...], rows: list[int]) -> str:
        # -- the rows are this sheet's (Enkätsvar), so they come before the other sheet is named --
        return (f"SvarID {key[0]} ({_rows(rows)}) är samma som ett DeltagarID i bladet Deltagare. Svaren ska "
                "vara anonyma: ge formuläret en egen kod som inte går att koppla till deltagaren. "
                "Raderna har inte räknats med.")

    _flag_grouped(answers, is_pid, ["answer_id"], sheet, "answer_id", identifying, out)
    _duplicates(answers, ["answer_id", "question_id"], sheet, "question_id", "Samma SvarID och FrågeID", out,
                key_codes=_codes(answers, [("answer_id", _fold), ("question_id", _fold)]))


def _check_mailings(mailings: pd.DataFrame, answers: pd.DataFrame, questions: pd.DataFrame,
                    out: list[Problem]) -> None:
    """Tillfrågade (summed over a survey's Utskick rows of one group) below the number of questionnaires
    of that survey and group is an error on the last of those Utskick rows."""
    if mailings.empty:
        return
    names = {_fold(s): s for s in questions["survey"]}
    live_m = _live(mailings)
    mailings.loc[live_m, "survey"] = mailings.loc[live_m, "survey"].map(lambda s: names.get(_fold(s), s))
    live_a = answers.loc[_live(answers)] if len(answers) else answers
    responded: dict[tuple[str, str], int] = {}
    if len(live_a):
        keyed = live_a.assign(_s=live_a["survey"].map(_fold), _g=live_a["group_id"].map(_group_key),
                              _a=live_a["answer_id"].map(_fold))
        counted = keyed.groupby(["_s", "_g"])["_a"].nunique()
        responded = {(str(k[0]), str(k[1])): int(n) for k, n in zip(counted.index.tolist(), counted.tolist(),
                                                                     strict=True)}
    m = mailings.loc[live_m]
    for (s, g), part in m.assign(_s=m["survey"].map(_fold), _g=m["group_id"].map(_group_key)).groupby(["_s", "_g"]):
        asked = int(part["asked"].sum())
        n = responded.get((str(s), str(g)), 0)
        if n > asked:
            last = part.iloc[-1]
            where = f" för grupp {last['group_id']}" if g else ""
            out.append(Problem(spec.MAILINGS.name, int(last["row"]), "Tillfrågade", str(asked),
                               f"Tillfrågade ({asked}) är färre än antalet ifyllda formulär ({n}) i enkäten "
                               f"{last['survey']}{where}. Svarsfrekvensen redovisas inte förrän Utskick är rättat."))


def _group_key(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).casefold()


def _check_survey_done(groups: pd.DataFrame, answers: pd.DataFrame, out: list[Problem]) -> None:
    """A group whose participant survey (Enkät = Deltagare) has answers while Enkät genomförd says nej."""
    if answers.empty or groups.empty:
        return
    live = answers.loc[_live(answers)]
    answered = {str(g).casefold() for g, s in zip(live["group_id"], live["survey"], strict=True)
                if _group_key(g) and _fold(s) == PARTICIPANT_SURVEY}
    mask = _live(groups) & ~groups["survey_done"].astype(bool) & groups["group_id"].map(
        lambda g: str(g).casefold() in answered)
    _flag(groups, mask, spec.GROUPS, "survey_done",
          lambda r: f"Enkät genomförd = nej, men bladet Enkätsvar har svar på deltagarenkäten för grupp {r.group_id}. "
                    "Kontrollera kolumnen; målet räknas som den står.", out, drop=False, severity="varning")
