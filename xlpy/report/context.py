"""The docxtpl context of the annual report, built in one place from the core's results dict.

Every figure is formatted here with xlpy.fmt (Swedish style), so the template only places text. The
context is a plain dict of str/list/dict; chart slots hold "" until render.py puts images there.
No participant codes exist in the results dict, so none can reach the report.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlpy import fmt
from xlpy.core.period import STATUS_ENDED
from xlpy.core.suppress import count_text, suppression_mask, total_hidden
from xlpy.model import STYLES
from xlpy.report import context_period as cp
from xlpy.report.context_costs import TABLES as ACTOR_TABLES
from xlpy.report.context_costs import actors_context
from xlpy.report.context_followup import followup_context, reached_note
from xlpy.spec import OUTCOME_CATEGORIES, STATUSES

# -- slug used in the template -> (section names accepted in Texter, lower case; required?) --
TEXT_KEYS: dict[str, tuple[tuple[str, ...], bool]] = {
    "bakgrund": (("bakgrund och syfte", "bakgrund"), True),
    "omvarld": (("omvärldsbevakning", "omvärld"), True),
    "organisation": (("organisation",), False),
    "metod": (("metod",), False),
    "mal": (("mål och uppföljning", "mål"), False),
    "utmaningar": (("utmaningar",), True),
    "resultat": (("resultat",), False),
    "sammanfattning": (("sammanfattning och rekommendationer", "sammanfattning", "rekommendationer"), True),
}
PLACEHOLDER = "[Text saknas: skriv avsnittet {name} i bladet Texter]"
STATUS_FILL = dict(zip(STATUSES, (STYLES[k]["fill"] for k in
                                  ("status_met", "status_not_met", "status_ongoing", "status_no_basis")), strict=True))
COUNT_METRICS = {"gruppstorlek"}
YESNO_METRICS = {"enkat"}
ONE_DECIMAL_METRICS = {"narvaro"}


def _date(d: str | None) -> dt.date | None:
    return dt.date.fromisoformat(d[:10]) if d else None


def _count(n: int | None, min_count: int) -> str:
    """A number of people; below `min_count` (when > 0) shown as `<N` so small groups stay anonymous."""
    if n is None:
        return "–"
    return count_text(n, bool(min_count) and 0 < n < min_count, min_count)


def _join(parts: list[str]) -> str:
    """`a`, `a och b`, `a, b och c`."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " och " + parts[-1]


def texts_context(texts: dict[str, str]) -> dict[str, list[str]]:
    """The evaluator's prose per template slug, as a list of paragraphs (one per non-empty line).

    A required section without text gets a visible placeholder paragraph; an optional one stays empty.
    """
    by_lower = {k.strip().lower(): v for k, v in texts.items() if v and str(v).strip()}
    out: dict[str, list[str]] = {}
    for slug, (names, required) in TEXT_KEYS.items():
        text = next((by_lower[n] for n in names if n in by_lower), None)
        if text is None:
            out[slug] = [PLACEHOLDER.format(name=names[0].capitalize())] if required else []
        else:
            out[slug] = [line.strip() for line in str(text).splitlines() if line.strip()]
    return out


def hidden_share(basis: list[int] | None, min_count: int) -> bool:
    """Whether a share must be hidden because its numerator or denominator counts fewer people than
    Minsta redovisade antal (attendance days are not people, so callers skip it for närvaro)."""
    return bool(basis and min_count > 1 and any(0 < int(x) < min_count for x in basis[:2]))


def value_text(metric: str, value: float | None, basis: list[int] | None = None, min_count: int = 0,
               show_basis: bool = True) -> str:
    """A metric's value for a reader: attendance `82,5 %`, other shares `76 % (16 av 21)`,
    group size `11 deltagare`, survey `ja`/`nej`. None (no basis) -> `–`. With `min_count`, a share built
    on fewer people than that reads `dolt (färre än N)`, a group size `<N deltagare`."""
    if value is None:
        return "–"
    if metric in COUNT_METRICS:
        if min_count > 1 and 0 < value < min_count:
            return f"<{min_count} deltagare"
        return f"{fmt.number(value)} deltagare"
    if metric not in ONE_DECIMAL_METRICS and metric not in YESNO_METRICS and hidden_share(basis, min_count):
        return f"dolt (färre än {min_count})"
    if metric in YESNO_METRICS:
        return "ja" if value >= 1 else "nej"
    text = fmt.percent(value, 1 if metric in ONE_DECIMAL_METRICS else 0)
    if basis and show_basis and metric not in ONE_DECIMAL_METRICS:
        unit = " dagar" if metric == "gruppdagar" else ""
        text += f" ({fmt.number(basis[0])} av {fmt.number(basis[1])}{unit})"
    return text


def target_text(goal: dict[str, Any]) -> str:
    """`minst 80 %`, `5–10 deltagare`, `högst 10 %`, `genomförd`."""
    metric, target, tmax = goal["metric"], goal.get("target"), goal.get("target_max")

    def one(x: float | None) -> str:
        if x is None:
            return "–"
        if metric in COUNT_METRICS:
            return fmt.number(x)
        return fmt.percent(x, 1)

    if metric in YESNO_METRICS:
        return "genomförd"
    unit = " deltagare" if metric in COUNT_METRICS else ""
    if goal.get("comparison") == "mellan":
        return f"{one(target)}–{one(tmax)}{unit}"
    word = "högst" if goal.get("comparison") == "<=" else "minst"
    return f"{word} {one(target)}{unit}"


def _sorted_units(units: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(units.values(), key=lambda u: (u.get("group_no") or 0, u.get("municipality") or "", u["key"]))


def _omgang_key(o: dict[str, Any]) -> int:
    return int(o["key"]) if str(o["key"]).isdigit() else 0


def _staffing(results: dict[str, Any], groups: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for g in groups:
        label = f"{g['label']} (start {fmt.date_long(g.get('start'))})"
        roles = []
        for m in results.get("staff", {}).get(g["key"], []):
            pct = "–" if m.get("percent") is None else fmt.percent(m["percent"] / 100, 1)
            role = m["role"]
            if not m.get("counts", True):
                role += f" ({m.get('comment') or 'räknas ej'})"
                pct = f"({pct})"
            elif m.get("comment"):
                role += f" ({m['comment']})"
            roles.append({"group": "", "role": role, "percent": pct})
        if not roles:
            roles.append({"group": "", "role": "Ingen personal registrerad", "percent": "–"})
        roles[0]["group"] = label
        total = g["counts"].get("staffing_percent")
        out.append({"label": g["label"], "roles": roles,
                    "total": "–" if total is None else fmt.percent(total / 100, 1)})
    return out


def _method(groups: list[dict[str, Any]]) -> tuple[list[dict[str, str]], str]:
    rows = []
    by_term: dict[str, set[int]] = {}
    iweeks: set[int] = set()
    days: set[int] = set()
    for g in groups:
        rows.append({
            "label": g["label"], "term": (g.get("term") or "–").capitalize(),
            "start": fmt.date_long(g.get("start")), "end": fmt.date_long(g.get("end")),
            "weeks": fmt.number(g.get("weeks")), "internship_weeks": fmt.number(g.get("internship_weeks")),
            "days_per_week": fmt.number(g.get("days_per_week")),
        })
        if g.get("weeks") is not None:
            by_term.setdefault(g.get("term") or "", set()).add(int(g["weeks"]))
        if g.get("internship_weeks") is not None:
            iweeks.add(int(g["internship_weeks"]))
        if g.get("days_per_week") is not None:
            days.add(int(g["days_per_week"]))
    if not by_term:
        return rows, "Gruppernas omfattning är inte angiven i bladet Grupper."
    names = {"vår": "under våren", "höst": "under hösten", "": "utan angiven termin"}
    parts = [f"{' eller '.join(str(w) for w in sorted(ws))} {'vecka' if ws == {1} else 'veckor'} {names.get(t, t)}"
             for t, ws in sorted(by_term.items(), key=lambda kv: ("vår", "höst", "").index(kv[0])
                                 if kv[0] in ("vår", "höst", "") else 3)]
    text = f"Processens metod bygger på ett program om {_join(parts)}"
    if iweeks:
        text += f", varav {' eller '.join(str(w) for w in sorted(iweeks))} veckors praktik"
    if days:
        text += (f", med gruppverksamhet {' eller '.join(str(d) for d in sorted(days))} "
                 f"{'dag' if days == {1} else 'dagar'} per vecka")
    return rows, text + "."


def short_names(members: list[dict[str, Any]]) -> dict[str, str]:
    """Group key -> how the group is named among the other groups of its omgång: its municipality, or
    `Klippan (KLI02B)` when the omgång has two groups in that municipality."""
    return fmt.distinct_names({m["key"]: m.get("municipality") or m["label"] for m in members})


def _goal_result(unit: dict[str, Any], goal_id: str) -> dict[str, Any]:
    """The unit's {"value", "status"} for a goal; a goal the unit has no result for lacks a basis."""
    return unit.get("goals", {}).get(goal_id, {"value": None, "status": STATUSES[3]})


def _goal_value(unit: dict[str, Any], name: str, goal_id: str, metric: str, min_count: int = 0) -> str:
    """`Klippan 76 % (16 av 21)`: one unit's name and value for one goal."""
    basis = unit.get("basis", {}).get(metric)
    value = _goal_result(unit, goal_id)["value"]
    note = reached_note(unit, metric, min_count) if value is not None else ""
    return f"{name} {value_text(metric, value, basis, min_count)}{note}"


def _goal_part(unit: dict[str, Any], name: str, goal_id: str, metric: str, min_count: int = 0) -> str:
    """`Klippan 76 % (16 av 21) – uppfyllt`: one unit's value and status for one goal."""
    status = _goal_result(unit, goal_id)["status"]
    if _goal_result(unit, goal_id)["value"] is None:  # -- not "Klippan – – pågår" --
        return f"{name} – {status.lower()}"
    return f"{_goal_value(unit, name, goal_id, metric, min_count)} – {status.lower()}"


# -- an omgång with more groups than this is summed up (how many met the goal) and only the groups that did
#    not meet it, or lack a basis, are named; every group's value is in the goal tables anyway --
MAX_LISTED_GROUPS = 8


def _goal_tally(members: list[dict[str, Any]], names: dict[str, str], goal_id: str, metric: str,
                min_count: int) -> str:
    """`31 grupper: 24 uppfyllt, 7 ej uppfyllt (Bjuv 79 %, …)`: one goal over a large omgång's groups."""
    by_status: dict[str, list[dict[str, Any]]] = {s: [] for s in STATUSES}
    for m in members:
        by_status.setdefault(_goal_result(m, goal_id)["status"], []).append(m)
    counts = []
    for status, units in by_status.items():
        if not units:
            continue
        text = f"{fmt.number(len(units))} {status.lower()}"
        if status in (STATUSES[1], STATUSES[3]):  # -- ej uppfyllt, underlag saknas: name them --
            shown = [_goal_value(m, names[m["key"]], goal_id, metric, min_count) for m in units]
            text += " (" + ", ".join(shown) + ")"
        counts.append(text)
    return f"{fmt.count(len(members), 'grupp', 'grupper')}: " + ", ".join(counts)


def _goals(results: dict[str, Any], groups: list[dict[str, Any]], omgangar: list[dict[str, Any]],
           municipalities: list[dict[str, Any]], min_count: int = 0
           ) -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]]:
    active = [g for g in results.get("goals", []) if g.get("active", True)]
    columns = [g["label"] for g in groups]
    matrix, details = [], []
    for goal in active:
        gid, metric = goal["id"], goal["metric"]
        cells = []
        for g in groups:
            res = _goal_result(g, gid)
            cells.append({"fill": STATUS_FILL.get(res["status"], "FFFFFF"),
                          "value": value_text(metric, res["value"], g.get("basis", {}).get(metric), min_count,
                                              show_basis=False)
                          + (reached_note(g, metric, min_count) if res["value"] is not None else ""),
                          "status": res["status"]})
        matrix.append({"label": f"{gid} {goal.get('description') or metric}", "cells": cells})

        lines = []
        for o in omgangar:
            members = [results["levels"]["group"][k] for k in o["group_ids"] if k in results["levels"]["group"]]
            names = short_names(members)
            if len(members) > MAX_LISTED_GROUPS:
                parts = [_goal_tally(members, names, gid, metric, min_count)]
            else:
                parts = [_goal_part(m, names[m["key"]], gid, metric, min_count) for m in members]
            # -- a pooled group size says nothing about the 5-10 rule, which is per group --
            if len(members) > 1 and metric not in COUNT_METRICS:
                parts.append(_goal_part(o, "sammantaget", gid, metric, min_count))
            state = " (pågående)" if o.get("ongoing") else ""
            lines.append(f"{o['label']}{state}: " + "; ".join(parts) + ".")
        if len(municipalities) > 1 or not omgangar:
            lines.append("Per kommun, sedan projektstart: "
                         + "; ".join(_goal_part(m, m["label"], gid, metric, min_count) for m in municipalities)
                         + ".")
        details.append({"title": f"{gid} {goal.get('description') or metric}",
                        "target": f"Mål: {target_text(goal)}.", "lines": lines})
    return columns, matrix, details


MAX_GOAL_COLUMNS = 5  # -- groups side by side in one goal table: 2.1 cm each holds "Örkelljunga" at 8 pt --


def goal_tables(columns: list[str], matrix: list[dict[str, Any]],
                max_columns: int = MAX_GOAL_COLUMNS) -> list[dict[str, Any]]:
    """The goal matrix split into tables of at most `max_columns` groups, of near-equal width, each with
    a title saying which groups it holds ("" when one table holds them all)."""
    n = len(columns)
    parts = max(1, -(-n // max_columns))
    bounds = [round(i * n / parts) for i in range(parts + 1)]
    out = []
    for a, b in zip(bounds, bounds[1:], strict=False):
        title = "" if parts == 1 else f"Grupperna {a + 1}–{b} av {n}"
        rows = [{"label": row["label"], "cells": row["cells"][a:b]} for row in matrix]
        out.append({"title": title, "columns": columns[a:b], "rows": rows})
    return out


def _cost_rows(series: list[dict[str, int]]) -> list[dict[str, str]]:
    return [{"year": f"År {r['year']}", "annual": fmt.kr(r["annual"]), "cumulative": fmt.kr(r["cumulative"])}
            for r in series]


def _omgang(results: dict[str, Any], o: dict[str, Any], numbers: dict[str, int], min_count: int) -> dict[str, Any]:
    no = o.get("group_no") or o["key"]
    name = f"grupp {no}"
    members = [results["levels"]["group"][k] for k in o["group_ids"] if k in results["levels"]["group"]]
    members.sort(key=lambda m: (m.get("municipality") or "", m["key"]))

    names = short_names(members)

    def mun(m: dict[str, Any]) -> str:
        return names[m["key"]]

    # -- small-number suppression over the outcome table: a hidden cell, plus a second one in any row or
    #    column whose shown total would give it away; shares built on a hidden count are hidden too --
    cats = (*OUTCOME_CATEGORIES, "Ej registrerat")
    table = [[int(m["counts"].get("outcomes", {}).get(c, 0)) for c in cats] for m in members]
    mask = suppression_mask(table, min_count, row_totals=True, col_totals=len(members) > 1)

    def hidden(i: int | None, cat: str) -> bool:
        if min_count <= 1:
            return False
        j = cats.index(cat)
        if i is None:  # the total row: hidden only when the total itself is small
            return total_hidden([r[j] for r in table], min_count)
        return mask[i][j]

    def moved_hidden(u: dict[str, Any], i: int | None) -> bool:
        moved = int(u["counts"].get("moved_on") or 0)
        return min_count > 1 and (hidden(i, "Arbete") or hidden(i, "Studier") or 0 < moved < min_count)

    def share_moved(u: dict[str, Any], i: int | None) -> str:
        return "dolt" if moved_hidden(u, i) else fmt.percent(u["metrics"].get("sysselsattning"))

    def row(u: dict[str, Any], label: str, i: int | None) -> dict[str, str]:
        c = u["counts"]
        outs = c.get("outcomes", {})
        moved = int(c.get("moved_on") or 0)
        cells = {cat.lower().replace(" ", "_"): count_text(outs.get(cat, 0), hidden(i, cat), min_count)
                 for cat in cats}
        return {
            "label": label, "started": _count(c["started"], min_count),
            "completers": _count(c.get("completers"), min_count),
            "attendance": fmt.percent(u["metrics"].get("narvaro"), 1),
            "moved_on": count_text(moved, moved_hidden(u, i), min_count),
            "share_moved_on": share_moved(u, i),
            **cells,
        }

    intake = _join([f"{_count(m['counts']['started'], min_count)} deltagare i {mun(m)}" for m in members])
    weeks = {(m.get("weeks"), m.get("term")) for m in members if m.get("weeks") is not None}
    intro = f"{name.capitalize()} startade den {fmt.date_long(o.get('start'))} med {intake}"
    if len(weeks) == 1:
        w, term = next(iter(weeks))
        intro += f" och omfattade {fmt.count(w, 'vecka', 'veckor')}" + (f" ({term})" if term else "")
    intro += f". Slutdatum var den {fmt.date_long(o.get('end'))}."

    bullets = ["Närvaro: " + _join([f"{mun(m)} {fmt.percent(m['metrics'].get('narvaro'), 1)}" for m in members])
               + (f" (sammantaget {fmt.percent(o['metrics'].get('narvaro'), 1)})" if len(members) > 1 else "")
               + "."]
    phrases = {"Arbete": "Vidare till arbete", "Studier": "Vidare till studier",
               "Planering": "Vidare med planering mot arbete eller studier", "Annat": "Annat utfall",
               "Ej registrerat": "Utfall ej registrerat"}
    for cat in cats:
        counts = [(i, mun(m), m["counts"].get("outcomes", {}).get(cat, 0)) for i, m in enumerate(members)]
        if any(n for _, _, n in counts):
            bullets.append(f"{phrases[cat]}: " + _join([f"{count_text(n, hidden(i, cat), min_count)} från {place}"
                                                         for i, place, n in counts if n]) + ".")
    oc = o["counts"]
    bullets.append(
        "Sammantaget har " + _join([f"{share_moved(m, i)} av deltagarna från {mun(m)}"
                                    for i, m in enumerate(members)])
        + " gått vidare till arbete eller studier"
        + (f" (totalt {count_text(int(oc.get('moved_on') or 0), moved_hidden(o, None), min_count)} av "
           f"{_count(oc['started'], min_count)}, {share_moved(o, None)})" if len(members) > 1 else "")
        + ".")
    # -- only periods with placements offered: "period 1 deltog –" said nothing --
    periods = sorted((p for p, c in oc.get("internships", {}).items() if c.get("offered")),
                     key=lambda p: int(p) if str(p).isdigit() else 0)
    if not periods:
        bullets.append("Praktik: inga praktikplatser är registrerade i bladet Praktik.")
    else:
        bullets.append("Praktik: " + _join([
            f"period {p} deltog {value_text('praktik', o['metrics'].get(f'praktik_deltagande_{p}'), o.get('basis', {}).get(f'praktik_deltagande_{p}'))}"
            for p in periods]) + " av de erbjudna praktikplatserna.")

    type_lines = []
    for i, m in enumerate(members):
        for cat in OUTCOME_CATEGORIES:
            types = m["counts"].get("outcome_types", {}).get(cat, {})
            total = m["counts"].get("outcomes", {}).get(cat, 0)
            items = [(t, int(n)) for t, n in sorted(types.items(), key=lambda kv: (-kv[1], kv[0])) if n]
            if not items:  # -- no Typ given for this category: nothing to break down --
                continue
            rest = total - sum(types.values())
            if rest > 0:
                items.append(("utan angiven typ", rest))
            if not items:
                continue
            if hidden(i, cat):
                # -- the category's count is hidden, so its breakdown would reveal it --
                type_lines.append(f"{cat}, {mun(m)}: fördelning dold (färre än {min_count}).")
                continue
            tmask = suppression_mask([[n for _, n in items]], min_count, row_totals=True, col_totals=False)[0]
            type_lines.append(f"{cat}, {mun(m)}: "
                              + ", ".join(f"{count_text(n, h, min_count)} {t}"
                                          for (t, n), h in zip(items, tmask, strict=True)) + ".")

    costs = o["costs"]
    n, moved, rem = costs["people"], costs["moved_on"], costs["remaining"]
    savings = costs["besparing"]
    saving_text = (f"Utifrån resultaten för {name} har samhället sparat "
                   + _join([f"{fmt.kr(r['cumulative'])} för år {r['year']}" for r in savings])
                   + " (ackumulerat), jämfört med om ingen hade gått vidare.") if savings and moved else (
        f"Ingen deltagare i {name} har ännu gått vidare till arbete eller studier, så ingen besparing redovisas.")
    return {
        "heading": f"Resultat {name}", "name": name, "name_lower": name, "intro": intro, "bullets": bullets,
        "participation_table_no": str(numbers["participation"]), "outcome_table_no": str(numbers["outcome"]),
        "rows": [row(m, m["label"], i) for i, m in enumerate(members)], "total": row(o, f"Totalt {name}", None),
        # -- a one-group omgång would repeat its only row as a total --
        "show_total": len(members) > 1,
        "type_lines": type_lines,
        "cost_intro": (f"Tabellerna visar samhällskostnaden om ingen av {name}s {fmt.number(n)} deltagare går "
                       f"vidare till sysselsättning (om ingenting händer), vad samhället sparar på de "
                       f"{fmt.number(moved)} som gått vidare till arbete eller studier (besparing) och kostnaden "
                       f"för de {fmt.number(rem)} som ännu inte gått vidare (kvarstående kostnad)."),
        "nothing": {"table_no": str(numbers["nothing"]), "rows": _cost_rows(costs["om_ingenting_hander"]),
                    "title": f"Om ingenting händer – {fmt.number(n)} deltagare i {name}"},
        "saving": {"table_no": str(numbers["saving"]), "rows": _cost_rows(savings),
                   "title": f"Besparing – {fmt.number(moved)} deltagare som gått vidare till arbete eller studier"},
        "remaining": {"table_no": str(numbers["remaining"]), "rows": _cost_rows(costs["kvarstaende"]),
                      "title": f"Kvarstående kostnad – {fmt.number(rem)} deltagare utan sysselsättning"},
        "chart": "", "figure_no": str(numbers["figure"]),
        "figure_title": f"Samhällskostnad för {name}, ackumulerat per år (kr)",
        "saving_text": saving_text,
    }


def _params(p: dict[str, Any]) -> dict[str, str]:
    text = (f"Beräkningen använder reala kostnader {fmt.kr(p['real_cost'])} och finansiella kostnader "
            f"{fmt.kr(p['financial_cost'])}, sammanlagt {fmt.kr(p['cost_per_person_year'])} per person och år "
            f"om ingenting händer; månadslön vid arbete {fmt.kr(p['monthly_wage'])}, arbetsgivaravgift "
            f"{fmt.percent(p.get('payroll_tax') or 0, 2)}, diskonteringsränta "
            f"{fmt.percent(p.get('discount_rate') or 0, 2)} och {fmt.number(p['horizon_years'])} kalkylår.")
    return {"text": text, "source": p.get("cost_source") or "–"}


def _project(results: dict[str, Any], table_no: int, figure_no: int) -> dict[str, Any]:
    unit = results["levels"].get("project", {}).get("all")
    if unit is None:
        return {"text": "Inga grupper är registrerade.", "rows": [], "chart": "", "table_no": str(table_no),
                "figure_no": str(figure_no), "table_title": "Samhällskostnad", "figure_title": "Samhällskostnad"}
    c = unit["costs"]
    n = c["people"]
    first = lambda key: c[key][0]["annual"] if c[key] else 0  # noqa: E731
    last_total = c["total"][-1]["cumulative"] if c["total"] else 0
    wage = results["parameters"]["monthly_wage"]
    text = (f"Om ingenting händer kostar projektets {fmt.number(n)} deltagare sedan projektstart (alla grupper "
            f"som startat senast {fmt.date_long(results['meta'].get('report_end'))}) samhället "
            f"{fmt.kr(first('om_ingenting_hander'))} per år enligt socioekonomiska beräkningar. Om de i stället "
            f"hade haft arbete med en månadslön på {fmt.kr(wage)} blir produktionsbortfallet "
            f"{fmt.kr(first('produktionsbortfall'))} per år. Tillsammans blir det {fmt.kr(first('total'))} det "
            f"första året och {fmt.kr(last_total)} under {fmt.number(len(c['total']))} år.")
    rows = [{"year": f"År {a['year']}", "nothing": fmt.kr(a["cumulative"]), "loss": fmt.kr(b["cumulative"]),
             "total": fmt.kr(t["cumulative"])}
            for a, b, t in zip(c["om_ingenting_hander"], c["produktionsbortfall"], c["total"], strict=True)]
    return {
        "text": text, "rows": rows, "chart": "", "table_no": str(table_no), "figure_no": str(figure_no),
        "table_title": f"Samhällskostnad för projektets {fmt.number(n)} deltagare sedan projektstart, ackumulerat",
        "figure_title": f"Om ingenting händer och produktionsbortfall för {fmt.number(n)} deltagare, "
                        f"ackumulerat per år (kr)",
    }


def ended_omgangar(results: dict[str, Any]) -> list[dict[str, Any]]:
    """The omgångar (all groups with one Gruppnummer) with a group Avslutad in the report period, in number
    order: each gets a "Resultat grupp N" chapter."""
    units = results["levels"].get("omgang", {}).values()
    groups = results["levels"].get("group", {})

    def ended(o: dict[str, Any]) -> bool:
        statuses = [groups[g].get("period_status") for g in o["group_ids"] if g in groups]
        if any(st is not None for st in statuses):
            return STATUS_ENDED in statuses
        return bool(o.get("ended_in_report_period"))

    return sorted((o for o in units if ended(o)), key=_omgang_key)


def build_context(results: dict[str, Any]) -> dict[str, Any]:
    """The whole docxtpl context for word_templates/arsrapport.docx from a results dict (docs/RESULTS.md).

    Table and figure numbers are computed in document order so captions are right before Word
    refreshes its SEQ fields. Dates come from meta, never from the clock.
    """
    meta, params = results["meta"], results["parameters"]
    min_count = int(params.get("min_count") or 0)
    levels = results["levels"]
    # -- scope Perioden: groups Avslutad or Pågår in P (Organisation, Metod, the goal matrix) --
    groups = [g for g in _sorted_units(levels.get("group", {})) if cp.in_period(g)]
    period_keys = {g["key"] for g in groups}
    omgangar_all = sorted((o for o in levels.get("omgang", {}).values() if period_keys & set(o["group_ids"])),
                          key=_omgang_key)
    municipalities = sorted(levels.get("municipality", {}).values(), key=lambda u: u["label"])
    start, end = _date(meta.get("report_start")), _date(meta.get("report_end"))

    cover_period = f"{fmt.date_long(start)} – {fmt.date_long(end)}"
    if start and end:
        months = (end.year - start.year) * 12 + end.month - start.month
        cover_period = f"{fmt.count(months, 'månad', 'månader')}, {cover_period}"
    mun_names = [m["label"] for m in municipalities]

    columns, matrix, details = _goals(results, groups, omgangar_all, municipalities, min_count)
    previous = cp.previous_goal_cells(results)
    if previous:
        columns = [*columns, "Föregående period"]
        active_ids = [g["id"] for g in results.get("goals", []) if g.get("active", True)]
        for row, gid in zip(matrix, active_ids, strict=True):
            st = previous.get(gid, STATUSES[3])
            row["cells"] = [*row["cells"], {"fill": STATUS_FILL.get(st, "FFFFFF"), "value": "", "status": st}]
    method_rows, method_summary = _method(groups)
    table_no = 4  # -- 1 staffing, 2 method, 3 goal matrix --
    statistics = []
    for s in results.get("statistics", []):
        statistics.append({
            "table_no": str(table_no),
            "label": s["label"] + (" (utgångsläge före perioden)" if s.get("role") == "baseline" else ""),
            "rows": [{k: (fmt.number(v) if isinstance(v, (int, float)) else v) for k, v in r.items()}
                     for r in s["rows"]],
            "total": {k: fmt.number(v) for k, v in s["total"].items()},
        })
        table_no += 1
    project = _project(results, table_no, 1)
    table_no += 1
    actors = actors_context(results, table_no, 2)
    table_no += len(ACTOR_TABLES) if actors["show"] else 0
    figure_no = 3 if actors["show_chart"] else 2
    omgangar = []
    for o in ended_omgangar(results):
        numbers = {"participation": table_no, "outcome": table_no + 1, "nothing": table_no + 2,
                   "saving": table_no + 3, "remaining": table_no + 4, "figure": figure_no}
        omgangar.append(_omgang(results, o, numbers, min_count))
        table_no += 5
        figure_no += 1
    comparison = cp.comparison(results, table_no, min_count)
    table_no += 1 if comparison["show"] else 0
    over_time = cp.over_time(results, table_no, figure_no, min_count)
    kind = cp.words(results)
    # -- the chapter Uppföljning efter avslut comes after Resultat över tid (xlpy/report/context_followup.py) --
    table_no += 1 if over_time["show"] else 0
    figure_no += len(over_time["charts"])
    followup, table_no, figure_no = followup_context(results, table_no, figure_no)

    problems = results.get("problems", [])
    errors = sum(1 for p in problems if p.get("severity") == "fel")
    warnings = len(problems) - errors
    found = ("Kontrollen fann inga problem i underlaget." if not problems else
             f"Kontrollen fann {fmt.number(errors)} fel och {fmt.count(warnings, 'varning', 'varningar')} i underlaget; "
             "de finns i bladet Kontroll.")
    data_note = (f"Rapporten är skapad från arbetsboken {meta.get('source') or '–'} med xlpy "
                 f"{meta.get('version') or '–'}. Alla siffror räknas fram ur arbetsbokens blad; rapportdatum är "
                 f"{fmt.date_long(end)} (Rapportperiod slut). {found}")
    if meta.get("personal_data_override"):
        data_note += (" Observera: rapporten skapades trots att arbetsboken innehöll uppgifter som liknar "
                      "personnummer eller namn.")
    return fmt.clean_strings({
        "meta": {"project_name": meta.get("project_name") or "Första Steget",
                 "federation": meta.get("federation") or "–"},
        "cover": {
            "kind": kind["kind"], "title": kind["title"],
            "year": str(end.year) if end else "–",
            "project": meta.get("project_name") or "Första Steget",
            "municipalities": " & ".join(mun_names) if mun_names else "–",
            "period": cover_period,
            "owner": meta.get("owner") or "–",
            "evaluator": meta.get("evaluator") or "–",
            "report_date": fmt.date_long(end),
        },
        "texts": texts_context(results.get("texts", {})),
        "tables": {"staffing": "1", "method": "2", "goals": "3"},
        "staffing": _staffing(results, groups),
        "method": method_rows,
        "method_summary": method_summary,
        "status_legend": "Grönt = uppfyllt, rött = ej uppfyllt, grått = pågår (gruppen är inte avslutad), "
                         "gult = underlag saknas.",
        "goal_tables": goal_tables(columns, matrix),
        # -- the whole matrix as one table, for templates made before goal_tables existed --
        "goal_columns": columns,
        "goal_matrix": matrix,
        "goal_details": details,
        "statistics": statistics,
        "params": _params(params),
        "project": project,
        "actors": actors,
        "omgangar": omgangar,
        "followup": followup,
        "scope_note": cp.scope_note(results, fmt.date_long(end)),
        "planned": cp.planned(results),
        "comparison": comparison,
        "over_time": over_time,
        "data_note": data_note,
    })
