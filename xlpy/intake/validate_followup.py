"""Checks of the Uppföljning sheet (follow-up after exit, METRICS.md "Follow-up after exit").

Runs inside xlpy.intake.validate.validate after DeltagarID has been linked to Deltagare, on the frame
xlpy.intake.reading.read_table produced (typed columns, `row`, `_drop`). Every bad row is a Kontroll problem
naming sheet, row and column; rows that cannot be counted are dropped, never guessed at:
- Mättillfälle not one of the setting `Uppföljning efter avslut (månader)`;
- a second row for the same participant and point (points at the first);
- Kontakt Nådd without a Status, or a Status although the participant was not reached;
- a Datum before the participant's exit (Slutdatum, else the group's Slutdatum).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from xlpy import spec
from xlpy.defaults import FOLLOWUP_METRIC
from xlpy.model import Problem


def check_followup(frame: pd.DataFrame, participants: pd.DataFrame, groups: pd.DataFrame,
                   points: Sequence[int], out: list[Problem]) -> None:
    """Flag and drop the bad rows of `frame` (the Uppföljning sheet) in place.

    participants: the Deltagare frame (with `_drop`), groups: the usable groups (group_id, start, end),
    points: the follow-up points of the settings, in months.
    """
    # -- helpers from validate; imported here because validate imports this module --
    from xlpy.intake.validate import _duplicates, _flag, _live, _show

    sheet = spec.FOLLOWUP
    if frame.empty:
        return
    allowed = sorted(set(int(p) for p in points))
    shown = "; ".join(str(p) for p in allowed)
    unknown_point = _live(frame) & frame["point"].notna() & ~frame["point"].isin(allowed)
    _flag(frame, unknown_point, sheet, "point",
          lambda r: f"Mättillfälle {_show(r.point)} finns inte bland mättillfällena i Inställningar "
                    f"(Uppföljning efter avslut (månader): {shown}). Raden har inte räknats med.",
          out, drop=True)
    _duplicates(frame, ["participant_id", "point"], sheet, "point", "Samma deltagare och mättillfälle", out)
    live = _live(frame)
    reached = frame["contact"] == spec.CONTACT_REACHED
    has_status = frame["status"].notna()
    _flag(frame, live & reached & ~has_status, sheet, "status",
          lambda r: "Status saknas: när Kontakt är Nådd ska Status vara Arbete, Studier, Planering eller Annat. "
                    "Raden har inte räknats med.", out, drop=True)
    _flag(frame, live & ~reached & frame["contact"].notna() & has_status, sheet, "status",
          lambda r: f"Status {_show(r.status)} är ifylld fast Kontakt är {_show(r.contact)}; Status ska bara "
                    "fyllas i när deltagaren är nådd. Rätta Kontakt eller töm Status. Raden har inte räknats med.",
          out, drop=True)
    exits = exit_dates(participants, groups)
    exit_of = frame["participant_id"].map(lambda p: exits.get(p))
    early = np.array([bool(_live(frame).iloc[i]) and d is not None and e is not None and d < e
                      for i, (d, e) in enumerate(zip(frame["date"], exit_of, strict=True))], dtype=bool)
    _flag(frame.assign(exit_date=exit_of), pd.Series(early, index=frame.index), sheet, "date",
          lambda r: f"Datum {_show(r.date)} ligger före deltagarens avslut {_show(r.exit_date)}; en uppföljning "
                    "efter avslut kan inte göras före avslutet. Raden har inte räknats med.", out, drop=True)
    frame.loc[pd.Series(early, index=frame.index), "_drop"] = True


def check_goal_points(goals: pd.DataFrame, points: Sequence[int], out: list[Problem]) -> None:
    """A warning for each live Mål row on a follow-up metric (e.g. vidare_efter_12) whose point is not
    one of the setting's points: the goal is kept, with no basis, until the setting names that point."""
    from xlpy.intake.validate import _flag, _live, _show

    if goals.empty:
        return
    allowed = sorted(set(int(p) for p in points))
    shown = "; ".join(str(p) for p in allowed)

    def off(metric: Any) -> bool:
        m = FOLLOWUP_METRIC.fullmatch(metric) if isinstance(metric, str) else None
        return m is not None and int(m[2]) not in allowed

    mask = _live(goals) & goals["metric"].map(off).astype(bool)
    _flag(goals, mask, spec.GOALS, "metric",
          lambda r: f"Måttet {_show(r.metric)} gäller ett mättillfälle som inte står i Inställningar "
                    f"(Uppföljning efter avslut (månader): {shown}); målet får Underlag saknas tills "
                    "mättillfället läggs till där.", out, drop=False, severity="varning")


def exit_dates(participants: pd.DataFrame, groups: pd.DataFrame) -> dict[Any, Any]:
    """DeltagarID -> exit date (the participant's Slutdatum, else the group's Slutdatum; None if neither)
    for the live rows of the Deltagare frame."""
    live = participants.loc[~participants["_drop"]] if "_drop" in participants else participants
    group_end = dict(zip(groups["group_id"], groups["end"], strict=True))
    out: dict[Any, Any] = {}
    for pid, gid, end in zip(live["participant_id"], live["group_id"], live["end"], strict=True):
        own = None if end is None or (isinstance(end, float) and np.isnan(end)) else end
        out.setdefault(pid, own if own is not None else group_end.get(gid))
    return out
