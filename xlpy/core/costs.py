"""The socio-economic cost model (after Ingvar Nilsson), as METRICS.md defines it.

All amounts are whole Swedish kronor. A series is a list of {"year", "annual", "cumulative"} dicts for
years 1..horizon; with a discount rate r > 0, year t's amount is divided by (1 + r)^(t - 1).
"""

from __future__ import annotations

import functools
from decimal import ROUND_HALF_UP, Decimal

from xlpy.model import Settings


# -- cached: the same amounts recur across the units and years of a workbook (a pure function of x) --
@functools.lru_cache(maxsize=1 << 16)
def whole_kronor(x: float) -> int:
    """Round to whole kronor, half up (0,5 kr -> 1 kr), as people round money."""
    return int(Decimal(repr(float(x))).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def series(annual_amount: float, years: int, discount_rate: float = 0.0) -> list[dict[str, int]]:
    """Yearly and cumulative amounts for `years` years of a constant yearly amount (SEK).

    Each year's amount is rounded to whole kronor before summing, so the cumulative column is the exact
    sum of the annual column a reader sees.
    """
    out: list[dict[str, int]] = []
    total = 0
    for t in range(1, years + 1):
        annual = whole_kronor(annual_amount / (1.0 + discount_rate) ** (t - 1))
        total += annual
        out.append({"year": t, "annual": annual, "cumulative": total})
    return out


def yearly_series(amounts: list[float], discount_rate: float = 0.0) -> list[dict[str, int]]:
    """Like `series`, for a yearly amount that changes: amounts[t - 1] is year t's undiscounted amount (SEK)."""
    out: list[dict[str, int]] = []
    total = 0
    for t, amount in enumerate(amounts, start=1):
        annual = whole_kronor(amount / (1.0 + discount_rate) ** (t - 1))
        total += annual
        out.append({"year": t, "annual": annual, "cumulative": total})
    return out


def difference(a: list[dict[str, int]], b: list[dict[str, int]]) -> list[dict[str, int]]:
    """Year by year a − b (annual and cumulative), so that b + (a − b) = a holds to the krona."""
    return [{"year": x["year"], "annual": x["annual"] - y["annual"], "cumulative": x["cumulative"] - y["cumulative"]}
            for x, y in zip(a, b, strict=True)]


def still_moved_on(moved_on: float, years: int, persistence: float = 1.0) -> list[float]:
    """The people of a Besparing table in years 1..years: moved_on × v^(t − 1) (Varaktighet v)."""
    return [moved_on * persistence ** (t - 1) for t in range(1, years + 1)]


def if_nothing_happens(people: int, settings: Settings, k: float | None = None) -> list[dict[str, int]]:
    """"Om ingenting händer": people × K per year, K = real + financial costs per person-year (SEK), or `k`."""
    cost = settings.cost_per_person_year if k is None else k
    return series(people * cost, settings.horizon_years, settings.discount_rate)


def saving(moved_on: float, settings: Settings, k: float | None = None) -> list[dict[str, int]]:
    """Besparing: moved_on × v^(t − 1) × K in year t (Varaktighet v; v = 1 gives moved_on × K every year)."""
    cost = settings.cost_per_person_year if k is None else k
    people = still_moved_on(moved_on, settings.horizon_years, settings.persistence)
    return yearly_series([n * cost for n in people], settings.discount_rate)


def production_loss(people: int, settings: Settings) -> list[dict[str, int]]:
    """Produktionsbortfall: people × monthly wage × 12 × (1 + payroll tax) per year (SEK)."""
    yearly = people * settings.monthly_wage * 12 * (1.0 + settings.payroll_tax)
    return series(yearly, settings.horizon_years, settings.discount_rate)


def cost_tables(people: int, moved_on: int, settings: Settings, k: float | None = None) -> dict[str, object]:
    """The cost tables of one unit: Om ingenting händer (all started), Besparing (moved on, × v^(t − 1)),
    Kvarstående (the rest: Om ingenting händer − Besparing, year by year, so the two always add up),
    Produktionsbortfall and their total with Om ingenting händer. `k`: K in SEK per person and year
    (None = Inställningar's real + financial costs)."""
    nothing = if_nothing_happens(people, settings, k)
    saved = saving(moved_on, settings, k)
    loss = production_loss(people, settings)
    total = [
        {"year": a["year"], "annual": a["annual"] + b["annual"], "cumulative": a["cumulative"] + b["cumulative"]}
        for a, b in zip(nothing, loss, strict=True)
    ]
    return {
        "people": people,
        "moved_on": moved_on,
        "remaining": people - moved_on,
        "om_ingenting_hander": nothing,
        "besparing": saved,
        "kvarstaende": difference(nothing, saved),
        "produktionsbortfall": loss,
        "total": total,
    }
