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
from xlpy.core.suppress import PROTECT_NOTE, PROTECTED_TEXT, Decision
from xlpy.model import STYLES
from xlpy.report import context_period as cp
from xlpy.report import summary
from xlpy.report.context_costs import TABLES as ACTOR_TABLES
from xlpy.report.context_costs import actors_context
from xlpy.report.context_followup import followup_context, reached_note
from xlpy.report.context_surveys import appendix_context, surveys_context
from xlpy.report.counts import (
    CATEGORIES,
    PEOPLE_SHARES_EXCLUDED,
    note,
    report_decision,
    share_hidden,
    type_decision,
    type_items,
)
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
# -- said wherever participants of several workbooks are counted together (METRICS.md, "Several workbooks") --
SEVERAL_WORKBOOKS_NOTE = ("Samma person i två kommuner kan inte kännas igen utan personnummer, som arbetsböckerna "
                          "inte innehåller; den som deltagit i flera kommuners grupper räknas en gång i varje.")
PLACEHOLDER = "[Text saknas: skriv avsnittet {name} i bladet Texter]"
STATUS_FILL = dict(zip(STATUSES, (STYLES[k]["fill"] for k in
                                  ("status_met", "status_not_met", "status_ongoing", "status_no_basis")), strict=True))
COUNT_METRICS = {"gruppstorlek"}
YESNO_METRICS = {"enkat"}
ONE_DECIMAL_METRICS = {"narvaro"}


def _date(d: str | None) -> dt.date | None:
    return dt.date.fromisoformat(d[:10]) if d else None


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


def unit_value_text(unit: dict[str, Any], goal_id: str, metric: str, d: Decision | None,
                    show_basis: bool = True) -> str:
    """One unit's value for one goal as the report prints it: through the report's suppression decision
    `d` (a share with a hidden numerator or denominator reads `dolt`), and `2 av 3 grupper` for a
    per-group goal above group level."""
    res = _goal_result(unit, goal_id)
    if "groups" in res:  # -- counts of groups, not of people: never suppressed --
        return f"{fmt.number(res['value'] or 0)} av {fmt.number(res['groups'])} grupper"
    value = res["value"]
    if d is None or value is None:
        return value_text(metric, value, unit.get("basis", {}).get(metric), show_basis=show_basis)
    if metric in COUNT_METRICS:
        key = ("started", unit["level"], unit["key"])
        return f"{d.text(key)} deltagare" if key in d.values else value_text(metric, value)
    if metric not in PEOPLE_SHARES_EXCLUDED and share_hidden(d, metric, unit["level"], unit["key"]):
        return "dolt" if not show_basis else f"({PROTECT_NOTE})"
    return value_text(metric, value, unit.get("basis", {}).get(metric), show_basis=show_basis)


def _goal_value(unit: dict[str, Any], name: str, goal_id: str, metric: str, d: Decision | None = None) -> str:
    """`Klippan 76 % (16 av 21)`: one unit's name and value for one goal."""
    value = _goal_result(unit, goal_id)["value"]
    note = reached_note(unit, metric, d.min_count if d else 0, d) if value is not None else ""
    return f"{name} {unit_value_text(unit, goal_id, metric, d)}{note}"


def _goal_part(unit: dict[str, Any], name: str, goal_id: str, metric: str, d: Decision | None = None) -> str:
    """`Klippan 76 % (16 av 21) – uppfyllt`: one unit's value and status for one goal."""
    status = _goal_result(unit, goal_id)["status"]
    if _goal_result(unit, goal_id)["value"] is None:  # -- not "Klippan – – pågår" --
        return f"{name} – {status.lower()}"
    return f"{_goal_value(unit, name, goal_id, metric, d)} – {status.lower()}"


# -- an omgång with more groups than this is summed up (how many met the goal) and only the groups that did
#    not meet it, or lack a basis, are named; every group's value is in the goal tables anyway --
MAX_LISTED_GROUPS = 8


def _goal_tally(members: list[dict[str, Any]], names: dict[str, str], goal_id: str, metric: str,
                d: Decision | None, name_groups: bool = True) -> str:
    """`31 grupper: 24 uppfyllt, 7 ej uppfyllt (Bjuv 79 %, …)`: one goal over a large omgång's groups
    (without the names and values when not `name_groups`: a summarised report)."""
    by_status: dict[str, list[dict[str, Any]]] = {s: [] for s in STATUSES}
    for m in members:
        by_status.setdefault(_goal_result(m, goal_id)["status"], []).append(m)
    counts = []
    for status, units in by_status.items():
        if not units:
            continue
        text = f"{fmt.number(len(units))} {status.lower()}"
        if name_groups and status in (STATUSES[1], STATUSES[3]):  # -- ej uppfyllt, underlag saknas: name them --
            shown = [_goal_value(m, names[m["key"]], goal_id, metric, d) for m in units]
            text += " (" + ", ".join(shown) + ")"
        counts.append(text)
    return f"{fmt.count(len(members), 'grupp', 'grupper')}: " + ", ".join(counts)


def _goals(results: dict[str, Any], groups: list[dict[str, Any]], omgangar: list[dict[str, Any]],
           municipalities: list[dict[str, Any]], d: Decision | None = None, large: bool = False
           ) -> tuple[list[str], list[dict[str, Any]], list[dict[str, Any]]]:
    active = [g for g in results.get("goals", []) if g.get("active", True)]
    # -- a summarised report (report/summary.py): one column per omgång, details per municipality --
    column_units = omgangar if large else groups
    columns = [g["label"] for g in column_units]
    matrix, details = [], []
    for goal in active:
        gid, metric = goal["id"], goal["metric"]
        cells = []
        for g in column_units:
            res = _goal_result(g, gid)
            cells.append({"fill": STATUS_FILL.get(res["status"], "FFFFFF"),
                          "value": unit_value_text(g, gid, metric, d, show_basis=False)
                          + (reached_note(g, metric, d.min_count if d else 0, d) if res["value"] is not None else ""),
                          "status": res["status"]})
        matrix.append({"label": f"{gid} {goal.get('description') or metric}", "cells": cells})

        lines = []
        if large:
            lines = _municipality_goal_lines(groups, municipalities, gid, metric, d)
        for o in [] if large else omgangar:
            members = [results["levels"]["group"][k] for k in o["group_ids"] if k in results["levels"]["group"]]
            names = short_names(members)
            if len(members) > MAX_LISTED_GROUPS:
                parts = [_goal_tally(members, names, gid, metric, d)]
            else:
                parts = [_goal_part(m, names[m["key"]], gid, metric, d) for m in members]
            # -- a per-group goal reads "k av n grupper" above group level (METRICS.md) --
            if len(members) > 1:
                parts.append(_goal_part(o, "sammantaget", gid, metric, d))
            state = " (pågående)" if o.get("ongoing") else ""
            lines.append(f"{o['label']}{state}: " + "; ".join(parts) + ".")
        if not large and (len(municipalities) > 1 or not omgangar):
            lines.append("Per kommun, sedan projektstart: "
                         + "; ".join(_goal_part(m, m["label"], gid, metric, d) for m in municipalities)
                         + ".")
        details.append({"title": f"{gid} {goal.get('description') or metric}",
                        "target": f"Mål: {target_text(goal)}.", "lines": lines})
    return columns, matrix, details


def _municipality_goal_lines(groups: list[dict[str, Any]], municipalities: list[dict[str, Any]], goal_id: str,
                             metric: str, d: Decision | None) -> list[str]:
    """A summarised report's goal details: all groups of the period, then each municipality's groups of
    the period counted by status, with the municipality's own value since the project started."""
    lines = [f"Alla grupper i perioden: {_goal_tally(groups, {}, goal_id, metric, d, name_groups=False)}."]
    for m in municipalities:
        members = [g for g in groups if g.get("municipality") == m["label"]]
        tally = _goal_tally(members, {}, goal_id, metric, d, name_groups=False) if members else "inga grupper i perioden"
        lines.append(f"{m['label']}: {tally}; {_goal_part(m, 'sammantaget sedan projektstart', goal_id, metric, d)}.")
    return lines


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


def _omgang(results: dict[str, Any], o: dict[str, Any], numbers: dict[str, int], d: Decision,
            pooled: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The context of one "Resultat grupp N" chapter. pooled: a summarised report's rows, the omgång's
    groups pooled per municipality (report/summary.py), printed instead of the groups."""
    no = o.get("group_no") or o["key"]
    name = f"grupp {no}"
    groups = [results["levels"]["group"][k] for k in o["group_ids"] if k in results["levels"]["group"]]
    groups.sort(key=lambda m: (m.get("municipality") or "", m["key"]))
    members = groups if pooled is None else pooled
    lvl = "group" if pooled is None else summary.PART_LEVEL

    names = short_names(members)

    def mun(m: dict[str, Any]) -> str:
        return names[m["key"]]

    # -- every count goes through the report's one suppression decision `d` (report/counts.py) --
    cats = CATEGORIES
    okey = ("omgang", o["key"])

    def ukey(u: dict[str, Any]) -> tuple[str, str]:
        return okey if u is o else (lvl, u["key"])

    def moved_share(u: dict[str, Any]) -> str | None:
        k = ukey(u)
        if d.hidden(("moved", *k), ("started", *k)) or u["metrics"].get("sysselsattning") is None:
            return None
        return fmt.percent(u["metrics"].get("sysselsattning"))

    def row(u: dict[str, Any], label: str) -> dict[str, str]:
        k = ukey(u)
        cells = {cat.lower().replace(" ", "_"): d.text(("out", *k, cat)) for cat in cats}
        return {
            "label": label, "started": d.text(("started", *k)),
            "completers": d.text(("completers", *k)),
            "attendance": fmt.percent(u["metrics"].get("narvaro"), 1),
            "moved_on": d.text(("moved", *k)),
            "share_moved_on": moved_share(u) or PROTECTED_TEXT,
            **cells,
        }

    def people(key: Any, noun: str) -> str:
        """`11 deltagare`, `färre än 5 deltagare`, `ett dolt antal deltagare`."""
        phrase = d.phrase(key)
        return f"{phrase} {noun}" if phrase is not None else f"ett dolt antal {noun}"

    intake = _join([f"{people(('started', lvl, m['key']), 'deltagare')} i {mun(m)}" for m in members])
    weeks = {(m.get("weeks"), m.get("term")) for m in groups if m.get("weeks") is not None}
    intro = f"{name.capitalize()} startade den {fmt.date_long(o.get('start'))} med {intake}"
    if pooled is not None:
        intro = (f"{name.capitalize()} startade den {fmt.date_long(o.get('start'))} i "
                 f"{fmt.count(len(groups), 'grupp', 'grupper')} med {intake}")
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
    # -- a summarised report's outcome table already gives each municipality's outcomes --
    for cat in cats if pooled is None else ():
        counts = [(m, m["counts"].get("outcomes", {}).get(cat, 0)) for m in members]
        if not any(n for _, n in counts):
            continue
        shown = [f"{d.phrase(('out', lvl, m['key'], cat))} från {mun(m)}" for m, n in counts
                 if n and d.phrase(("out", lvl, m["key"], cat)) is not None]
        dolt = [mun(m) for m, n in counts if d.phrase(("out", lvl, m["key"], cat)) is None]
        text = _join(shown)
        if dolt:
            text += ("; " if text else "") + f"antalet från {_join(dolt)} är {PROTECT_NOTE}"
        bullets.append(f"{phrases[cat]}: {text}.")
    oc = o["counts"]
    shares = [(mun(m), moved_share(m)) for m in members]
    known = [f"{sh} av deltagarna från {place}" for place, sh in shares if sh is not None]
    unknown = [place for place, sh in shares if sh is None]
    total = ""
    if len(members) > 1:
        moved_total, started_total = d.phrase(("moved", *okey)), d.phrase(("started", *okey))
        if moved_total is not None and started_total is not None:
            share = moved_share(o)
            total = f" (totalt {moved_total} av {started_total}" + (f", {share})" if share else ")")
    if known:
        sentence = "Sammantaget har " + _join(known) + " gått vidare till arbete eller studier" + total + "."
        if unknown:
            sentence += (f" För {_join(unknown)} redovisas inte andelen, eftersom den bygger på dolda "
                         "antal (dolt för att skydda små tal).")
    else:
        sentence = (f"Andelen som gått vidare till arbete eller studier redovisas inte för {_join(unknown)}, "
                    f"eftersom den bygger på dolda antal (dolt för att skydda små tal){total}.")
    bullets.append(sentence)
    # -- only periods with placements offered: "period 1 deltog –" said nothing --
    periods = sorted((p for p, c in oc.get("internships", {}).items() if c.get("offered")),
                     key=lambda p: int(p) if str(p).isdigit() else 0)
    if not periods:
        bullets.append("Praktik: inga praktikplatser är registrerade i bladet Praktik.")
    else:
        parts = []
        for p in periods:
            m_key = f"praktik_deltagande_{p}"
            hidden = share_hidden(d, m_key, "omgang", o["key"])
            parts.append(f"period {p} deltog " + ("ett dolt antal" if hidden else value_text(
                "praktik", o["metrics"].get(m_key), o.get("basis", {}).get(m_key))))
        bullets.append("Praktik: " + _join(parts) + " av de erbjudna praktikplatserna.")

    type_lines = []
    # -- a summarised report breaks down the omgång's outcomes, not each municipality's --
    for m in members if pooled is None else [o]:
        where = mun(m) if m is not o else f"alla grupper i {name}"
        for cat in OUTCOME_CATEGORIES:
            items = type_items(m, cat)
            if not items:  # -- no Typ given for this category: nothing to break down --
                continue
            td = None if d.hidden(("out", *ukey(m), cat)) else type_decision(items, d.min_count)
            if td is None:
                # -- the category's count is hidden, so its breakdown would reveal it --
                type_lines.append(f"{cat}, {where}: fördelningen redovisas inte ({PROTECT_NOTE}).")
                continue
            type_lines.append(f"{cat}, {where}: "
                              + ", ".join(f"{td.text((0, j))} {t}" for j, (t, _n) in enumerate(items)) + ".")

    costs = o["costs"]
    n_p, moved_p, rem_p = (d.phrase((k, *okey)) for k in ("started", "moved", "remaining"))
    savings = costs["besparing"]
    hide_saving, hide_remaining = d.hidden(("moved", *okey)), d.hidden(("remaining", *okey))
    hide_nothing = d.hidden(("started", *okey))
    if hide_saving:
        saving_text = (f"Besparingen för {name} redovisas inte: den räknas på antalet som gått vidare, "
                       f"som är {PROTECT_NOTE}.")
    elif savings and costs["moved_on"]:
        saving_text = (f"Utifrån resultaten för {name} har samhället sparat "
                       + _join([f"{fmt.kr(r['cumulative'])} för år {r['year']}" for r in savings])
                       + " (ackumulerat), jämfört med om ingen hade gått vidare.")
    else:
        saving_text = f"Ingen deltagare i {name} har ännu gått vidare till arbete eller studier, så ingen besparing redovisas."

    def who(phrase: str | None, rest: str) -> str:
        return f"de {phrase} {rest}" if phrase is not None else f"dem {rest} (antalet är {PROTECT_NOTE})"

    def title(label: str, phrase: str | None, rest: str) -> str:
        return f"{label} – {phrase} {rest}" if phrase is not None else f"{label} – {rest} (antalet dolt)"

    def cost_rows(series: list[dict[str, int]], hide: bool) -> list[dict[str, str]]:
        # -- an amount is the count × K: printing it would print the hidden count --
        if hide:
            return [{"year": f"År {r['year']}", "annual": PROTECTED_TEXT, "cumulative": PROTECTED_TEXT}
                    for r in series]
        return _cost_rows(series)

    everyone = (f"{name}s {n_p} deltagare" if n_p is not None
                else f"deltagarna i {name} (antalet är {PROTECT_NOTE})")
    legend = {"nothing": f"Om ingenting händer ({n_p} deltagare)" if n_p else None,
              "saving": f"Besparing ({moved_p})" if moved_p and not hide_saving else None,
              "remaining": f"Kvarstående ({rem_p})" if rem_p and not hide_remaining else None}
    return {
        "heading": f"Resultat {name}", "name": name, "name_lower": name, "intro": intro, "bullets": bullets,
        "participation_table_no": str(numbers["participation"]), "outcome_table_no": str(numbers["outcome"]),
        "rows": [row(m, m["label"]) for m in members], "total": row(o, f"Totalt {name}"),
        # -- a one-group omgång would repeat its only row as a total --
        "show_total": len(members) > 1,
        "type_lines": type_lines,
        "suppression_note": note(d) if d.any_hidden else "",
        "cost_intro": (f"Tabellerna visar samhällskostnaden om ingen av {everyone} går "
                       f"vidare till sysselsättning (om ingenting händer), vad samhället sparar på "
                       f"{who(moved_p, 'som gått vidare till arbete eller studier')} (besparing) och kostnaden "
                       f"för {who(rem_p, 'som ännu inte gått vidare')} (kvarstående kostnad)."),
        "nothing": {"table_no": str(numbers["nothing"]), "rows": cost_rows(costs["om_ingenting_hander"], hide_nothing),
                    "title": title("Om ingenting händer", n_p, f"deltagare i {name}")},
        "saving": {"table_no": str(numbers["saving"]), "rows": cost_rows(savings, hide_saving),
                   "title": title("Besparing", moved_p, "deltagare som gått vidare till arbete eller studier")},
        "remaining": {"table_no": str(numbers["remaining"]), "rows": cost_rows(costs["kvarstaende"], hide_remaining),
                      "title": title("Kvarstående kostnad", rem_p, "deltagare utan sysselsättning")},
        # -- a summarised report's chapters have no chart each: the tables give the amounts --
        "chart": "", "show_chart": pooled is None, "figure_no": str(numbers["figure"]), "legend": legend,
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


def _project(results: dict[str, Any], table_no: int, figure_no: int, d: Decision | None = None) -> dict[str, Any]:
    unit = results["levels"].get("project", {}).get("all")
    if unit is None:
        return {"text": "Inga grupper är registrerade.", "rows": [], "chart": "", "table_no": str(table_no),
                "figure_no": str(figure_no), "table_title": "Samhällskostnad", "figure_title": "Samhällskostnad"}
    c = unit["costs"]
    key = ("started", "project", "all")
    if d is not None and key in d.values and d.hidden(key):
        # -- the amounts are the count × K: with the count hidden they are hidden too --
        return {"text": f"Samhällskostnaden för projektets deltagare redovisas inte: antalet är {PROTECT_NOTE}.",
                "rows": [], "chart": "", "table_no": str(table_no), "figure_no": str(figure_no),
                "table_title": "Samhällskostnad", "figure_title": "Samhällskostnad", "hidden": True}
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
    if len(results["meta"].get("sources") or []) > 1:
        text += " " + SEVERAL_WORKBOOKS_NOTE
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

    min_count = int(params.get("min_count") or 0)
    # -- the one suppression decision for every count of the report (report/counts.py) --
    ended = ended_omgangar(results)
    active_metrics = [g["metric"] for g in results.get("goals", []) if g.get("active", True)]
    large = summary.is_large(len(groups))
    if large:
        # -- a summarised report: goal values per omgång (matrix) and per municipality (details) --
        goal_units = {("omgang", o["key"]) for o in omgangar_all} | {("municipality", m["key"]) for m in municipalities}
        parts: dict[str, list[dict[str, Any]]] | None = {o["key"]: summary.omgang_parts(results, o) for o in ended}
    else:
        goal_units = ({("group", g["key"]) for g in groups}
                      | {("omgang", o["key"]) for o in omgangar_all if len(o.get("group_ids", [])) > 1}
                      | ({("municipality", m["key"]) for m in municipalities}
                         if len(municipalities) > 1 or not omgangar_all else set()))
        parts = None
    d = report_decision(results, ended, active_metrics, goal_units, parts)
    columns, matrix, details = _goals(results, groups, omgangar_all, municipalities, d, large)
    previous = cp.previous_goal_cells(results)
    if previous:
        columns = [*columns, "Föregående period"]
        active_ids = [g["id"] for g in results.get("goals", []) if g.get("active", True)]
        for row, gid in zip(matrix, active_ids, strict=True):
            st = previous.get(gid, STATUSES[3])
            row["cells"] = [*row["cells"], {"fill": STATUS_FILL.get(st, "FFFFFF"), "value": "", "status": st}]
    method_rows, method_summary = _method(groups)
    if large:
        method_rows = summary.method_rows(results, omgangar_all, period_keys)
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
    project = _project(results, table_no, 1, d)
    table_no += 1
    actors = actors_context(results, table_no, 2, d)
    table_no += len(ACTOR_TABLES) if actors["show"] else 0
    figure_no = 3 if actors["show_chart"] else 2
    omgangar = []
    for o in ended:
        numbers = {"participation": table_no, "outcome": table_no + 1, "nothing": table_no + 2,
                   "saving": table_no + 3, "remaining": table_no + 4, "figure": figure_no}
        o_ctx = _omgang(results, o, numbers, d, None if parts is None else parts[o["key"]])
        omgangar.append(o_ctx)
        table_no += 5
        figure_no += 1 if o_ctx["show_chart"] else 0
    comparison = cp.comparison(results, table_no, d)
    table_no += 1 if comparison["show"] else 0
    over_time = cp.over_time(results, table_no, figure_no, min_count, large, d)
    kind = cp.words(results)
    # -- the chapter Uppföljning efter avslut comes after Resultat över tid (xlpy/report/context_followup.py) --
    table_no += 1 if over_time["show"] else 0
    figure_no += len(over_time["charts"])
    followup, table_no, figure_no = followup_context(results, table_no, figure_no, d)
    # -- the survey chapters follow Uppföljning efter avslut --
    surveys, table_no, figure_no = surveys_context(results, table_no, figure_no, min_count, d, large)

    problems = results.get("problems", [])
    errors = sum(1 for p in problems if p.get("severity") == "fel")
    warnings = len(problems) - errors
    found = ("Kontrollen fann inga problem i underlaget." if not problems else
             f"Kontrollen fann {fmt.number(errors)} fel och {fmt.count(warnings, 'varning', 'varningar')} i underlaget; "
             "de finns i bladet Kontroll.")
    sources = meta.get("sources") or []
    if len(sources) > 1:
        data_note = (f"Rapporten är skapad med xlpy {meta.get('version') or '–'} från {fmt.number(len(sources))} "
                     f"arbetsböcker som sammanställts: {_join(list(sources))}. Alla siffror räknas fram ur deras "
                     f"blad tillsammans, som om raderna stod i en arbetsbok. {SEVERAL_WORKBOOKS_NOTE} Rapportdatum "
                     f"är {fmt.date_long(end)} (Rapportperiod slut). {found}")
    else:
        data_note = (f"Rapporten är skapad från arbetsboken {meta.get('source') or '–'} med xlpy "
                     f"{meta.get('version') or '–'}. Alla siffror räknas fram ur arbetsbokens blad; rapportdatum är "
                     f"{fmt.date_long(end)} (Rapportperiod slut). {found}")
    if d.any_hidden:
        data_note += " " + note(d)
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
        "summarised": large,
        # -- the first column's heading of the staffing, method and Resultat tables --
        "heads": {"staffing": "Kommun" if large else "Grupp", "method": "Omgång" if large else "Grupp",
                  "unit": "Kommun" if large else "Grupp"},
        "titles": {"staffing": "Bemanning per kommun, medel per grupp" if large else "Bemanning per grupp",
                   "method": ("Omgångarnas omfattning enligt bladet Grupper" if large
                              else "Gruppernas omfattning enligt bladet Grupper"),
                   "goals": "Måluppfyllelse per omgång" if large else "Måluppfyllelse per grupp",
                   "goal_details": "Målen per kommun" if large else "Målen grupp för grupp"},
        "summary_note": (f"Rapporten omfattar {fmt.count(len(groups), 'grupp', 'grupper')} i perioden och redovisar "
                         "därför per omgång och per kommun. Varje grupps siffror finns i arbetsbokens blad Resultat, "
                         "Måluppfyllelse, Samhällskostnad och Över tid." if large else ""),
        "staffing": summary.staffing(results, groups) if large else _staffing(results, groups),
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
        "surveys": surveys,
        "survey_appendix": appendix_context(results, min_count, d) if surveys else [],
        "data_note": data_note,
    })
