"""The output sheets (Resultat, Måluppfyllelse, Samhällskostnad, Finsam, Kontroll) as plain OutputSheet data
(Efter avslut is built in xlpy.outputs.sheets_followup).

Built only from the results dict, so the file writer, the xlwings writer and tests all show the same
cells. Values stay numbers where a person may want to calculate with them; the Excel number formats make
them read as `1 520 000 kr` and `81 %` in a Swedish Excel.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from xlpy import fmt
from xlpy.model import OutCell, OutputSheet
from xlpy.outputs import sheets_costs
from xlpy.spec import (
    GENERATED_NOTE,
    NO_OUTCOME,
    OUTCOME_CATEGORIES,
    OUTPUT_SHEETS,
    STATUS_MET,
    STATUS_NO_BASIS,
    STATUS_NOT_MET,
    STATUS_ONGOING,
)

LEVEL_NAMES = {"group": "Grupp", "omgang": "Omgång", "municipality": "Kommun", "project": "Projekt"}
STATUS_STYLE = {
    STATUS_MET: "status_met",
    STATUS_NOT_MET: "status_not_met",
    STATUS_ONGOING: "status_ongoing",
    STATUS_NO_BASIS: "status_no_basis",
}
NO_VALUE = "–"


# -- C(value, style) reads like a cell in the layouts below; an alias, not a wrapper: ~100 000 calls --
C = OutCell


def _head(title: str, results: dict[str, Any]) -> list[list[OutCell]]:
    meta = results["meta"]
    period = f"Rapportdatum {meta['report_end']}" if meta.get("report_end") else "Rapportdatum saknas"
    return [
        [C(f"{title} – {meta['project_name']}", "title")],
        [C(f"{GENERATED_NOTE} {period}.", "note")],
        [],
    ]


def units_in_order(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Every unit, groups first, then omgångar, municipalities and the whole project."""
    lv = results["levels"]
    return [*lv["group"].values(), *lv["omgang"].values(), *lv["municipality"].values(), *lv["project"].values()]


def _date(iso: str | None) -> OutCell:
    return C(dt.date.fromisoformat(iso), "date") if iso else C(NO_VALUE)


def _share(value: float | None, style: str = "pct") -> OutCell:
    return C(NO_VALUE) if value is None else C(value, style)


def goal_value_text(metric: str, result: dict[str, Any], level: str = "group") -> str:
    """A goal result's value as a person reads it; a per-group goal above group level reads
    `2 av 3 grupper` (how many of the unit's groups meet it), never a pooled count."""
    if "groups" in result:
        return f"{fmt.number(result['value'] or 0)} av {fmt.number(result['groups'])} grupper"
    return metric_text(metric, result["value"], level)


def metric_text(metric: str, value: Any, level: str = "group") -> str:
    """A metric value as a person reads it: `81 %`, `11`, `ja`."""
    if value is None:
        return NO_VALUE
    if metric == "gruppstorlek":
        return fmt.number(value)
    if metric == "enkat" and level == "group":
        return "ja" if value >= 1 else "nej"
    return fmt.percent(value, 1 if metric == "narvaro" else 0)


def target_text(goal: dict[str, Any]) -> str:
    """A goal's target as text: `≥ 80 %`, `5–10`, `≥ 1`."""
    def one(v: Any) -> str:
        if goal["metric"] in ("gruppstorlek", "enkat"):
            return fmt.number(v)
        return fmt.percent(v, 1)

    if goal["comparison"] == "mellan":
        return f"{one(goal['target'])}–{one(goal['target_max'])}"
    return f"{'≥' if goal['comparison'] == '>=' else '≤'} {one(goal['target'])}"


def results_sheet(results: dict[str, Any]) -> OutputSheet:
    periods = sorted({p for u in units_in_order(results) for p in u["counts"]["internships"]}, key=int)
    header = ["Nivå", "Enhet", "Start", "Slut", "Läge", "Startade", "Fullföljt", "Avbrutit", "Närvaro",
              "Erbjudits praktik", *[f"Deltog praktik {p}" for p in periods], "CV + brev", "Vägledning",
              "Handlingsplan", "Referenser", "Gruppdagar", *OUTCOME_CATEGORIES, NO_OUTCOME, "Vidare",
              "Andel vidare", "Bemanning"]
    rows = _head("Resultat", results)
    rows.append([C("Startade = deltagare i bladet Deltagare. Fullföljt = inget Slutdatum före gruppens. "
                   "Andelar räknas på alla rader i enheten (inte medelvärde av gruppernas procent). "
                   "Vidare = senaste utfall Arbete eller Studier. Erbjudits praktik, CV + brev, Vägledning, Handlingsplan "
                   "och Referenser räknas bara på avslutade grupper. Bemanning = summa för grupp och omgång, "
                   "medel per grupp för kommun och projekt.", "note")])
    rows.append([C(h, "header") for h in header])
    for u in units_in_order(results):
        m, c = u["metrics"], u["counts"]
        rows.append([
            C(LEVEL_NAMES[u["level"]], "bold" if u["level"] != "group" else "text"),
            C(u["label"], "bold" if u["level"] != "group" else "text"),
            _date(u["start"]), _date(u["end"]),
            C(u.get("period_status") or ("Pågår" if u["ongoing"] else "Avslutad")),
            C(c["started"], "int"), C(c["completers"], "int"), C(c["early_leavers"], "int"),
            _share(m["narvaro"], "pct1"), _share(m["praktik_erbjuden"]),
            *[_share(m.get(f"praktik_deltagande_{p}")) for p in periods],
            _share(m["cv_brev"]), _share(m["vagledning"]), _share(m["handlingsplan"]),
            _share(m["referenser"]), _share(m["gruppdagar"]),
            *[C(c["outcomes"][k], "int") for k in (*OUTCOME_CATEGORIES, NO_OUTCOME)],
            C(c["moved_on"], "int"), _share(m["sysselsattning"]),
            C((c["staffing_percent"] or 0) / 100, "pct"),
        ])
    widths = [float(w) for w in [10, 22, 11, 11, 10, 9, 9, 9, 9, 10] + [10] * len(periods) + [9, 11, 13, 11, 11] + [9] * 5 + [8, 9, 11]]
    return OutputSheet(OUTPUT_SHEETS["results"], rows, widths, freeze_rows=5)


def goals_sheet(results: dict[str, Any]) -> OutputSheet:
    active = [g for g in results["goals"] if g["active"]]
    units = units_in_order(results)
    rows = _head("Måluppfyllelse", results)
    rows.append([C("Förklaring:", "bold"), C(STATUS_MET, "status_met"), C(STATUS_NOT_MET, "status_not_met"),
                 C(STATUS_ONGOING, "status_ongoing"), C(STATUS_NO_BASIS, "status_no_basis")])
    rows.append([C("Pågår = gruppen har inte slutat än och målet är inte nått ännu. Underlag saknas = det finns "
                   "inga rader att räkna på (t.ex. ingen närvaro registrerad).", "note")])
    rows.append([C(h, "header") for h in ("MålID", "Mål", "Målvärde", *[u["label"] for u in units])])
    targets = {g["id"]: target_text(g) for g in active}  # -- once per goal, not per unit and goal --
    for g in active:
        line = [C(g["id"], "bold"), C(g["description"]), C(targets[g["id"]])]
        for u in units:
            res = u["goals"][g["id"]]
            text = f"{res['status']} ({goal_value_text(g['metric'], res, u['level'])})"
            line.append(C(text, STATUS_STYLE[res["status"]]))
        rows.append(line)
    rows += [[], [C("Alla värden", "section")]]
    rows.append([C(h, "header") for h in ("Nivå", "Enhet", "MålID", "Mått", "Värde", "Målvärde", "Status")])
    for u in units:
        for g in active:
            res = u["goals"][g["id"]]
            value = res["value"]
            if "groups" in res:
                vcell = C(goal_value_text(g["metric"], res, u["level"]))
            elif value is None:
                vcell = C(NO_VALUE)
            elif g["metric"] in ("gruppstorlek",):
                vcell = C(value, "int")
            else:
                vcell = C(value, "pct1" if g["metric"] == "narvaro" else "pct")
            rows.append([C(LEVEL_NAMES[u["level"]]), C(u["label"]), C(g["id"]), C(g["metric"]), vcell,
                         C(targets[g["id"]]), C(res["status"], STATUS_STYLE[res["status"]])])
    widths: list[float] = [9.0, 44.0, 11.0] + [20.0] * len(units)
    return OutputSheet(OUTPUT_SHEETS["goals"], rows, widths, freeze_rows=6)


def costs_sheet(results: dict[str, Any]) -> OutputSheet:
    p = results["parameters"]
    rows = _head("Samhällskostnad", results)
    rows.append([C("Parametrar", "section")])
    params = [
        ("Reala kostnader per person och år", p["real_cost"], "kr"),
        ("Finansiella kostnader per person och år", p["financial_cost"], "kr"),
        ("Summa per person och år (K)", p["cost_per_person_year"], "kr"),
        ("Månadslön vid arbete", p["monthly_wage"], "kr"),
        ("Arbetsgivaravgift", p["payroll_tax"], "pct1"),
        ("Diskonteringsränta", p["discount_rate"], "pct1"),
        ("Kalkylår", p["horizon_years"], "int"),
    ]
    for label, value, style in params:
        rows.append([C(label), C(value, style)])
    rows.append([C("Källa"), C(p["cost_source"])])
    rows += sheets_costs.parameter_rows(results)
    rows += sheets_costs.insats_rows(results)
    rows.append([])
    rows.append([C("Beloppen är ackumulerade år för år i hela kronor. Besparing = deltagare som gått vidare till "
                   "arbete eller studier × K (× varaktighet^(år − 1)). Kvarstående = Om ingenting händer − "
                   "Besparing. Produktionsbortfall = antal × månadslön × 12 × (1 + arbetsgivaravgift). Per aktör: "
                   "antal × aktörens K; raderna summerar till enhetens tabell. Varav finansiella = "
                   "transfereringar (för samhället som helhet flyttas de, de förbrukas inte).", "note")])
    header = ["År", "Om ingenting händer", "Besparing", "Kvarstående kostnad", "Produktionsbortfall",
              "Om ingenting händer + produktionsbortfall"]
    units = [*results["levels"]["project"].values(), *results["levels"]["municipality"].values(),
             *results["levels"]["omgang"].values(), *results["levels"]["group"].values()]
    for u in units:
        c = u["costs"]
        rows += [[], [C(f"{LEVEL_NAMES[u['level']]}: {u['label']} – {c['people']} deltagare, "
                        f"{c['moved_on']} vidare, {c['remaining']} kvar", "section")]]
        rows.append([C(h, "header") for h in header])
        for i, year in enumerate(c["om_ingenting_hander"]):
            rows.append([C(f"År {year['year']}"),
                         *[C(c[k][i]["cumulative"], "kr") for k in ("om_ingenting_hander", "besparing",
                                                                   "kvarstaende", "produktionsbortfall", "total")]])
        rows += sheets_costs.unit_rows(u)
    return OutputSheet(OUTPUT_SHEETS["costs"], rows, [40.0, 20, 18, 20, 20, 26], freeze_rows=3)


# -- a pasted essay or a 5 000-word run of capitalised words must not make a 28 000-character row --
KONTROLL_VALUE_CHARS = 200
KONTROLL_MESSAGE_CHARS = 600


def _row_cell(problem: dict[str, Any]) -> OutCell:
    # -- the row number links to the row's first cell, so nobody scrolls to row 1 895 (the column's letter
    #    in the user's sheet is not known here; the row is what matters) --
    row = problem["row"]
    if row is None:
        return C(NO_VALUE, "rownum")
    sheet = str(problem["sheet"]).replace("'", "''")
    return C(row, "rownum_link", link=f"'{sheet}'!A{row}")


def problems_sheet(results: dict[str, Any]) -> OutputSheet:
    probs = results["problems"]
    errors = sum(1 for p in probs if p["severity"] == "fel")
    rows = _head("Kontroll", results)
    if probs:
        summary = f"{fmt.count(len(probs), 'sak', 'saker')} att titta på: {errors} fel och " \
                  f"{fmt.count(len(probs) - errors, 'varning', 'varningar')}. " \
                  "Rader med fel har lämnats utanför beräkningen; rätta dem i bladet som anges och beräkna igen."
    else:
        summary = "Inga problem hittades i indata."
    rows.append([C(summary, "bold")])
    rows.append([C(h, "header") for h in ("Typ", "Blad", "Rad", "Kolumn", "Värde", "Vad är fel")])
    for p in probs:
        rows.append([C(p["severity"]), C(p["sheet"]), _row_cell(p),
                     C(p["column"]), C(fmt.cap(str(p["value"]), KONTROLL_VALUE_CHARS)),
                     C(fmt.cap(str(p["message"]), KONTROLL_MESSAGE_CHARS))])
    return OutputSheet(OUTPUT_SHEETS["problems"], rows, [9.0, 14, 7, 18, 22, 90], freeze_rows=5)


def fit_header_heights(sheet: OutputSheet, line_height: float = 15.0) -> OutputSheet:
    """Give each header row the height its longest wrapped header needs; neither Excel nor LibreOffice
    grows a row for wrapped text in a file written without row heights."""
    for i, row in enumerate(sheet.rows):
        # -- a header row starts with a header cell; testing every cell of ~100 000 took longer --
        if not row or row[0].style != "header":
            continue
        lines = 1
        for j, cell in enumerate(row):
            longest = max((len(w) for w in str(cell.value).split()), default=0)
            # -- a header word is never broken: widen its column to hold the longest word --
            if j < len(sheet.col_widths) and sheet.col_widths[j] < longest + 2:
                sheet.col_widths[j] = float(longest + 2)
            width = sheet.col_widths[j] if j < len(sheet.col_widths) else 10.0
            per_line = max(int(width) - 1, 1)
            words, n, used = str(cell.value).split(), 1, 0
            for w in words:
                if used and used + 1 + len(w) > per_line:
                    n, used = n + 1, len(w)
                else:
                    used += (1 if used else 0) + len(w)
            lines = max(lines, n)
        if lines > 1:
            sheet.row_heights[i] = line_height * lines
    return sheet


def build_output_sheets(results: dict[str, Any]) -> list[OutputSheet]:
    """The output sheets, in tab order: Resultat, Måluppfyllelse, Samhällskostnad, Över tid (when there are
    groups), Enkätresultat (when the workbook holds survey questions or answers), Finsam, Kontroll, then Efter
    avslut (xlpy.outputs.sheets_followup) when there are participants."""
    from xlpy.outputs.sheets_followup import followup_sheet  # -- it reuses _head from here --
    from xlpy.outputs.sheets_overtime import overtime_sheet
    from xlpy.outputs.sheets_surveys import surveys_sheet

    finsam = sheets_costs.finsam_sheet(results, _head("Finsam", results), units_in_order(results))
    sheets = [results_sheet(results), goals_sheet(results), costs_sheet(results)]
    over_time = overtime_sheet(results)
    if over_time is not None:
        sheets.append(over_time)
    if results.get("surveys") or results.get("response_rates"):
        sheets.append(surveys_sheet(results, _head("Enkätresultat", results)))
    sheets += [finsam, problems_sheet(results)]
    extra = followup_sheet(results)
    if extra is not None:
        sheets.append(extra)
    for sheet in sheets:
        for row in sheet.rows:
            for cell in row:
                if type(cell.value) is str:
                    cell.value = fmt.clean_text(cell.value)
    return [fit_header_heights(s) for s in sheets]
