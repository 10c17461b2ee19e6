"""Build InputData straight from rows (bypassing the reader), so core tests read like METRICS.md."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from xlpy.model import InputData, Settings
from xlpy.spec import SHEETS_BY_KEY

D = dt.date

SEED_GOALS = [
    ("M1", "narvaro", ">=", 0.80, None),
    ("M2", "gruppstorlek", "mellan", 5, 10),
    ("M3", "praktik_erbjuden", ">=", 1.0, None),
    ("M4", "cv_brev", ">=", 1.0, None),
    ("M5", "vagledning", ">=", 1.0, None),
    ("M6", "handlingsplan", ">=", 0.75, None),
    ("M7", "referenser", ">=", 1.0, None),
    ("M8", "gruppdagar", ">=", 1.0, None),
    ("M9", "enkat", ">=", 1, None),
]


def frame(sheet_key: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    """A DataFrame with every column of the sheet (missing ones empty) and Excel row numbers from 3."""
    cols = [c.key for c in SHEETS_BY_KEY[sheet_key].columns]
    df = pd.DataFrame([{c: r.get(c) for c in cols} for r in rows], columns=cols)
    df["row"] = range(3, 3 + len(rows))
    return df


def make_input(settings: Settings | None = None, **sheets: list[dict[str, Any]]) -> InputData:
    goals = sheets.pop("goals", None)
    if goals is None:
        goals = [
            {"goal_id": i, "description": i, "metric": m, "comparison": c, "target": t, "target_max": mx,
             "active": True}
            for i, m, c, t, mx in SEED_GOALS
        ]
    keys = ["groups", "staff", "participants", "attendance", "internships", "outcomes", "statistics", "texts", "followup"]
    return InputData(
        settings=settings or Settings(report_end=D(2020, 2, 1), report_start=D(2019, 2, 1)),
        goals=frame("goals", goals),
        **{k: frame(k, sheets.get(k, [])) for k in keys},
    )


AUTUMN_START, AUTUMN_END = D(2019, 9, 2), D(2019, 12, 19)


def group(gid: str = "K2", municipality: str = "Klippan", no: int = 2, start: dt.date = AUTUMN_START,
          end: dt.date = AUTUMN_END, weeks: int = 16, internship_weeks: int = 4, days: int = 4,
          survey: bool = True) -> dict[str, Any]:
    return {"group_id": gid, "municipality": municipality, "group_no": no, "term": "höst", "start": start,
            "end": end, "weeks": weeks, "internship_weeks": internship_weeks, "days_per_week": days,
            "survey_done": survey}


def person(pid: str, gid: str = "K2", **kw: Any) -> dict[str, Any]:
    base = {"participant_id": pid, "group_id": gid, "start": None, "end": None, "cv": True, "letter": True,
            "guidance": True, "action_plan": False, "ill_health": False, "survey_answered": True}
    base.update(kw)
    return base
