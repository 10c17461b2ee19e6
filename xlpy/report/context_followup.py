"""The report chapter "Uppföljning efter avslut" as docxtpl context (METRICS.md "Follow-up after exit").

Per follow-up point and omgång: how many were due, how many were reached (always printed beside every
share: "58 % (9 av 12 nådda)"), where the reached are (Status), and the flow from exit. Aggregates only:
the staff's to-do list (`followup_todo`) is never read here.

Small numbers (Minsta redovisade antal N): the counts of one row are partitions of each other (statuses
and "ej nådda" add up to those due, the flow adds up to the reached, Arbete + Studier is the moved-on
count), so a hidden cell in one table could be worked out from another. The rule here is therefore by
row: when suppress.suppression_mask hides any count of a row, every count of that row except "att följa
upp" is hidden (`–`, or `<N` where the count itself is below N), with its shares; when a printed total
row would then give a lone hidden row away, a second row is hidden too. No printed figure is false and
no hidden count can be computed from the printed ones.
"""

from __future__ import annotations

from typing import Any

from xlpy import fmt
from xlpy.core.suppress import count_text, suppression_mask
from xlpy.defaults import FOLLOWUP_METRIC
from xlpy.spec import OUTCOME_CATEGORIES

HIDDEN = "–"
FLOW_KEYS = ("kvar", "tillkommit", "forlorat", "ej_vidare")


def _omgang_key(o: dict[str, Any]) -> int:
    return int(o["key"]) if str(o["key"]).isdigit() else 0


def _row_counts(f: dict[str, Any]) -> list[int]:
    """Every count of one unit's row at one point, in a fixed order (for the suppression decision)."""
    not_reached = f["eligible"] - f["reached"]
    return [f["reached"], f["moved_on"], *[f["statuses"][c] for c in OUTCOME_CATEGORIES], not_reached,
            *[f["flow"][k] for k in FLOW_KEYS]]


def hidden_rows(units: list[dict[str, Any]], total: dict[str, Any] | None, min_count: int) -> list[bool]:
    """Which rows (units, then the total row when given) have their counts hidden (see the module text)."""
    rows = [_row_counts(f) for f in units] + ([_row_counts(total)] if total is not None else [])
    hidden = [any(suppression_mask([r], min_count, row_totals=False, col_totals=False)[0]) for r in rows]
    if total is None or min_count <= 1:
        return hidden
    # -- the total row is the sum of the unit rows: one hidden unit row among shown ones, under a shown
    #    total, is its difference; hide the next smallest row with people in it too --
    changed = True
    while changed:
        changed = False
        unit_hidden = [i for i in range(len(units)) if hidden[i]]
        if len(unit_hidden) == 1 and not hidden[-1]:
            shown = [i for i in range(len(units)) if not hidden[i] and units[i]["reached"] > 0]
            target = min(shown, key=lambda i: (units[i]["eligible"], i)) if shown else len(units)
            hidden[target] = True
            changed = True
    return hidden


def _n(n: int, row_hidden: bool, min_count: int) -> str:
    """A count of a hidden row: `<N` when it is itself below N, else `–`; of a shown row, the number."""
    if not row_hidden:
        return fmt.number(n)
    return count_text(n, True, min_count) if 0 < n < min_count else (HIDDEN if n else "0")


def _share_text(num: int, den: int, hidden: bool) -> str:
    if hidden or den == 0:
        return HIDDEN
    return fmt.percent(num / den)


def _line(label: str, f: dict[str, Any], hidden: bool, min_count: int) -> dict[str, Any]:
    e, r, m = f["eligible"], f["reached"], f["moved_on"]
    eligible = count_text(e, min_count > 1 and 0 < e < min_count, min_count)
    reached = HIDDEN if hidden else f"{fmt.number(r)} av {fmt.number(e)} nådda"
    # -- the response rate is printed beside every share, always --
    beside = "" if hidden else f" ({fmt.number(r)} av {fmt.number(e)} nådda)"
    return {
        "label": label, "eligible": eligible, "reached": reached,
        "response": _share_text(r, e, hidden),
        "moved_on": _n(m, hidden, min_count),
        "share_moved_on": _share_text(m, e, hidden) + (beside if e and not hidden else ""),
        "share_among_reached": _share_text(m, r, hidden),
        "statuses": [_n(f["statuses"][c], hidden, min_count) for c in OUTCOME_CATEGORIES],
        "not_reached": _n(e - r, hidden, min_count),
        "flow": [_n(f["flow"][k], hidden, min_count) for k in FLOW_KEYS],
        "reached_n": _n(r, hidden, min_count),
        "hidden": hidden,
        "response_value": None if hidden or not e else r / e,
        "moved_value": None if hidden or not e else m / e,
    }


def followup_context(results: dict[str, Any], table_no: int, figure_no: int) -> tuple[dict[str, Any], int, int]:
    """The chapter's context and the next free table and figure numbers.

    Context: {"points": [{"months", "heading", "text", "rows", "total", "show_total", "pending_text",
    "table_no", "status_table_no", "flow_table_no", "figure_no", "chart"}], "intro", "any", "note"}.
    """
    min_count = int(results["parameters"].get("min_count") or 0)
    levels = results["levels"]
    project = next(iter(levels.get("project", {}).values()), None)
    omgangar = sorted(levels.get("omgang", {}).values(), key=_omgang_key)
    months = [int(m) for m in (project or {}).get("followup", {})]
    spoken = fmt_points(months)
    intro = (f"Deltagarna följs upp {spoken} efter avslutet (deltagarens Slutdatum, annars gruppens). En "
             "deltagare räknas vid ett mättillfälle först när det har inträffat, senast rapportdatum. Den som "
             "inte har nåtts räknas som inte vidare; därför står alltid hur många som nåddes bredvid andelen. "
             "Läget vid avslut är det senaste utfallet i bladet Utfall.") if months else ""
    points = []
    for m in months:
        key = str(m)
        shown = [o for o in omgangar if o["followup"][key]["eligible"] > 0]
        pending = [o for o in omgangar if o["followup"][key]["eligible"] == 0 and o["followup"][key]["not_yet_due"]]
        total = project["followup"][key] if project else None
        show_total = len(shown) > 1
        hidden = hidden_rows([o["followup"][key] for o in shown], total if show_total else None, min_count)
        rows = [_line(o["label"], o["followup"][key], h, min_count) for o, h in zip(shown, hidden, strict=False)]
        total_line = (_line("Hela projektet", total, hidden[-1] if show_total else hidden[0], min_count)
                      if total is not None and shown else None)
        if shown and total is not None and total_line is not None and not total_line["hidden"]:
            t, f = total_line, total
            text = (f"Efter {m} månader skulle {t['eligible']} deltagare följas upp och {t['reached_n']} av dem "
                    f"nåddes. {t['moved_on']} var i arbete eller studier: {fmt.percent(f['moved_on'] / f['eligible'])} "
                    f"av alla som skulle följas upp ({t['reached']}) och {t['share_among_reached']} av de nådda.")
        elif shown and total_line is not None:
            text = (f"Efter {m} månader skulle {total_line['eligible']} deltagare följas upp; antalen är för små "
                    "för att redovisas.")
        else:
            text = f"Ingen deltagare har ännu nått mättillfället {m} månader efter avslut."
        names = [o["label"] for o in pending]
        pending_text = (f"{_join(names)}: mättillfället har inte inträffat ännu." if names else "")
        point = {"months": str(m), "heading": f"Efter {m} månader", "text": text, "rows": rows,
                 "total": total_line, "show_total": show_total, "pending_text": pending_text,
                 "any": bool(shown), "table_no": "", "status_table_no": "", "flow_table_no": "",
                 "figure_no": "", "chart": ""}
        if shown:
            point.update(table_no=str(table_no), status_table_no=str(table_no + 1),
                         flow_table_no=str(table_no + 2), figure_no=str(figure_no))
            table_no += 3
            figure_no += 1
        points.append(point)
    note = (f"Antal under {min_count} visas som <{min_count}; där ett antal annars skulle gå att räkna ut visas "
            "hela radens antal som – (dolt för att skydda små tal)." if min_count > 1 else "")
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


def reached_note(unit: dict[str, Any], metric: str, min_count: int = 0) -> str:
    """For a follow-up goal's value in the goal matrix and goal lines: ` (9 av 12 nådda)`, since the report
    prints how many were reached beside every follow-up share; "" for other metrics, without anyone due,
    or when a count is below Minsta redovisade antal (the share itself is then hidden too)."""
    m = FOLLOWUP_METRIC.fullmatch(metric)
    if m is None:
        return ""
    f = unit.get("followup", {}).get(m[2])
    if not f or not f["eligible"]:
        return ""
    if min_count > 1 and any(0 < n < min_count for n in (f["reached"], f["eligible"])):
        return ""
    return f" ({fmt.number(f['reached'])} av {fmt.number(f['eligible'])} nådda)"
