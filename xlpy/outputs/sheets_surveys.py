"""The output sheet Enkätresultat: per survey its response rates, then per question and indicator the answers
per alternative, n, share positive and mean, for every unit. Built only from the results dict."""

from __future__ import annotations

from typing import Any

from xlpy.model import OutCell, OutputSheet
from xlpy.spec import OUTPUT_SHEETS

C = OutCell
NO_VALUE = "–"
LEVEL_NAMES = {"group": "Grupp", "omgang": "Omgång", "municipality": "Kommun", "project": "Projekt",
               "period": "Perioden"}


def unit_label(results: dict[str, Any], level: str, key: str) -> str:
    """The unit's label from results["levels"] (the key itself when the unit is not there)."""
    return str(results["levels"].get(level, {}).get(key, {}).get("label", key))


def survey_names(results: dict[str, Any]) -> list[str]:
    """The surveys in the order their first question stands in Enkätfrågor."""
    return list(dict.fromkeys(q["survey"] for q in results.get("survey_questions", []) if q["active"]))


def _num(value: Any, style: str) -> OutCell:
    return C(NO_VALUE) if value is None else C(value, style)


def surveys_sheet(results: dict[str, Any], head: list[list[OutCell]]) -> OutputSheet:
    """Enkätresultat (exact figures; suppression is for the report only). `head` is the sheet's title rows."""
    rows = list(head)
    rows.append([C("Andel positiva = positiva svar / giltiga svar (Vet ej och andra alternativ med Räknas = nej "
                   "räknas inte). Svarsfrekvens = ifyllda formulär (olika SvarID) / Tillfrågade i bladet Utskick. "
                   "Svar daterade efter Rapportperiod slut räknas inte.", "note")])
    questions = {q["question_id"]: q for q in results.get("survey_questions", [])}
    width = 6
    for survey in survey_names(results):
        rows += [[], [C(f"Enkät: {survey}", "section")]]
        rows.append([C(h, "header") for h in ("Nivå", "Enhet", "Svarade", "Tillfrågade", "Svarsfrekvens")])
        for r in results.get("response_rates", []):
            if r["survey"] != survey:
                continue
            rows.append([C(LEVEL_NAMES[r["level"]]), C(unit_label(results, r["level"], r["key"])),
                         C(r["responded"], "int"), _num(r["asked"], "int"), _num(r["rate"], "pct")])
        entries = [e for e in results.get("surveys", []) if e["survey"] == survey]
        blocks: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for e in entries:
            blocks.setdefault((e["kind"], e["question_id"] or e["indicator"]), []).append(e)
        for (kind, ident), block in blocks.items():
            if kind == "question":
                q = questions.get(ident, {})
                title = f"{ident}: {q.get('question', '')}"
                if q.get("indicator"):
                    title += f" (indikator {q['indicator']})"
            else:
                title = f"Indikator {ident} (alla dess frågor tillsammans)"
            alternatives = list(block[0]["counts"])
            width = max(width, 5 + len(alternatives))
            rows += [[], [C(title, "bold")]]
            rows.append([C(h, "header") for h in ("Nivå", "Enhet", "n", "Andel positiva", "Medel", *alternatives)])
            for e in block:
                rows.append([C(LEVEL_NAMES[e["level"]]), C(unit_label(results, e["level"], e["key"])),
                             C(e["n"], "int"), _num(e["andel_positiva"], "pct"), _num(e["medel"], "dec1"),
                             *[C(e["counts"][a], "int") for a in alternatives]])
    widths = [10.0, 26.0, 10.0, 13.0, 10.0] + [14.0] * (width - 5)
    return OutputSheet(OUTPUT_SHEETS["surveys"], rows, widths, freeze_rows=3)
