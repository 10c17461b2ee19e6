"""The per-actor parts of Samhällskostnad and the Finsam output sheet, as plain OutputSheet data.

Built only from the results dict (docs/RESULTS.md), like every output sheet. The Finsam sheet holds exact
counts for the förbund's own reporting to Uppföljning Finsam: it says it is internal, and nothing in it is
suppressed (suppression is for the report).
"""

from __future__ import annotations

from typing import Any

from xlpy import fmt
from xlpy.core.finsam import FINSAM_COUNTS, GENDER_KEYS, SUS_CATEGORIES
from xlpy.model import OutCell, OutputSheet
from xlpy.spec import OUTPUT_SHEETS, SCENARIOS

C = OutCell
TABLE_NAMES = {"om_ingenting_hander": "Om ingenting händer", "besparing": "Besparing",
               "kvarstaende": "Kvarstående kostnad"}
SCENARIO_NAMES = {"låg": "Låg", "bas": "Bas", "hög": "Hög"}
FINSAM_NAMES = {"aktiva": "Aktiva under året", "nya": "Nya (startade under året)",
                "avslutade": "Avslutade under året"}
LEVEL_NAMES = {"group": "Grupp", "omgang": "Omgång", "municipality": "Kommun", "project": "Projekt"}


def parameter_rows(results: dict[str, Any]) -> list[list[OutCell]]:
    """Varaktighet, K per scenario and the cost items with their sources, for the Parametrar section."""
    p = results["parameters"]
    k = p.get("cost_k", {})
    rows = [[C("Varaktighet (andel kvar i arbete/studier varje följande år)"), C(p.get("persistence", 1), "pct")]]
    rows += [[C(f"K {SCENARIO_NAMES[s].lower()} (summa per person och år)"), C(k.get(s), "kr")] for s in SCENARIOS]
    origin = ("bladet Kostnadsposter" if p.get("cost_items_from_sheet") else
              "Inställningar (bladet Kostnadsposter är tomt: allt som Ej fördelat, låg = bas = hög)")
    rows += [[], [C(f"Kostnadsposter – från {origin}", "section")]]
    rows.append([C(h, "header") for h in ("Post", "Aktör", "Slag", "Låg", "Bas", "Hög", "Källa")])
    for i in p.get("cost_items", []):
        rows.append([C(i["item"]), C(i["actor"]), C(i["kind"]), C(i["low"], "kr"), C(i["base"], "kr"),
                     C(i["high"], "kr"), C(i["source"])])
    return rows


def insats_rows(results: dict[str, Any]) -> list[list[OutCell]]:
    """The insats's own cost against the project's saving (empty without Budget rows)."""
    if results.get("insats_cost") is None:
        return [[], [C("Insatsens kostnad: bladet Budget har inga rader, så netto och återbetalningstid "
                       "räknas inte.", "note")]]
    months = results.get("payback_months")
    return [
        [], [C("Insatsens kostnad och återbetalning (projektet, sedan projektstart)", "section")],
        [C("Insatsens kostnad (Utfall, annars Budget) t.o.m. rapportårets slut"), C(results["insats_cost"], "kr")],
        [C("Netto (besparing över kalkylåren − insatsens kostnad)"), C(results.get("netto"), "kr")],
        [C("Återbetalningstid (månader)"), C("–" if months is None else months)],
    ]


def unit_rows(unit: dict[str, Any]) -> list[list[OutCell]]:
    """Per actor and "varav finansiella" for each split table of a unit (cumulative), then its sensitivity."""
    c = unit["costs"]
    years = [r["year"] for r in c["om_ingenting_hander"]]
    rows = [[C(h, "header") for h in ("Per aktör, ackumulerat", "Aktör", *[f"År {y}" for y in years])]]
    for key, name in TABLE_NAMES.items():
        for actor, series in c["per_actor"][key].items():
            rows.append([C(name), C(actor), *[C(r["cumulative"], "kr") for r in series]])
        rows.append([C(name, "bold"), C("varav finansiella", "bold"),
                     *[C(r["cumulative"], "kr") for r in c["financial"][key]]])
    rows.append([C(h, "header") for h in ("Känslighet (sista kalkylåret, ackumulerat)", "K per person och år",
                                          "Om ingenting händer", "Besparing")])
    for s in SCENARIOS:
        sens = c["sensitivity"][s]
        rows.append([C(SCENARIO_NAMES[s]), C(sens["k"], "kr"), C(sens["om_ingenting_hander"], "kr"),
                     C(sens["besparing"], "kr")])
    return rows


def finsam_sheet(results: dict[str, Any], head: list[list[OutCell]], units: list[dict[str, Any]]) -> OutputSheet:
    """Finsam: per calendar year active, new and ended participants by Kön and in total, and the exit
    outcomes in SUS's four categories per unit. `head`: the sheet's title rows (as every output sheet has)."""
    rows = [*head]
    rows.append([C("INTERNT UNDERLAG – exakta antal för förbundets egen rapportering till Uppföljning Finsam. "
                   "Små tal döljs inte här; lämna inte ut bladet. Årsrapporten döljer små tal.", "bold")])
    rows.append([C("Start = deltagarens Startdatum, annars gruppens. Avslut = deltagarens Slutdatum, annars "
                   "gruppens. Aktiva = startat senast 31 december och inte avslutat före 1 januari. Bara "
                   "deltagare som startat senast rapportdatum räknas; avslut efter rapportdatum räknas inte.",
                   "note")])
    rows += [[], [C("Deltagare per kalenderår och kön", "section")]]
    rows.append([C(h, "header") for h in ("År", "Antal", *GENDER_KEYS, "Totalt")])
    for year, counts in results.get("finsam", {}).items():
        for key in FINSAM_COUNTS:
            rows.append([C(int(year), "rownum"), C(FINSAM_NAMES[key]),
                         *[C(counts[key][g], "int") for g in (*GENDER_KEYS, "total")]])
    rows += [[], [C("Avslutade deltagare enligt SUS:s fyra kategorier (senaste utfall, avslut t.o.m. "
                    "rapportdatum)", "section")]]
    rows.append([C("Arbete → Förvärvsarbete; Studier → Studier; Planering → Aktivt arbetssökande; Annat och "
                   "Ej registrerat → Övriga avslutade.", "note")])
    rows.append([C(h, "header") for h in ("Nivå", "Enhet", *SUS_CATEGORIES, "Summa")])
    for u in units:
        sus = u["counts"].get("sus", {})
        rows.append([C(LEVEL_NAMES[u["level"]], "bold" if u["level"] != "group" else "text"),
                     C(u["label"], "bold" if u["level"] != "group" else "text"),
                     *[C(sus.get(k, 0), "int") for k in SUS_CATEGORIES], C(sum(sus.values()), "int")])
    return OutputSheet(OUTPUT_SHEETS["finsam"], rows, [22.0, 26, 16, 12, 14, 18, 12], freeze_rows=3)


def payback_text(results: dict[str, Any]) -> str:
    """`12,6 månader`, or `–` when there is no saving or no Budget."""
    months = results.get("payback_months")
    return "–" if months is None else f"{fmt.number(months, 1)} månader"
