"""The report chapter "Uppföljning efter avslut" as docxtpl context (METRICS.md "Follow-up after exit").

Per follow-up point and omgång: how many were due, how many were reached (always printed beside every
share: "58 % (9 av 12 nådda)"), where the reached are (Status), and the flow from exit. Aggregates only:
the staff's to-do list (`followup_todo`) is never read here.

Small numbers (Minsta redovisade antal N): every count is an entry of the report's one suppression
ledger (report/counts_followup.py, with the sums between the chapter's tables, the omgångar and the
project, and the goal values), so the chapter prints what the report's Decision says: the number, `<N`,
or `–` (dolt för att skydda små tal); a share is hidden when its numerator or denominator is.
"""

from __future__ import annotations

from typing import Any

from xlpy import fmt
from xlpy.core.suppress import PROTECT_NOTE, PROTECTED_TEXT, Decision, Ledger, decide, withheld_note
from xlpy.defaults import FOLLOWUP_METRIC
from xlpy.report.counts_followup import (
    FIELDS,
    FLOW_KEYS,
    followup_ledger,
    followup_points,
    fu_key,
    total_unit,
)
from xlpy.spec import OUTCOME_CATEGORIES

HIDDEN = PROTECTED_TEXT


def chapter_decision(results: dict[str, Any]) -> Decision:
    """The chapter's counts decided on their own (for callers without the report's Decision)."""
    led = Ledger()
    followup_ledger(led, results)
    return decide(led, int(results["parameters"].get("min_count") or 0))


def _share_text(d: Decision, num: Any, den: Any) -> str:
    if d.hidden(num, den) or d.values[den] == 0:
        return HIDDEN
    return fmt.percent(d.values[num] / d.values[den])


def _line(label: str, months: int, level: str, key: str, d: Decision) -> dict[str, Any]:
    """One row of the chapter's three tables (the unit `level`/`key` at `months`), in the Decision's text."""
    def k(field: str) -> Any:
        return fu_key(months, level, key, field)

    e, r, m = k("eligible"), k("reached"), k("moved")
    both = not d.hidden(r, e)
    reached = f"{d.text(r)} av {d.text(e)} nådda" if both else d.text(r)
    # -- the response rate is printed beside every share, always (where both counts are shown) --
    beside = f" ({d.text(r)} av {d.text(e)} nådda)" if both else ""
    # -- the share moved on is printed only with the response rate beside it (METRICS.md: always) --
    moved_share = _share_text(d, m, e) if both else HIDDEN
    hidden = [x for x in (e, r, m) if d.hidden(x)]
    return {
        "label": label, "eligible": d.text(e), "reached": reached,
        "response": _share_text(d, r, e),
        "moved_on": d.text(m),
        "share_moved_on": moved_share + (beside if moved_share != HIDDEN else ""),
        "share_among_reached": _share_text(d, m, r),
        "statuses": [d.text(k(f"status:{c}")) for c in OUTCOME_CATEGORIES],
        "not_reached": d.text(k("not_reached")),
        "flow": [d.text(k(f"flow:{x}")) for x in FLOW_KEYS],
        "reached_n": d.text(r),
        "hidden": bool(hidden),
        "response_value": None if d.hidden(r, e) or not d.values[e] else d.values[r] / d.values[e],
        "moved_value": None if d.hidden(m, e, r) or not d.values[e] else d.values[m] / d.values[e],
    }


def _prose(months: int, level: str, key: str, d: Decision) -> str:
    """The point's summary of the project's due, reached and moved-on counts, in words where hidden."""
    def k(field: str) -> Any:
        return fu_key(months, level, key, field)

    e, r, m = k("eligible"), k("reached"), k("moved")
    pe, pr, pm = d.phrase(e), d.phrase(r), d.phrase(m)
    if pe is None:
        text = f"Efter {months} månader skulle deltagare följas upp; antalet är {PROTECT_NOTE}"
    else:
        text = f"Efter {months} månader skulle {pe} deltagare följas upp"
    text += f" och {pr} av dem nåddes." if pr is not None else (
        f"; hur många som nåddes är {PROTECT_NOTE}." if pe is not None else ", liksom hur många som nåddes.")
    if pm is None:
        return text + f" Hur många som var i arbete eller studier är {PROTECT_NOTE}."
    moved = pm[0].upper() + pm[1:]
    if d.hidden(m, e, r):
        return text + (f" {moved} var i arbete eller studier; andelarna redovisas inte, eftersom de bygger på "
                       "dolda antal.")
    return text + (f" {moved} var i arbete eller studier: {fmt.percent(d.values[m] / d.values[e])} av alla som "
                   f"skulle följas upp ({d.text(r)} av {d.text(e)} nådda) och {_share_text(d, m, r)} av de nådda.")


def followup_context(results: dict[str, Any], table_no: int, figure_no: int, d: Decision | None = None
                     ) -> tuple[dict[str, Any], int, int]:
    """The chapter's context and the next free table and figure numbers. `d`: the report's one
    suppression decision (report/counts.py); without it the chapter's counts are decided on their own.

    Context: {"points": [{"months", "heading", "text", "rows", "total", "show_total", "pending_text",
    "table_no", "status_table_no", "flow_table_no", "show_chart", "figure_no", "chart"}], "intro", "any", "note"}.
    """
    if d is None:
        d = chapter_decision(results)
    project_key = next(iter(results["levels"].get("project", {})), "all")
    plan = followup_points(results)
    months = [p["months"] for p in plan]
    spoken = fmt_points(months)
    intro = (f"Deltagarna följs upp {spoken} efter avslutet (deltagarens Slutdatum, annars gruppens). En "
             "deltagare räknas vid ett mättillfälle först när det har inträffat, senast rapportdatum. Den som "
             "inte har nåtts räknas som inte vidare; därför står alltid hur många som nåddes bredvid andelen. "
             "Läget vid avslut är det senaste utfallet i bladet Utfall.") if months else ""
    points = []
    any_hidden = False
    for p in plan:
        m, shown, pending, total, show_total = p["months"], p["shown"], p["pending"], p["total"], p["show_total"]
        rows = [_line(o["label"], m, "omgang", o["key"], d) for o in shown]
        total_level, total_key = total_unit(p, project_key)
        if total_level == "project" and fu_key(m, "project", project_key, "eligible") not in d.values:
            total_level, total_key = "omgang", str(shown[0]["key"]) if shown else ""
        total_line = (_line("Hela projektet", m, total_level, total_key, d)
                      if total is not None and shown else None)
        units = [("omgang", o["key"]) for o in shown] + ([(total_level, total_key)] if total_line else [])
        any_hidden |= any(d.hidden(fu_key(m, lvl, key, f)) for lvl, key in units for f in FIELDS)
        if shown and total_line is not None:
            text = _prose(m, total_level, total_key, d)
        else:
            text = f"Ingen deltagare har ännu nått mättillfället {m} månader efter avslut."
        names = [o["label"] for o in pending]
        pending_text = (f"{_join(names)}: mättillfället har inte inträffat ännu." if names else "")
        # -- a chart whose every share is hidden would be empty bars labelled `dolt`: leave it out, say why --
        bars = [*rows, *([total_line] if show_total and total_line else [])]
        show_chart = any(r["response_value"] is not None or r["moved_value"] is not None for r in bars)
        if shown and not show_chart:
            text += " Inget diagram visas för mättillfället, eftersom alla dess andelar bygger på dolda antal."
        point = {"months": str(m), "heading": f"Efter {m} månader", "text": text, "rows": rows,
                 "total": total_line, "show_total": show_total, "pending_text": pending_text,
                 "any": bool(shown), "show_chart": bool(shown) and show_chart, "table_no": "",
                 "status_table_no": "", "flow_table_no": "", "figure_no": "", "chart": ""}
        if shown:
            point.update(table_no=str(table_no), status_table_no=str(table_no + 1),
                         flow_table_no=str(table_no + 2))
            table_no += 3
        if point["show_chart"]:
            point["figure_no"] = str(figure_no)
            figure_no += 1
        points.append(point)
    n = d.min_count
    note = (f"Antal under {n} visas som <{n}; – = {PROTECT_NOTE} (ett antal som annars skulle gå att räkna "
            "ut ur tabellernas andra tal)." + withheld_note(d, (k for k in d.states if isinstance(k, tuple) and k[0] == "fu"))
            if any_hidden else "")
    return ({"intro": intro, "points": points, "any": bool(months), "note": note}, table_no, figure_no)


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]


def fmt_points(months: list[int]) -> str:
    """`3 och 6 månader`, `6 månader`."""
    if not months:
        return ""
    parts = [str(m) for m in months]
    text = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " och " + parts[-1]
    return f"{text} månader"


def reached_note(unit: dict[str, Any], metric: str, min_count: int = 0, d: Decision | None = None) -> str:
    """For a follow-up goal's value in the goal matrix and goal lines: ` (9 av 12 nådda)`, since the report
    prints how many were reached beside every follow-up share; "" for other metrics, without anyone due,
    or when either count is hidden (by the report's Decision `d`, else when below Minsta redovisade antal;
    the share itself is then hidden too)."""
    m = FOLLOWUP_METRIC.fullmatch(metric)
    if m is None:
        return ""
    f = unit.get("followup", {}).get(m[2])
    if not f or not f["eligible"]:
        return ""
    keys = [fu_key(m[2], unit.get("level", ""), unit.get("key", ""), x) for x in ("reached", "eligible")]
    if d is not None and all(k in d.values for k in keys):
        if d.hidden(*keys):
            return ""
    elif min_count > 1 and any(0 < n < min_count for n in (f["reached"], f["eligible"])):
        return ""
    return f" ({fmt.number(f['reached'])} av {fmt.number(f['eligible'])} nådda)"
