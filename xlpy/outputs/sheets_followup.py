"""The output sheet `Efter avslut` (follow-up after exit) as plain OutputSheet data.

First the staff's to-do list (follow-ups overdue or due within 30 days after the report date: DeltagarID,
point, due date), which lives in the workbook only and never reaches the report; then per unit and point
the figures of METRICS.md "Follow-up after exit" with exact counts, and the flow table. Built only from
the results dict, like every output sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlpy.model import OutCell, OutputSheet
from xlpy.spec import OUTCOME_CATEGORIES, OUTPUT_SHEETS

C = OutCell
NO_VALUE = "–"
LEVEL_NAMES = {"group": "Grupp", "omgang": "Omgång", "municipality": "Kommun", "project": "Projekt"}


def _units(results: dict[str, Any]) -> list[dict[str, Any]]:
    lv = results["levels"]
    return [*lv["group"].values(), *lv["omgang"].values(), *lv["municipality"].values(), *lv["project"].values()]


def _share(value: float | None) -> OutCell:
    return C(NO_VALUE) if value is None else C(value, "pct")


def followup_sheet(results: dict[str, Any]) -> OutputSheet | None:
    """The sheet `Efter avslut`, or None when the workbook has no participants (no unit to show)."""
    units = _units(results)
    if not units or not units[-1].get("followup"):
        return None
    meta = results["meta"]
    from xlpy.outputs.sheets import _head  # -- one title and note for every output sheet --

    rows = _head("Efter avslut", results)
    points = list(units[-1]["followup"])
    rows.append([C("Uppföljning efter avslut: " + ", ".join(f"{m} månader" for m in points) + " efter avslutet "
                   "(deltagarens Slutdatum, annars gruppens). En deltagare räknas när mättillfället har inträffat "
                   "senast rapportdatum. Nådda = rad i Uppföljning med Kontakt Nådd. Vidare = Status Arbete eller "
                   "Studier; den som inte nåtts räknas som inte vidare.", "note")])
    rows += [[], [C("Att göra – uppföljningar som är försenade eller ska göras inom 30 dagar efter "
                    f"rapportdatum {meta['report_end'] or '(saknas)'}", "section")],
             [C("Listan stannar i arbetsboken och kommer aldrig med i rapporten.", "note")]]
    todo = results.get("followup_todo", [])
    rows.append([C(h, "header") for h in ("DeltagarID", "GruppID", "Mättillfälle (mån)", "Ska göras senast",
                                          "Läge", "Dagar försenad")])
    for t in todo:
        rows.append([C(t["participant_id"]), C(t["group_id"]), C(t["point"], "int"),
                     C(dt.date.fromisoformat(t["due"]), "date"), C(t["state"]),
                     C(t["days_overdue"], "int") if t["days_overdue"] else C(NO_VALUE)])
    if not todo:
        rows.append([C("Inga uppföljningar är försenade eller ska göras inom 30 dagar.")])

    rows += [[], [C("Resultat per mättillfälle", "section")]]
    rows.append([C(h, "header") for h in (
        "Nivå", "Enhet", "Mättillfälle (mån)", "Att följa upp", "Nådda", "Svarsandel", "Vidare", "Andel vidare",
        "Vidare bland nådda", *OUTCOME_CATEGORIES, "Saknar uppföljning", "Inte aktuella än")])
    for m in points:
        for u in units:
            f, mt = u["followup"][m], u["metrics"]
            rows.append([C(LEVEL_NAMES[u["level"]]), C(u["label"]), C(int(m), "int"), C(f["eligible"], "int"),
                         C(f["reached"], "int"), _share(mt.get(f"svarsandel_efter_{m}")),
                         C(f["moved_on"], "int"), _share(mt.get(f"vidare_efter_{m}")),
                         _share(mt.get(f"vidare_bland_nadda_efter_{m}")),
                         *[C(f["statuses"][c], "int") for c in OUTCOME_CATEGORIES],
                         C(f["missing"], "int"), C(f["not_yet_due"], "int")])

    rows += [[], [C("Flödet från avslut bland de nådda", "section")],
             [C("Kvar = vidare vid avslut och vid mättillfället. Tillkommit = inte vid avslut men vid "
                "mättillfället. Förlorat = vid avslut men inte vid mättillfället. Ej vidare = varken eller.",
                "note")]]
    rows.append([C(h, "header") for h in ("Nivå", "Enhet", "Mättillfälle (mån)", "Nådda", "Kvar", "Tillkommit",
                                          "Förlorat", "Ej vidare")])
    for m in points:
        for u in units:
            f = u["followup"][m]
            rows.append([C(LEVEL_NAMES[u["level"]]), C(u["label"]), C(int(m), "int"), C(f["reached"], "int"),
                         *[C(f["flow"][k], "int") for k in ("kvar", "tillkommit", "forlorat", "ej_vidare")]])
    widths = [12.0, 24.0, 13, 13, 9, 11, 9, 10, 11, 9, 9, 11, 9, 12, 11]
    return OutputSheet(OUTPUT_SHEETS["followup"], rows, widths, freeze_rows=3)
