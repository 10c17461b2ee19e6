"""Who saves what: the cost tables split by actor, "varav finansiella", the low/base/high sensitivity and
the insats's own cost against the saving (METRICS.md, "Costs per actor, sensitivity and the insats's own
cost").

K comes from the Kostnadsposter sheet (Σ Bas, Σ Låg, Σ Hög); without rows it is Inställningar's real and
financial costs as two items of the actor `Ej fördelat` with Låg = Bas = Hög, so every table stays what it
was. All amounts are whole kronor; every split is apportioned from the unit's own table (largest
remainder), so the actor rows add up to the table to the krona. Imports no IO library.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pandas as pd

from xlpy.core import costs
from xlpy.model import Settings
from xlpy.spec import (
    ACTOR_UNALLOCATED,
    ACTORS,
    COST_KIND_FINANCIAL,
    COST_KIND_REAL,
    SCENARIOS,
)

# -- the tables that are split by actor, as METRICS.md names them in the JSON --
SPLIT_TABLES = ("om_ingenting_hander", "besparing", "kvarstaende")
_SCENARIO_FIELD = {"låg": "low", "bas": "base", "hög": "high"}


@dataclass(frozen=True)
class CostItem:
    """One cost item per person and year (SEK): who bears it, real or financial, three values and a source."""

    item: str
    actor: str
    kind: str
    low: float
    base: float
    high: float
    source: str

    def value(self, scenario: str = "bas") -> float:
        """The item's amount in `scenario` (låg, bas or hög), SEK per person and year."""
        return float(getattr(self, _SCENARIO_FIELD[scenario]))


def default_items(settings: Settings) -> list[CostItem]:
    """The two Inställningar cost keys as items of `Ej fördelat`, Låg = Bas = Hög (no Kostnadsposter rows)."""
    return [
        CostItem("Reala kostnader per person och år", ACTOR_UNALLOCATED, COST_KIND_REAL,
                 settings.real_cost, settings.real_cost, settings.real_cost, settings.cost_source),
        CostItem("Finansiella kostnader per person och år", ACTOR_UNALLOCATED, COST_KIND_FINANCIAL,
                 settings.financial_cost, settings.financial_cost, settings.financial_cost, settings.cost_source),
    ]


def cost_items(frame: pd.DataFrame, settings: Settings) -> list[CostItem]:
    """The usable Kostnadsposter rows (validated, Låg and Hög filled in), in sheet order; without any,
    the defaults of Inställningar (`default_items`)."""
    if frame is None or frame.empty or "base" not in frame:
        return default_items(settings)
    items = []
    for r in frame.to_dict("records"):
        base = float(r["base"])
        low = base if pd.isna(r.get("low")) else float(r["low"])
        high = base if pd.isna(r.get("high")) else float(r["high"])
        items.append(CostItem(str(r["item"]), str(r["actor"]), str(r["kind"]), low, base, high, str(r["source"])))
    return items or default_items(settings)


def k_value(items: list[CostItem], scenario: str = "bas", actor: str | None = None,
            kind: str | None = None) -> float:
    """K: Σ of the items' amounts in `scenario`, optionally of one actor and/or one kind (SEK per person-year)."""
    return sum(i.value(scenario) for i in items
               if (actor is None or i.actor == actor) and (kind is None or i.kind == kind))


def actors_of(items: list[CostItem]) -> list[str]:
    """The actors that have items, in the contract's order (Kommun first, Ej fördelat last)."""
    present = {i.actor for i in items}
    return [a for a in ACTORS if a in present]


def apportion(total: int, parts: list[float]) -> list[int]:
    """Split the whole-krona `total` in proportion to `parts` (largest remainder): the shares are whole
    kronor, each within 1 kr of its exact value, and they sum to `total` exactly. Ties go to the earlier part."""
    weight = sum(parts)
    if not parts:
        return []
    if weight <= 0:
        return [total] + [0] * (len(parts) - 1) if total else [0] * len(parts)
    exact = [total * p / weight for p in parts]
    out = [math.floor(x) for x in exact]
    rest = total - sum(out)
    order = sorted(range(len(parts)), key=lambda i: (-(exact[i] - out[i]), i))
    for i in order[:rest]:
        out[i] += 1
    return out


def _cumulate(annual: list[int]) -> list[dict[str, int]]:
    out, total = [], 0
    for t, a in enumerate(annual, start=1):
        total += a
        out.append({"year": t, "annual": a, "cumulative": total})
    return out


def _split(table: list[dict[str, int]], weights: list[float]) -> list[list[dict[str, int]]]:
    """One series per weight: each year's annual amount of `table` apportioned by `weights`."""
    per_year = [apportion(r["annual"], weights) for r in table]
    return [_cumulate([year[j] for year in per_year]) for j in range(len(weights))]


def unit_costs(people: int, moved_on: int, settings: Settings, items: list[CostItem]) -> dict[str, Any]:
    """The `costs` dict of one unit (docs/RESULTS.md): the cost tables with K = Σ Bas of `items`, Besparing
    and Kvarstående with Varaktighet, `per_actor` (each split table by actor), `financial` (varav finansiella
    of each split table) and `sensitivity` (last Kalkylår, cumulative, with K_låg, K_bas, K_hög).

    moved_on: the count Besparing is computed on (at exit, or at a follow-up point): the caller decides."""
    tables = costs.cost_tables(people, moved_on, settings, k_value(items))
    actors = actors_of(items)
    weights = [k_value(items, actor=a) for a in actors]
    per_actor: dict[str, dict[str, list[dict[str, int]]]] = {}
    for key in ("om_ingenting_hander", "besparing"):
        per_actor[key] = dict(zip(actors, _split(tables[key], weights), strict=True))  # type: ignore[arg-type]
    per_actor["kvarstaende"] = {a: costs.difference(per_actor["om_ingenting_hander"][a], per_actor["besparing"][a])
                                for a in actors}
    kinds = [k_value(items, kind=COST_KIND_FINANCIAL), k_value(items, kind=COST_KIND_REAL)]
    financial = {key: _split(tables[key], kinds)[0] for key in ("om_ingenting_hander", "besparing")}  # type: ignore[arg-type]
    financial["kvarstaende"] = costs.difference(financial["om_ingenting_hander"], financial["besparing"])
    sensitivity = {}
    for scenario in SCENARIOS:
        k = k_value(items, scenario)
        nothing = costs.if_nothing_happens(people, settings, k)
        saved = costs.saving(moved_on, settings, k)
        sensitivity[scenario] = {
            "k": costs.whole_kronor(k),
            "om_ingenting_hander": nothing[-1]["cumulative"] if nothing else 0,
            "besparing": saved[-1]["cumulative"] if saved else 0,
        }
    return {**tables, "per_actor": per_actor, "financial": financial, "sensitivity": sensitivity}


def insats_cost(budget: pd.DataFrame, first_year: int | None, last_year: int | None) -> int | None:
    """What the insats cost (SEK): Σ Utfall of the Budget rows with År in first_year..last_year, Budget
    where Utfall is empty (an Utfall of 0 is 0). None without Budget rows or without a period to sum over."""
    if budget is None or budget.empty or "year" not in budget or first_year is None or last_year is None:
        return None
    total = 0.0
    for r in budget.to_dict("records"):
        year = r.get("year")
        if year is None or pd.isna(year) or not first_year <= int(year) <= last_year:
            continue
        actual, planned = r.get("actual"), r.get("budget")
        amount = actual if actual is not None and not pd.isna(actual) else planned
        if amount is not None and not pd.isna(amount):
            total += float(amount)
    return costs.whole_kronor(total)


def payback(cost: int | None, project_costs: dict[str, Any] | None) -> dict[str, Any]:
    """`insats_cost`, `netto` (project Besparing cumulative over Kalkylår − insats cost, SEK) and
    `payback_months` (insats cost / (first-year Besparing / 12), one decimal; None without a saving)."""
    saved = project_costs["besparing"] if project_costs else []
    if cost is None or not saved:
        return {"insats_cost": cost, "netto": None, "payback_months": None}
    first = saved[0]["annual"]
    months = None if first <= 0 else round(cost / (first / 12), 1)
    return {"insats_cost": cost, "netto": saved[-1]["cumulative"] - cost, "payback_months": months}


def items_json(items: list[CostItem]) -> list[dict[str, Any]]:
    """The cost items as the results dict's `parameters.cost_items` (amounts whole kronor where whole)."""
    def num(x: float) -> float | int:
        return int(x) if float(x).is_integer() else x

    return [{"item": i.item, "actor": i.actor, "kind": i.kind, "low": num(i.low), "base": num(i.base),
             "high": num(i.high), "source": i.source} for i in items]
