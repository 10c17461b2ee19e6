"""The report's "Vem sparar vad" section: the project's saving per actor and year, its sensitivity, the
insats's own cost against it, and every parameter with its source (METRICS.md, "Costs per actor,
sensitivity and the insats's own cost").

Kept apart from context.py so the cost chapter grows here. Built from the results dict only; counts of
people go through the one suppression decision (xlpy.core.suppress); amounts are whole kronor in Swedish
form. The chart slot holds "" until render.py puts the image there.
"""

from __future__ import annotations

from typing import Any

from xlpy import fmt
from xlpy.core.suppress import PROTECT_NOTE, PROTECTED_TEXT, Decision, count_text
from xlpy.spec import SCENARIOS

SCENARIO_NAMES = {"låg": "Låg", "bas": "Bas", "hög": "Hög"}
# -- the tables this section adds, in document order; context.py numbers the tables after them --
TABLES = ("actors", "sensitivity", "parameters")


def _parameter_rows(results: dict[str, Any]) -> list[dict[str, str]]:
    """Every parameter of the cost model with its value and source: the cost items (Kostnadsposter, or the
    two Inställningar keys), then wage, payroll tax, discount rate, Kalkylår and Varaktighet."""
    p = results["parameters"]
    rows = [{"name": f"{i['item']} ({i['kind'].lower()})", "actor": i["actor"], "kind": i["kind"],
             "low": fmt.kr(i["low"]), "base": fmt.kr(i["base"]), "high": fmt.kr(i["high"]),
             "range": "–" if i["low"] == i["high"] else f"{fmt.number(i['low'])}–{fmt.kr(i['high'])}",
             "source": i["source"] or "–"}
            for i in p.get("cost_items", [])]
    # -- the other parameters are the workbook's own settings, under the same names as in Inställningar --
    for name, value in (
        ("Månadslön vid arbete", fmt.kr(p.get("monthly_wage"))),
        ("Arbetsgivaravgift", fmt.percent(p.get("payroll_tax") or 0, 2)),
        ("Diskonteringsränta", fmt.percent(p.get("discount_rate") or 0, 2)),
        ("Kalkylår", fmt.number(p.get("horizon_years"))),
        ("Varaktighet", fmt.percent(p.get("persistence", 1), 0)),
    ):
        rows.append({"name": name, "actor": "", "kind": "", "low": "", "base": value, "high": "", "range": "",
                     "source": "Bladet Inställningar"})
    return rows


def _insats_text(results: dict[str, Any], saved_total: int, horizon: int) -> str:
    cost = results.get("insats_cost")
    if cost is None:
        return ("Insatsens egen kostnad redovisas inte: bladet Budget har inga rader. Med budget och utfall per "
                "år visar rapporten här insatsens kostnad, netto och återbetalningstid.")
    end = (results["meta"].get("report_end") or "")[:4] or "rapportåret"
    text = (f"Insatsen har kostat {fmt.kr(cost)} till och med {end} (bladet Budget: utfall, annars budget). "
            f"Mot besparingen {fmt.kr(saved_total)} under {fmt.number(horizon)} kalkylår blir nettot "
            f"{fmt.kr(results.get('netto'))}")
    months = results.get("payback_months")
    if months is None:
        return text + "; ingen deltagare har gått vidare, så insatsen har ingen återbetalningstid ännu."
    return text + (f", och insatsen är återbetald efter {fmt.number(months, 1)} månader räknat på det första "
                   "årets besparing.")


def _counts(c: dict[str, Any], min_count: int, d: Decision | None) -> tuple[str, str, bool, bool]:
    """The project's people and moved-on counts as written in running text, and whether each is hidden: through the report's
    one decision `d` when given (keys ("started"|"moved", "project", "all")), else on their own."""
    out: list[tuple[str, bool]] = []
    for kind, n in (("started", int(c["people"])), ("moved", int(c["moved_on"]))):
        key = (kind, "project", "all")
        if d is not None and key in d.values:
            out.append((d.phrase(key) or "ett dolt antal", d.hidden(key)))
        else:
            small = min_count > 1 and 0 < n < min_count
            out.append((f"färre än {min_count}" if small else count_text(n, False, min_count), small))
    (people, people_hidden), (moved, moved_hidden) = out
    return people, moved, people_hidden, moved_hidden


def actors_context(results: dict[str, Any], first_table: int, figure_no: int,
                   d: Decision | None = None) -> dict[str, Any]:
    """The `actors` context: `table_no` per table of TABLES from `first_table`, the figure number, the
    actors × years table of the project's Besparing (cumulative), the sensitivity rows, the insats text
    and the parameter rows with sources. `show` is False when there are no groups (or the results dict is
    from a version without the actor split).

    `d` is the report's one suppression decision: the amounts are the counts × K, so with the moved-on
    count hidden every saving amount is printed as `–` (and with the people hidden, Om ingenting händer)."""
    numbers = {name: str(first_table + i) for i, name in enumerate(TABLES)}
    unit = results["levels"].get("project", {}).get("all")
    base = {"show": False, "show_chart": False, "tables": numbers, "figure_no": str(figure_no), "chart": ""}
    if unit is None or "per_actor" not in unit["costs"]:
        return base
    min_count = int(results["parameters"].get("min_count") or 0)
    c = unit["costs"]
    years = [f"År {r['year']}" for r in c["besparing"]]
    rows = [{"label": actor, "cells": [fmt.kr(r["cumulative"]) for r in series]}
            for actor, series in c["per_actor"]["besparing"].items()]
    total = {"label": "Summa", "cells": [fmt.kr(r["cumulative"]) for r in c["besparing"]]}
    financial = {"label": "varav finansiella", "cells": [fmt.kr(r["cumulative"]) for r in c["financial"]["besparing"]]}
    sensitivity = [{"scenario": SCENARIO_NAMES[s], "k": fmt.kr(c["sensitivity"][s]["k"]),
                    "nothing": fmt.kr(c["sensitivity"][s]["om_ingenting_hander"]),
                    "saving": fmt.kr(c["sensitivity"][s]["besparing"])} for s in SCENARIOS]
    params = results["parameters"]
    people, moved, people_hidden, moved_hidden = _counts(c, min_count, d)
    horizon = len(c["besparing"])
    saved_total = c["besparing"][-1]["cumulative"] if c["besparing"] else 0
    if params.get("cost_items_from_sheet"):
        split = ("Kostnaden per person och år är fördelad på aktörer enligt bladet Kostnadsposter; varje "
                 "aktörs andel är antalet personer gånger aktörens egen kostnad, och raderna summerar till "
                 "projektets besparing.")
    else:
        split = ("Bladet Kostnadsposter är tomt, så kostnaden per person och år är inte fördelad på aktörer "
                 "(allt står som Ej fördelat) och låg, bas och hög är samma värde. Fyll i bladet för att visa "
                 "vem som sparar vad.")
    sens = c["sensitivity"]
    if moved_hidden:
        # -- a saving is moved-on × K: printing it would give the hidden count away --
        rows = [{**r, "cells": [PROTECTED_TEXT] * len(r["cells"])} for r in rows]
        total = {**total, "cells": [PROTECTED_TEXT] * len(total["cells"])}
        financial = {**financial, "cells": [PROTECTED_TEXT] * len(financial["cells"])}
        sensitivity = [{**s, "saving": PROTECTED_TEXT} for s in sensitivity]
        said = (f"Antalet som gått vidare är {PROTECT_NOTE}, så besparingen redovisas inte i kronor "
                "(den är antalet gånger kostnaden per person).")
    else:
        said = f"Besparingen för dem är {fmt.kr(saved_total)} under {fmt.number(horizon)} år."
    if people_hidden:
        sensitivity = [{**s, "nothing": PROTECTED_TEXT} for s in sensitivity]
    text = (f"Av projektets {people} deltagare hittills har {moved} gått vidare till arbete eller studier. "
            f"{said} {split} "
            "Finansiella kostnader (ersättningar och bidrag) visas för sig: för samhället som helhet flyttar "
            "de pengar mellan aktörer snarare än förbrukar dem.")
    if moved_hidden or people_hidden:
        sens_text = "Känslighetens belopp för de dolda antalen visas inte."
    elif sens["låg"] == sens["hög"]:
        sens_text = ("Kostnaderna har inga låga och höga värden skilda från basvärdet, så besparingen är densamma "
                     "i alla tre fallen.")
    else:
        sens_text = (f"Med de låga värdena blir besparingen {fmt.kr(sens['låg']['besparing'])} och med de höga "
                     f"{fmt.kr(sens['hög']['besparing'])} (sista kalkylåret, ackumulerat).")
    return {
        **base,
        "show": True,
        # -- one actor (Ej fördelat) has nothing to compare: the table says it all --
        "show_chart": len(rows) > 1 and not moved_hidden,
        "text": text,
        "years": years,
        "rows": rows,
        "total": total,
        "financial": financial,
        "table_title": ("Besparing per aktör för dem som gått vidare, ackumulerat per år" if moved_hidden else
                        f"Besparing per aktör för de {moved} som gått vidare, ackumulerat per år"),
        "figure_title": "Besparing per aktör, ackumulerat per kalkylår (kr)",
        "sensitivity": sensitivity,
        "sensitivity_title": "Känslighet: samhällskostnad och besparing med låga, bas- och höga värden, "
                             f"år {fmt.number(horizon)} ackumulerat",
        "sensitivity_text": sens_text,
        "insats_text": (_insats_text(results, saved_total, horizon) if not moved_hidden else
                        "Insatsens netto och återbetalningstid redovisas inte: de räknas från den dolda besparingen."),
        "parameters": _parameter_rows(results),
        "parameters_title": "Parametrar i beräkningen och deras källor",
    }
