"""Worksheet functions (xlwings UDFs) staff can type in cells, e.g. `=FS_NARVARO("K2")`.

The cost functions are pure arithmetic and never touch the workbook. The functions about a group read
the calling workbook's input sheets (one range read per sheet) and compute the results dict once per
distinct input: the results are cached on a fingerprint of the values, so Excel's frequent
recalculations cost a read and a hash, not a recomputation. Every figure comes from `xlpy.core`; these
functions only look it up. Errors are returned as Swedish text in the cell, never raised into Excel.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from typing import Any

import xlwings as xw

from xlpy.core import compute
from xlpy.core.costs import whole_kronor
from xlpy.io.memory import MemoryWorkbook
from xlpy.io.xlwings_backend import XlwingsBook
from xlpy.jobs import load
from xlpy.model import Settings
from xlpy.spec import ACTORS, SCENARIOS

CATEGORY = "Första Steget"
_DEFAULTS = Settings()
_CACHE_SIZE = 4  # workbooks kept; a user rarely has more than a couple open
_cache: OrderedDict[str, dict[str, Any]] = OrderedDict()
# -- argument help shown in Excel's function wizard, shared by the functions that take the argument --
_GROUP_HELP = "GruppID (t.ex. K2), Gruppnummer, kommun eller all för hela projektet."
_YEARS_HELP = "Antal år (kumulativt). Tomt = 1 år."
_COST_HELP = ("Kostnad per person och år i kronor, eller en aktör ur bladet Kostnadsposter (t.ex. Kommun) eller "
              "alla. Tomt = 152 000 kr (reala + finansiella).")
_SCENARIO_HELP = "låg, bas eller hög: vilket värde i bladet Kostnadsposter. Tomt = bas."


def _number_or(value: Any, default: float) -> float:
    """An Excel argument as a number; an empty cell (None or "") gives `default`. Raises ValueError or
    TypeError for text that is no number, which the functions turn into a message in the cell."""
    return default if value is None or value == "" else float(value)


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _actor_cost(caller: Any, actor: Any, scenario: Any) -> float | str:
    """K (SEK per person and year) of `actor` ("" or "alla" = every actor) in `scenario` from the calling
    workbook's Kostnadsposter (Inställningar when it has no rows), or the message the cell shows instead."""
    chosen = "bas" if _is_empty(scenario) else str(scenario).strip().lower()
    if chosen not in SCENARIOS:
        return f"Fel: scenario ska vara {', '.join(SCENARIOS)}, inte {scenario}."
    wanted = "" if _is_empty(actor) else str(actor).strip()
    names = {a.lower(): a for a in ACTORS}
    if wanted and wanted.lower() != "alla" and wanted.lower() not in names:
        return f"Okänd aktör: {actor}. Tillåtet: {', '.join(ACTORS)} eller alla."
    try:
        results = results_for_book(caller.sheet.book)
    except Exception as exc:  # noqa: BLE001 - a cell shows the reason instead of #VALUE!
        return f"Fel: {exc}"
    field = {"låg": "low", "bas": "base", "hög": "high"}[chosen]
    who = names.get(wanted.lower())
    return float(sum(i[field] for i in results["parameters"]["cost_items"] if who is None or i["actor"] == who))


def _people_cost(people: Any, ar: Any, kostnad: Any, scenario: Any = None, caller: Any = None) -> Any:
    """people × K × years in whole kronor, or a Swedish message for the cell: the model behind both
    FS_SAMHALLSKOSTNAD (all participants) and FS_BESPARING (those who moved on). `kostnad` is K itself (a
    number; empty = 152 000 kr) or an actor whose K, in `scenario`, comes from the calling workbook."""
    by_actor = isinstance(kostnad, str) and not _is_empty(kostnad) or not _is_empty(scenario)
    if by_actor and isinstance(kostnad, (int, float)) and not isinstance(kostnad, bool):
        return "Fel: ange antingen en kostnad i kronor eller en aktör med scenario, inte båda."
    try:
        if by_actor:
            found = _actor_cost(caller, kostnad, scenario)
            if isinstance(found, str):
                return found
            k = found
        else:
            k = _number_or(kostnad, _DEFAULTS.cost_per_person_year)
        return whole_kronor(float(people) * k * _number_or(ar, 1.0))
    except (TypeError, ValueError):
        return "Fel: antal och år måste vara tal, kostnaden ett tal eller en aktör."


def _fingerprint(values: dict[str, list[list[Any]]]) -> str:
    digest = hashlib.sha256()
    for name in sorted(values):
        digest.update(name.encode("utf-8"))
        digest.update(repr(values[name]).encode("utf-8"))
    return digest.hexdigest()


def results_for_book(book: Any) -> dict[str, Any]:
    """The core's results dict for an xlwings `book`, computed only when its input values changed."""
    source = XlwingsBook(book)
    values = source.read_input_values()
    key = _fingerprint(values)
    if key in _cache:
        _cache.move_to_end(key)
        return _cache[key]
    results = compute(load(MemoryWorkbook(values, name=source.name)))
    _cache[key] = results
    while len(_cache) > _CACHE_SIZE:
        _cache.popitem(last=False)
    return results


def _group_unit(results: dict[str, Any], gruppid: Any) -> dict[str, Any] | None:
    key = str(gruppid if gruppid is not None else "").strip()
    if isinstance(gruppid, float) and gruppid.is_integer():
        key = str(int(gruppid))
    for level in ("group", "omgang", "municipality", "project"):
        for unit_key, unit in results["levels"][level].items():
            if unit_key.lower() == key.lower():
                return unit
    return None


def _unit_for(caller: Any, gruppid: Any) -> tuple[dict[str, Any] | None, str]:
    """(the calling workbook's unit for `gruppid`, "") or (None, the message the cell shows instead)."""
    try:
        results = results_for_book(caller.sheet.book)
    except Exception as exc:  # noqa: BLE001 - a cell shows the reason instead of #VALUE!
        return None, f"Fel: {exc}"
    unit = _group_unit(results, gruppid)
    return (unit, "") if unit is not None else (None, f"Okänd grupp: {gruppid}")


def _metric(caller: Any, gruppid: Any, metric: str) -> Any:
    unit, message = _unit_for(caller, gruppid)
    if unit is None:
        return message
    value = unit["metrics"].get(metric)
    return "Underlag saknas" if value is None else value


@xw.func(category=CATEGORY)
@xw.arg("gruppid", doc=_GROUP_HELP)
def FS_NARVARO(gruppid: Any, caller: Any = None) -> Any:  # noqa: N802 - Excel function names are upper case
    # -- `caller` is filled in by xlwings with the calling cell; the VBA wrapper passes Nothing --
    """Närvaro för en grupp: närvarande dagar delat med schemalagda dagar (andel, 0,81 = 81 %)."""
    return _metric(caller, gruppid, "narvaro")


@xw.func(category=CATEGORY)
@xw.arg("gruppid", doc=_GROUP_HELP)
def FS_SYSSELSATTNING(gruppid: Any, caller: Any = None) -> Any:  # noqa: N802
    """Andel av de startade deltagarna som gått vidare till arbete eller studier (0,64 = 64 %)."""
    return _metric(caller, gruppid, "sysselsattning")


@xw.func(category=CATEGORY)
@xw.arg("gruppid", doc=_GROUP_HELP)
@xw.arg("malid", doc="MålID från bladet Mål, t.ex. M1.")
def FS_MALSTATUS(gruppid: Any, malid: Any, caller: Any = None) -> Any:  # noqa: N802
    """Status för ett mål i en grupp: Uppfyllt, Ej uppfyllt, Pågår eller Underlag saknas."""
    unit, message = _unit_for(caller, gruppid)
    if unit is None:
        return message
    goal_key = str(malid or "").strip().upper()
    goal = next((g for k, g in unit["goals"].items() if k.upper() == goal_key), None)
    return f"Okänt eller inaktivt mål: {malid}" if goal is None else goal["status"]


@xw.func(category=CATEGORY)
@xw.arg("gruppid", doc=_GROUP_HELP)
@xw.arg("manader", doc="Mättillfälle i månader efter avslut, t.ex. 6. Tomt = det första i Inställningar.")
def FS_UPPFOLJNING(gruppid: Any, manader: Any = None, caller: Any = None) -> Any:  # noqa: N802
    """Andel som är i arbete eller studier ett antal månader efter avslut, av alla som ska följas upp
    (0,58 = 58 %). De som inte nåtts räknas som inte vidare."""
    unit, message = _unit_for(caller, gruppid)
    if unit is None:
        return message
    points = list(unit.get("followup", {}))
    try:
        months = points[0] if manader is None or manader == "" else str(int(float(manader)))
    except (TypeError, ValueError):
        return f"Fel: {manader} är inget antal månader."
    if months not in points:
        return (f"Mättillfället {months} månader finns inte i Inställningar "
                f"(Uppföljning efter avslut: {'; '.join(points) or 'inga'}).")
    value = unit["metrics"].get(f"vidare_efter_{months}")
    return "Underlag saknas" if value is None else value


@xw.func(category=CATEGORY)
@xw.arg("antal", doc="Antal personer.")
@xw.arg("ar", doc=_YEARS_HELP)
@xw.arg("kostnad", doc=_COST_HELP)
@xw.arg("scenario", doc=_SCENARIO_HELP)
def FS_SAMHALLSKOSTNAD(antal: float, ar: float = 1, kostnad: Any = None, scenario: Any = None,  # noqa: N802
                       caller: Any = None) -> Any:
    """Samhällets kostnad om ingenting händer: antal × kostnad per person och år (ev. en aktörs) × år, hela kronor."""
    return _people_cost(antal, ar, kostnad, scenario, caller)


@xw.func(category=CATEGORY)
@xw.arg("antal_vidare", doc="Antal deltagare som gått vidare till arbete eller studier.")
@xw.arg("ar", doc=_YEARS_HELP)
@xw.arg("kostnad", doc=_COST_HELP)
@xw.arg("scenario", doc=_SCENARIO_HELP)
def FS_BESPARING(antal_vidare: float, ar: float = 1, kostnad: Any = None, scenario: Any = None,  # noqa: N802
                 caller: Any = None) -> Any:
    """Besparing: antal som gått vidare × kostnad per person och år (ev. en aktörs) × år, hela kronor."""
    return _people_cost(antal_vidare, ar, kostnad, scenario, caller)


@xw.func(category=CATEGORY)
@xw.arg("antal", doc="Antal personer.")
@xw.arg("ar", doc=_YEARS_HELP)
@xw.arg("manadslon", doc="Månadslön i kronor. Tomt = 18 000 kr.")
@xw.arg("arbetsgivaravgift", doc="Arbetsgivaravgift som andel, t.ex. 0,3142. Tomt = 0.")
def FS_PRODUKTIONSBORTFALL(  # noqa: N802
    antal: float, ar: float = 1, manadslon: Any = None, arbetsgivaravgift: Any = None
) -> Any:
    """Produktionsbortfall: antal × månadslön × 12 × (1 + arbetsgivaravgift) × år, hela kronor."""
    try:
        wage = _number_or(manadslon, _DEFAULTS.monthly_wage)
        tax = _number_or(arbetsgivaravgift, _DEFAULTS.payroll_tax)
        return whole_kronor(float(antal) * wage * 12 * (1.0 + tax) * _number_or(ar, 1.0))
    except (TypeError, ValueError):
        return "Fel: antal, år, lön och avgift måste vara tal."


def _survey_share(results: dict[str, Any], unit: dict[str, Any], fraga: Any) -> Any:
    """The unit's andel_positiva of question (FrågeID) or indicator `fraga`, or a message for the cell."""
    wanted = str(fraga if fraga is not None else "").strip().casefold()
    if not wanted:
        return "Ange ett FrågeID, t.ex. F1."
    known = {str(q["question_id"]).casefold() for q in results.get("survey_questions", [])}
    known |= {str(q["indicator"]).casefold() for q in results.get("survey_questions", []) if q.get("indicator")}
    if wanted not in known:
        return f"Okänd fråga: {fraga}"
    for e in results.get("surveys", []):
        ident = e["question_id"] if e["kind"] == "question" else e["indicator"]
        if str(ident).casefold() == wanted and e["level"] == unit["level"] and e["key"] == unit["key"]:
            return "Underlag saknas" if e["andel_positiva"] is None else e["andel_positiva"]
    return "Underlag saknas"


@xw.func(category=CATEGORY)
@xw.arg("fragaid", doc="FrågeID i bladet Enkätfrågor (t.ex. F1) eller en Indikator.")
@xw.arg("gruppid", doc="GruppID, Gruppnummer, kommun eller all. Tomt = hela projektet.")
def FS_ENKAT(fragaid: Any, gruppid: Any = None, caller: Any = None) -> Any:  # noqa: N802
    """Andel positiva svar på en enkätfråga: positiva svar delat med giltiga svar ("Vet ej" räknas inte)."""
    group = "all" if gruppid is None or str(gruppid).strip() == "" else gruppid
    unit, message = _unit_for(caller, group)
    if unit is None:
        return message
    return _survey_share(results_for_book(caller.sheet.book), unit, fragaid)


UDF_NAMES = (
    "FS_NARVARO",
    "FS_SYSSELSATTNING",
    "FS_MALSTATUS",
    "FS_UPPFOLJNING",
    "FS_SAMHALLSKOSTNAD",
    "FS_BESPARING",
    "FS_PRODUKTIONSBORTFALL",
    "FS_ENKAT",
)
