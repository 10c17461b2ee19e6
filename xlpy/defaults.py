"""The seed's goals (METRICS.md) as data, and the metric keys a goal may use."""

from __future__ import annotations

import re
from typing import Any

# -- keys of a Mål row are the Mål sheet's column keys in xlpy.spec.GOALS --
DEFAULT_GOALS: list[dict[str, Any]] = [
    {"goal_id": "M1", "description": "Närvaro på minst 80 %", "metric": "narvaro",
     "comparison": ">=", "target": 0.80, "target_max": None, "active": True},
    {"goal_id": "M2", "description": "Grupper om 5–10 deltagare", "metric": "gruppstorlek",
     "comparison": "mellan", "target": 5, "target_max": 10, "active": True},
    {"goal_id": "M3", "description": "100 % erbjudits 2 praktikplatser", "metric": "praktik_erbjuden",
     "comparison": ">=", "target": 1.0, "target_max": None, "active": True},
    {"goal_id": "M4", "description": "100 % har CV + personligt brev", "metric": "cv_brev",
     "comparison": ">=", "target": 1.0, "target_max": None, "active": True},
    {"goal_id": "M5", "description": "100 % fått vägledning = handlingsplan", "metric": "vagledning",
     "comparison": ">=", "target": 1.0, "target_max": None, "active": True},
    {"goal_id": "M6",
     "description": "75 % av de som fullföljt har en tydlig plan mot arbete eller studier (ej vid ohälsa)",
     "metric": "handlingsplan", "comparison": ">=", "target": 0.75, "target_max": None, "active": True},
    {"goal_id": "M7", "description": "Fått möjlighet att skaffa referenser/kontaktnät", "metric": "referenser",
     "comparison": ">=", "target": 1.0, "target_max": None, "active": True},
    {"goal_id": "M8", "description": "Gruppverksamhet 4 dagar/vecka hela perioden", "metric": "gruppdagar",
     "comparison": ">=", "target": 1.0, "target_max": None, "active": True},
    {"goal_id": "M9", "description": "Enkät genomförd", "metric": "enkat",
     "comparison": ">=", "target": 1, "target_max": None, "active": True},
]

METRIC_KEYS = (
    "narvaro", "gruppstorlek", "praktik_erbjuden", "cv_brev", "vagledning", "handlingsplan",
    "referenser", "gruppdagar", "enkat", "sysselsattning",
)
# -- praktik_deltagande_<P> exists for every placement period P (1, 2, …) --
_PERIOD_METRIC = re.compile(r"praktik_deltagande_([1-9][0-9]*)")
# -- survey goals: enkat_positiva_<FrågeID> and svarsfrekvens_<Enkät> (METRICS.md "Surveys") --
_SURVEY_METRIC = re.compile(r"(enkat_positiva|svarsfrekvens)_\S.*")
# -- follow-up after exit at point M months: svarsandel_efter_M, vidare_efter_M, vidare_bland_nadda_efter_M --
FOLLOWUP_METRIC = re.compile(r"(svarsandel_efter|vidare_efter|vidare_bland_nadda_efter)_([1-9][0-9]*)")
# Metrics whose value is a count, not a share; every other target is a fraction (1.0 = 100 %).
COUNT_METRICS = ("gruppstorlek",)


def is_metric_key(key: str) -> bool:
    """Whether `key` (already lower-case, trimmed) names a metric of METRICS.md."""
    return (key in METRIC_KEYS or _PERIOD_METRIC.fullmatch(key) is not None
            or _SURVEY_METRIC.fullmatch(key) is not None or FOLLOWUP_METRIC.fullmatch(key) is not None)


# -- the survey sheets of a new workbook (WORKBOOK.md): two scales, and a few example questions of our own.
#    They are NOT the national NNS indicators, whose wording is fixed; a user adds the NNS statements they
#    use, word for word. Keys are the column keys of xlpy.spec.SCALES and xlpy.spec.SURVEY_QUESTIONS. --
AGREEMENT_SCALE = "Instämmer"
YES_NO_SCALE = "Ja/Nej"
NOT_COUNTED = "Vet ej"
DEFAULT_SCALES: list[dict[str, Any]] = [
    {"scale": AGREEMENT_SCALE, "alternative": "Instämmer inte alls", "order": 1, "positive": False, "counted": True},
    {"scale": AGREEMENT_SCALE, "alternative": "Instämmer delvis", "order": 2, "positive": False, "counted": True},
    {"scale": AGREEMENT_SCALE, "alternative": "Instämmer till stor del", "order": 3, "positive": True,
     "counted": True},
    {"scale": AGREEMENT_SCALE, "alternative": "Instämmer helt", "order": 4, "positive": True, "counted": True},
    {"scale": AGREEMENT_SCALE, "alternative": NOT_COUNTED, "order": 5, "positive": False, "counted": False},
    {"scale": YES_NO_SCALE, "alternative": "Nej", "order": 1, "positive": False, "counted": True},
    {"scale": YES_NO_SCALE, "alternative": "Ja", "order": 2, "positive": True, "counted": True},
]
# -- FrågeID EGEN-n marks a question as our own example, not an NNS indicator --
OWN_QUESTION_PREFIX = "EGEN-"
DEFAULT_QUESTIONS: list[dict[str, Any]] = [
    {"question_id": "EGEN-1", "survey": "Deltagare", "question": "Jag har fått det stöd jag behövde i gruppen.",
     "scale": AGREEMENT_SCALE, "indicator": "Stöd i gruppen", "active": True},
    {"question_id": "EGEN-2", "survey": "Deltagare",
     "question": "Jag vet vilket mitt nästa steg mot arbete eller studier är.", "scale": AGREEMENT_SCALE,
     "indicator": "Stöd i gruppen", "active": True},
    {"question_id": "EGEN-3", "survey": "Deltagare", "question": "Praktiken gav mig nya kontakter.",
     "scale": YES_NO_SCALE, "indicator": None, "active": True},
    {"question_id": "EGEN-4", "survey": "Personal",
     "question": "Samarbetet med Arbetsförmedlingen har fungerat bra.", "scale": AGREEMENT_SCALE,
     "indicator": None, "active": True},
    {"question_id": "EGEN-5", "survey": "Styrgrupp",
     "question": "Styrgruppen har fått den information den behöver för att styra insatsen.",
     "scale": AGREEMENT_SCALE, "indicator": None, "active": True},
]
SURVEY_NAMES = ("Deltagare", "Personal", "Styrgrupp")
