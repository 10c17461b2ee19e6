"""The report's period-true parts (METRICS.md, "The report period", "Results over time"): which groups a
chapter is about, the planned groups, the comparison with the previous period, the chapter "Resultat över
tid", and the words that depend on the period (årsrapport or slutrapport).

Every count goes through xlpy.core.suppress; builds only text and lists for docxtpl.
"""

from __future__ import annotations

from typing import Any

from xlpy import fmt
from xlpy.core import overtime
from xlpy.core.period import STATUS_ENDED, STATUS_ONGOING
from xlpy.core.suppress import count_text, suppression_mask_lines

SECONDARY_NOTE = "– = dolt för att skydda små tal."


def in_period(unit: dict[str, Any]) -> bool:
    """Whether a unit belongs to the scope *Perioden*: status Avslutad or Pågår in P (a results dict from
    before period_status existed counts every unit)."""
    return unit.get("period_status", STATUS_ENDED) in (STATUS_ENDED, STATUS_ONGOING)


def words(results: dict[str, Any]) -> dict[str, str]:
    """Period-dependent words: the report's kind (ÅRSRAPPORT or SLUTRAPPORT) and how the period is named."""
    final = bool(results["meta"].get("final_report"))
    return {
        "kind": "SLUTRAPPORT" if final else "ÅRSRAPPORT",
        "title": "Slutrapport" if final else "Årsrapport",
        "period": "hela projektperioden" if final else "rapportperioden",
    }


def scope_note(results: dict[str, Any], end: str) -> str:
    """The label of the two scopes, said once where the period's chapters begin."""
    return (f"Organisation, metod och måluppfyllelse gäller perioden: de grupper som avslutades under "
            f"{words(results)['period']} eller pågick vid dess slut ({end}). Den socioekonomiska analysen av alla "
            "deltagare och kapitlet Resultat över tid gäller sedan projektstart: alla grupper som startat "
            "senast rapportperiodens slut.")


def planned(results: dict[str, Any]) -> list[str]:
    """`Klippan grupp 4: planerad start 1 mars 2021` for each group Ej startad in P."""
    return [f"{g['label']}: planerad start {fmt.date_long(g.get('start'))}"
            + (f", slut {fmt.date_long(g['end'])}" if g.get("end") else "")
            for g in results.get("planned_groups", [])]


def _count(n: int | None, min_count: int) -> str:
    if n is None:
        return "–"
    return count_text(n, bool(min_count) and 0 < n < min_count, min_count)


def _share(unit: dict[str, Any], metric: str, min_count: int) -> str:
    value = unit["metrics"].get(metric)
    basis = unit.get("basis", {}).get(metric) or []
    if min_count > 1 and any(0 < int(x) < min_count for x in basis[:2]):
        return "dolt"
    return fmt.percent(value, 1 if metric == "narvaro" else 0)


def comparison(results: dict[str, Any], table_no: int, min_count: int) -> dict[str, Any]:
    """This period beside the previous one (pooled over P''s ended groups, as of P''s end): attendance,
    started, completers, share moved on and each goal's status. `show` False when there is no previous
    period."""
    lv = results["levels"]
    prev = (lv.get("previous_period") or {}).get("all")
    cur = (lv.get("period") or {}).get("all")
    if prev is None or cur is None:
        return {"show": False, "rows": [], "table_no": "", "title": "", "text": ""}
    rows = [
        {"label": "Grupper", "current": ", ".join(lv["group"][g]["label"] for g in cur["group_ids"]
                                                  if g in lv["group"]),
         "previous": fmt.number(len(prev["group_ids"])) + " avslutade"},
        {"label": "Startade deltagare", "current": _count(cur["counts"]["started"], min_count),
         "previous": _count(prev["counts"]["started"], min_count)},
        {"label": "Fullföljde", "current": _count(cur["counts"]["completers"], min_count),
         "previous": _count(prev["counts"]["completers"], min_count)},
        {"label": "Närvaro", "current": _share(cur, "narvaro", 0), "previous": _share(prev, "narvaro", 0)},
        {"label": "Andel vidare till arbete eller studier", "current": _share(cur, "sysselsattning", min_count),
         "previous": _share(prev, "sysselsattning", min_count)},
    ]
    for goal in results.get("goals", []):
        if not goal.get("active", True):
            continue
        gid = goal["id"]
        rows.append({"label": f"{gid} {goal.get('description') or goal['metric']}",
                     "current": cur["goals"].get(gid, {}).get("status", "–"),
                     "previous": prev["goals"].get(gid, {}).get("status", "–")})
    p = results["meta"].get("previous_period") or {}
    ongoing = cur.get("period_status") == STATUS_ONGOING
    text = (f"Tabellen jämför perioden med föregående period ({fmt.date_long(p.get('start'))} – "
            f"{fmt.date_long(p.get('end'))}, lika lång och slutar dagen före perioden). Föregående period räknas "
            "på de grupper som avslutades under den, med underlaget per dess slutdatum.")
    if ongoing:
        text += " Periodens siffror omfattar även grupper som pågår; deras mål står som Pågår tills de avslutats."
    return {"show": True, "rows": rows, "table_no": str(table_no), "text": text,
            "title": "Perioden jämförd med föregående period"}


def previous_goal_cells(results: dict[str, Any]) -> dict[str, str]:
    """Goal id -> the previous period's status, for the goal matrix's extra column ({} without one)."""
    prev = ((results["levels"].get("previous_period") or {}).get("all")) or {}
    return {gid: g["status"] for gid, g in prev.get("goals", {}).items()}


# -- the report's Över tid table: fewer columns than the sheet, so it fits a portrait page --
REPORT_KEYS = ("started", "completers", "narvaro", "arbete", "studier", "planering", "annat", "ej_registrerat",
               "sysselsattning")
_SHORT = {"started": "Start", "completers": "Fullf.", "narvaro": "Närv.", "arbete": "Arb.",
          "studier": "Stud.", "planering": "Plan.", "annat": "Ann.", "ej_registrerat": "Ej reg.",
          "sysselsattning": "Vidare"}


def _summary_rows(results: dict[str, Any], rows_: list[overtime.OverTimeRow]) -> list[overtime.OverTimeRow]:
    """Över tid's rows for a summarised report: every omgång (in start order, also one of a single group),
    the groups without Gruppnummer, then the municipalities and Sedan projektstart as in the sheet."""
    lv = results["levels"]
    groups = lv.get("group", {})
    in_omgang = {g for o in lv.get("omgang", {}).values() for g in o["group_ids"]}
    first: dict[str, int] = {}
    for i, r in enumerate(rows_):
        if r.kind == "group":
            first.setdefault(r.unit["key"], i)
    out = []
    for o in sorted(lv.get("omgang", {}).values(),
                    key=lambda o: min((first.get(g, 10**9) for g in o["group_ids"]), default=10**9)):
        if any(g in groups for g in o["group_ids"]):
            out.append(overtime.OverTimeRow("omgang", o["label"], o))
    out += [r for r in rows_ if r.kind == "group" and r.unit["key"] not in in_omgang]
    return out + [r for r in rows_ if r.kind in ("municipality", "project")]


def over_time(results: dict[str, Any], table_no: int, figure_no: int, min_count: int,
              summarised: bool = False) -> dict[str, Any]:
    """The chapter "Resultat över tid": one table (groups since the start, subtotals, Sedan projektstart)
    with small counts suppressed across every total the table prints, and a chart slot per municipality.

    summarised (a förbund-size report, report/summary.py): the table holds the omgångar, municipalities
    and Sedan projektstart only (each group is in the sheet Över tid), and one chart shows the omgångar."""
    rows_ = overtime.rows(results)
    if summarised:
        rows_ = _summary_rows(results, rows_)
    cols = {c.key: c for c in overtime.columns(results)}
    counts = [k for k in REPORT_KEYS if cols[k].count]
    # -- one value per (row, count column); lines tie each total to its parts --
    values: list[int] = []
    index: dict[tuple[int, str], int] = {}
    for i, r in enumerate(rows_):
        for k in counts:
            index[(i, k)] = len(values)
            values.append(int(cols[k].value(r.unit) or 0))
    lines: list[list[int]] = []
    parts = [k for k in counts if k in overtime.OUTCOME_KEYS]
    for i, _ in enumerate(rows_):
        lines.append([index[(i, "started")]] + [index[(i, k)] for k in parts])  # started = sum of outcomes
    group_rows = {r.unit["key"]: i for i, r in enumerate(rows_) if r.kind == "group"}
    for i, r in enumerate(rows_):
        if r.kind == "group":
            continue
        members = [group_rows[g] for g in r.unit["group_ids"] if g in group_rows]
        for k in counts:
            lines.append([index[(i, k)]] + [index[(m, k)] for m in members])
    mun_rows = [i for i, r in enumerate(rows_) if r.kind == "municipality"]
    project = [i for i, r in enumerate(rows_) if r.kind == "project"]
    if mun_rows and project:
        for k in counts:
            lines.append([index[(project[0], k)]] + [index[(m, k)] for m in mun_rows])
    if summarised and project:
        # -- the omgångar (and any group without one) add up to Sedan projektstart too --
        first_level = [i for i, r in enumerate(rows_) if r.kind in ("omgang", "group")]
        for k in counts:
            lines.append([index[(project[0], k)]] + [index[(m, k)] for m in first_level])
    mask = suppression_mask_lines(values, lines, min_count)
    secondary = False
    hidden_keys: list[str] = []
    table = []
    for i, r in enumerate(rows_):
        cells = []
        for k in REPORT_KEYS:
            c = cols[k]
            if c.count:
                v = values[index[(i, k)]]
                if mask[index[(i, k)]]:
                    secondary |= not 0 < v < min_count
                    # -- `<N` only for a true 1..N−1; a hidden 0 protects another cell and reads `–` --
                    cells.append(f"<{min_count}" if 0 < v < min_count else "–")
                else:
                    cells.append(fmt.number(v))
            elif k == "sysselsattning":
                hidden = any(mask[index[(i, x)]] for x in ("started", "arbete", "studier"))
                moved = values[index[(i, "arbete")]] + values[index[(i, "studier")]]
                hidden |= min_count > 1 and 0 < moved < min_count
                cells.append("dolt" if hidden else fmt.percent(c.value(r.unit)))
                if hidden and r.kind == ("omgang" if summarised else "group"):
                    hidden_keys.append(r.unit["key"])
            else:
                cells.append(fmt.percent(c.value(r.unit), 1))
        status = r.unit.get("period_status") or ""
        label = r.label + (f" ({status.lower()})" if r.kind == "group" and status else "")
        table.append({"label": label, "bold": r.kind != "group", "cells": cells})
    charts: list[dict[str, Any]] = [{"municipality": mun, "chart": "", "figure_no": str(figure_no + j),
               "title": f"{mun}: andel vidare till arbete eller studier och närvaro per grupp"}
              for j, mun in enumerate(overtime.municipality_series(results))]
    if summarised:
        keys = [r.unit["key"] for r in rows_ if r.kind == "omgang"]
        charts = [{"municipality": "", "omgangar": keys, "chart": "", "figure_no": str(figure_no),
                   "title": "Andel vidare till arbete eller studier och närvaro per omgång, alla kommuner"}
                  ] if keys else []
    return {
        "show": bool(rows_), "table_no": str(table_no), "headers": ["Grupp", *(_SHORT[k] for k in REPORT_KEYS)],
        "intro": ("Resultaten för varje omgång sedan projektstart, i startordning, och per kommun; varje grupps "
                  "resultat finns i arbetsbokens blad Över tid." if summarised else
                  "Resultaten för varje grupp sedan projektstart, i startordning, med summor per omgång och per "
                  "kommun. Status inom parentes gäller rapportperioden."),
        "title": "Resultat per omgång och kommun sedan projektstart" if summarised else
                 "Resultat per grupp sedan projektstart",
        "rows": table, "charts": charts, "hidden_shares": [{"key": k} for k in hidden_keys],
        "note": ("Start = startade, Fullf. = fullföljde, Närv. = närvaro, Arb. = arbete, Stud. = studier, "
                 "Plan. = planering, Ann. = annat, Ej reg. = utfall ej registrerat, "
                 "Vidare = andel som gått vidare till arbete eller studier. Siffrorna gäller per rapportperiodens "
                 "slut." + (" " + SECONDARY_NOTE if secondary else "")),
    }
