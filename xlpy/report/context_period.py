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
from xlpy.core.suppress import PROTECTED, WITHHELD, Decision, Key, Ledger, decide, withheld_note
from xlpy.spec import NO_OUTCOME, OUTCOME_CATEGORIES

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


COMPARED = ("period", "previous_period")


def comparison_ledger(led: Ledger, results: dict[str, Any]) -> None:
    """Register the comparison table's counts (Startade, Fullföljde and the moved-on share's basis of the
    period and the previous one) in the report's ledger `led` (report/counts.py), with the sums a reader
    can use: the period is the sum of its groups, whose counts the Resultat tables print. The previous
    period is counted as of its own end, so its sums over the groups are kept only where they hold."""
    lv = results["levels"]
    units = {level: (lv.get(level) or {}).get("all") for level in COMPARED}
    if any(u is None for u in units.values()):
        return  # -- no comparison table --
    for level, u in units.items():
        assert u is not None
        c = u["counts"]
        key = (level, "all")
        started = led.add(("started", *key), int(c["started"]))
        completers = led.add(("completers", *key), int(c.get("completers") or 0))
        rest = led.values[started] - led.values[completers]
        if rest >= 0:
            led.line(started, [completers, led.add(("not_completed", *key), rest, False)])
        gids = [g for g in u.get("group_ids", []) if ("started", "group", g) in led.values]
        if gids:
            led.line(started, [("started", "group", g) for g in gids], strict=False)
            led.line(completers, [("completers", "group", g) for g in gids], strict=False)
        basis = (u.get("basis") or {}).get("sysselsattning")
        if basis:
            num = led.add(("num", "sysselsattning", *key), int(basis[0]))
            den = led.add(("den", "sysselsattning", *key), int(basis[1]))
            # -- the share of the Startade printed above: the same people --
            led.line(den, [started], strict=False)
            if all(("num", "sysselsattning", "group", g) in led.values for g in gids) and gids:
                led.line(num, [("num", "sysselsattning", "group", g) for g in gids], strict=False)
                led.line(den, [("den", "sysselsattning", "group", g) for g in gids], strict=False)


def _share(unit: dict[str, Any], metric: str, d: Decision | None) -> str:
    """A unit's share for the comparison table; `dolt` where the decision hides its basis or the Startade
    printed above it (METRICS.md: a share whose numerator or denominator is hidden is hidden)."""
    value = unit["metrics"].get(metric)
    key = (unit.get("level", ""), "all")
    if d is not None and d.hidden(("num", metric, *key), ("den", metric, *key), ("started", *key)):
        return "dolt"
    return fmt.percent(value, 1 if metric == "narvaro" else 0)


def comparison(results: dict[str, Any], table_no: int, d: Decision) -> dict[str, Any]:
    """This period beside the previous one (pooled over P''s ended groups, as of P''s end): attendance,
    started, completers, share moved on and each goal's status, printed as the report's one suppression
    decision `d` says (comparison_ledger registers the counts). `show` False when there is no previous
    period."""
    lv = results["levels"]
    prev = (lv.get("previous_period") or {}).get("all")
    cur = (lv.get("period") or {}).get("all")
    if prev is None or cur is None:
        return {"show": False, "rows": [], "table_no": "", "title": "", "text": ""}
    known = Ledger(values=dict(d.values))
    comparison_ledger(known, results)
    if len(known.values) != len(d.values):
        # -- a count the decision never saw would print unsuppressed: refuse rather than print it --
        raise ValueError("Jämförelse: the report's ledger lacks the table's counts (report/counts.py)")

    def count(level: str, kind: str) -> str:
        return d.text((kind, level, "all"))

    rows = [
        {"label": "Grupper", "current": ", ".join(lv["group"][g]["label"] for g in cur["group_ids"]
                                                  if g in lv["group"]),
         "previous": fmt.number(len(prev["group_ids"])) + " avslutade"},
        {"label": "Startade deltagare", "current": count("period", "started"),
         "previous": count("previous_period", "started")},
        {"label": "Fullföljde", "current": count("period", "completers"),
         "previous": count("previous_period", "completers")},
        {"label": "Närvaro", "current": _share(cur, "narvaro", None), "previous": _share(prev, "narvaro", None)},
        {"label": "Andel vidare till arbete eller studier", "current": _share(cur | {"level": "period"},
                                                                              "sysselsattning", d),
         "previous": _share(prev | {"level": "previous_period"}, "sysselsattning", d)},
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
    hidden = [k for level in COMPARED for k in (("started", level, "all"), ("completers", level, "all"))
              if d.hidden(k)]
    if hidden:
        # -- the same words as the report's other tables (report/counts.py, `note`) --
        from xlpy.report.counts import note

        text += " " + note(d)
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


# -- Över tid's outcome columns -> the outcome category the report's ledger names them by --
_CATEGORY = {c.lower().replace(" ", "_"): c for c in (*OUTCOME_CATEGORIES, NO_OUTCOME)}


def _table(results: dict[str, Any], summarised: bool
           ) -> tuple[list[overtime.OverTimeRow], dict[str, overtime.OverTimeColumn], list[str]]:
    rows_ = overtime.rows(results)
    if summarised:
        rows_ = _summary_rows(results, rows_)
    cols = {c.key: c for c in overtime.columns(results)}
    return rows_, cols, [k for k in REPORT_KEYS if cols[k].count]


def over_time_ledger(led: Ledger, results: dict[str, Any], summarised: bool = False) -> dict[tuple[int, str], Key]:
    """Register the Över tid table's counts, and the sums between them, in the report's ledger `led`
    (report/counts.py); returns (row, column) -> its key.

    A row's count is the same entry as the count of that unit elsewhere in the report (("started", level,
    key), ("completers", …), ("out", …, category)): they are the same people, so one decision must cover
    both; printing 12 in a Resultat table and `–` for it here protected nothing. Where the report has no
    such entry, or its value differs, the count is an entry of its own."""
    rows_, cols, counts = _table(results, summarised)
    keys: dict[tuple[int, str], Key] = {}
    for i, r in enumerate(rows_):
        unit = str(r.unit["key"])
        for k in counts:
            v = int(cols[k].value(r.unit) or 0)
            key: Key = (k, r.kind, unit) if k in ("started", "completers") else ("out", r.kind, unit, _CATEGORY[k])
            if key in led.values and led.values[key] != v:
                key = ("overtime", r.kind, unit, k)
            keys[(i, k)] = led.add(key, v)
    parts = [k for k in counts if k in overtime.OUTCOME_KEYS]
    for i, _ in enumerate(rows_):
        led.line(keys[(i, "started")], [keys[(i, k)] for k in parts], strict=False)  # started = its outcomes
    group_rows = {r.unit["key"]: i for i, r in enumerate(rows_) if r.kind == "group"}
    for i, r in enumerate(rows_):
        if r.kind == "group":
            continue
        members = [group_rows[g] for g in r.unit["group_ids"] if g in group_rows]
        if members:
            for k in counts:
                led.line(keys[(i, k)], [keys[(m, k)] for m in members], strict=False)
    mun_rows = [i for i, r in enumerate(rows_) if r.kind == "municipality"]
    project = [i for i, r in enumerate(rows_) if r.kind == "project"]
    if mun_rows and project:
        for k in counts:
            led.line(keys[(project[0], k)], [keys[(m, k)] for m in mun_rows], strict=False)
    if summarised and project:
        # -- the omgångar (and any group without one) add up to Sedan projektstart too --
        first_level = [i for i, r in enumerate(rows_) if r.kind in ("omgang", "group")]
        for k in counts:
            led.line(keys[(project[0], k)], [keys[(m, k)] for m in first_level], strict=False)
    return keys


def over_time(results: dict[str, Any], table_no: int, figure_no: int, min_count: int,
              summarised: bool = False, d: Decision | None = None) -> dict[str, Any]:
    """The chapter "Resultat över tid": one table (groups since the start, subtotals, Sedan projektstart)
    and a chart slot per municipality. Its counts are printed as the report's one suppression decision
    `d` says (report/counts.py registers them with over_time_ledger); without `d` they are decided on their
    own at `min_count`.

    summarised (a förbund-size report, report/summary.py): the table holds the omgångar, municipalities
    and Sedan projektstart only (each group is in the sheet Över tid), and one chart shows the omgångar."""
    rows_, cols, counts = _table(results, summarised)
    if d is None:
        led = Ledger()
        over_time_ledger(led, results, summarised)
        d = decide(led, min_count)
    # -- the keys again, against the decided ledger: the same entries the report's ledger holds --
    known = Ledger(values=dict(d.values))
    keys = over_time_ledger(known, results, summarised)
    if len(known.values) != len(d.values):
        # -- a count the decision never saw would print unsuppressed: refuse rather than print it --
        raise ValueError("Över tid: the report's ledger lacks the table's counts (report/counts.py)")
    secondary = False
    withheld = False
    hidden_keys: list[str] = []
    table = []
    for i, r in enumerate(rows_):
        cells = []
        for k in REPORT_KEYS:
            c = cols[k]
            if c.count:
                key = keys[(i, k)]
                secondary |= d.state(key) == PROTECTED
                withheld |= d.state(key) == WITHHELD
                # -- `<N` only for a true 1..N−1; a hidden 0 protects another cell and reads `–` --
                cells.append(d.text(key))
            elif k == "sysselsattning":
                hidden = d.hidden(*(keys[(i, x)] for x in ("started", "arbete", "studier")))
                moved = d.values[keys[(i, "arbete")]] + d.values[keys[(i, "studier")]]
                hidden |= d.min_count > 1 and 0 < moved < d.min_count
                value = c.value(r.unit)
                # -- an ongoing group has no share yet: `pågår`, not the `–` the note gives hidden counts --
                cells.append("dolt" if hidden else "pågår" if value is None and r.unit.get("ongoing")
                             else fmt.percent(value))
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
        omgang_keys = [r.unit["key"] for r in rows_ if r.kind == "omgang"]
        charts = [{"municipality": "", "omgangar": omgang_keys, "chart": "", "figure_no": str(figure_no),
                   "title": "Andel vidare till arbete eller studier och närvaro per omgång, alla kommuner"}
                  ] if omgang_keys else []
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
                 "slut." + (" " + SECONDARY_NOTE if secondary else "") + (withheld_note(d) if withheld else "")),
    }
