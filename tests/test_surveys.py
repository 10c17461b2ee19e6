"""Survey figures (METRICS.md "Surveys") and the checks of the survey sheets, from small workbooks in memory."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from xlpy.core import compute
from xlpy.intake.reading import parse_workbook
from xlpy.io.memory import MemoryWorkbook
from xlpy.model import InputData, Problem

D = dt.date
GROUPS = [
    ["GruppID", "Kommun", "Gruppnummer", "Startdatum", "Slutdatum", "Enkät genomförd"],
    ["K2", "Klippan", 2, D(2019, 9, 2), D(2019, 12, 19), "ja"],
    ["P2", "Perstorp", 2, D(2019, 9, 2), D(2019, 12, 19), "nej"],
]
PARTICIPANTS = [["DeltagarID", "GruppID"], ["D1", "K2"], ["D2", "P2"]]
SETTINGS = [["Nyckel", "Värde"], ["Rapportperiod start", D(2019, 2, 1)], ["Rapportperiod slut", D(2020, 2, 1)]]
QUESTIONS = [
    ["FrågeID", "Enkät", "Fråga", "Skala", "Indikator", "Aktiv"],
    ["F1", "Deltagare", "Jag har fått stöd utifrån mina behov.", "Instämmer", "Stöd", ""],
    ["F2", "Deltagare", "Jag vet vad som händer när insatsen slutar.", "Instämmer", "Stöd", ""],
    ["F3", "Deltagare", "Skulle du rekommendera insatsen?", "Ja/Nej", "", ""],
    ["F4", "Deltagare", "Betyg 1–5", "Betyg", "", ""],
    ["S1", "Styrgrupp", "Samverkan fungerar väl.", "Instämmer", "", ""],
]
SCALES = [
    ["Skala", "Svarsalternativ", "Ordning", "Positivt", "Räknas"],
    ["Instämmer", "Instämmer inte alls", 1, "nej", ""],
    ["Instämmer", "Instämmer delvis", 2, "nej", ""],
    ["Instämmer", "Instämmer till stor del", 3, "ja", ""],
    ["Instämmer", "Instämmer helt", 4, "ja", ""],
    ["Instämmer", "Vet ej", 5, "nej", "nej"],
    ["Ja/Nej", "Nej", 1, "nej", ""],
    ["Ja/Nej", "Ja", 2, "ja", ""],
    *[["Betyg", str(i), i, "ja" if i >= 4 else "nej", ""] for i in range(1, 6)],
    ["Betyg", "Vet ej", 6, "nej", "nej"],
]
ANSWER_HEAD = ["SvarID", "Enkät", "GruppID", "Datum", "FrågeID", "Svar"]
IN_P = D(2019, 12, 10)


def answers(*rows: tuple[Any, ...]) -> list[list[Any]]:
    return [ANSWER_HEAD, *[list(r) for r in rows]]


def read(**sheets: list[list[Any]]) -> InputData:
    base: dict[str, list[list[Any]]] = {"Inställningar": SETTINGS, "Grupper": GROUPS, "Deltagare": PARTICIPANTS,
                                        "Enkätfrågor": QUESTIONS, "Skalor": SCALES}
    base.update(sheets)
    return parse_workbook(MemoryWorkbook(base))


def on(data: InputData, sheet: str) -> list[Problem]:
    return [p for p in data.problems if p.sheet == sheet]


def entry(results: dict[str, Any], qid: str | None, level: str, key: str, indicator: str | None = None) -> dict[str, Any]:
    [e] = [e for e in results["surveys"] if e["question_id"] == qid and e["level"] == level and e["key"] == key
           and (indicator is None or e["indicator"] == indicator and e["kind"] == "indicator")]
    return e


def rate(results: dict[str, Any], survey: str, level: str, key: str) -> dict[str, Any]:
    [r] = [r for r in results["response_rates"] if r["survey"] == survey and r["level"] == level and r["key"] == key]
    return r


SAMPLE = answers(
    ("A1", "Deltagare", "K2", IN_P, "F1", "Instämmer helt"),
    ("A1", "Deltagare", "K2", IN_P, "F2", "Instämmer delvis"),
    ("A1", "Deltagare", "K2", IN_P, "F4", 5),
    ("A2", "Deltagare", "K2", IN_P, "F1", "instämmer  till stor del"),
    ("A2", "Deltagare", "K2", IN_P, "F2", "Vet ej"),
    ("A2", "Deltagare", "K2", IN_P, "F4", "Vet ej"),
    ("A3", "Deltagare", "P2", IN_P, "F1", "Instämmer inte alls"),
    ("A3", "Deltagare", "P2", IN_P, "F4", 2),
    ("A4", "Deltagare", "P2", IN_P, "F3", "Ja"),
    ("A5", "Deltagare", "P2", D(2020, 3, 1), "F1", "Instämmer helt"),  # after P's end
    ("A6", "Deltagare", "K2", D(2018, 6, 1), "F1", "Instämmer inte alls"),  # in P' (2018-02-01 .. 2019-01-31)
    ("S-01", "Styrgrupp", "", IN_P, "S1", "Instämmer helt"),
    ("S-02", "Styrgrupp", "", IN_P, "S1", "Instämmer delvis"),
)
MAILINGS = [["Enkät", "GruppID", "Datum", "Tillfrågade"], ["Deltagare", "K2", IN_P, 4], ["Deltagare", "P2", IN_P, 5],
            ["Styrgrupp", "", IN_P, 6], ["Deltagare", "P2", D(2020, 3, 1), 10]]


@pytest.fixture(scope="module")
def sample() -> tuple[InputData, dict[str, Any]]:
    data = read(**{"Enkätsvar": SAMPLE, "Utskick": MAILINGS})
    return data, compute(data)


def test_share_positive_counts_only_valid_answers_and_pools_groups(sample: Any) -> None:
    _, r = sample
    k2 = entry(r, "F1", "group", "K2")
    # -- A1 helt, A2 till stor del (case and spaces folded) and A6 from P' (dated by P's end, so it counts) --
    assert (k2["n"], k2["positive"], k2["andel_positiva"]) == (3, 2, pytest.approx(2 / 3))
    assert k2["counts"] == {"Instämmer inte alls": 1, "Instämmer delvis": 0, "Instämmer till stor del": 1,
                            "Instämmer helt": 1, "Vet ej": 0}
    omgang = entry(r, "F1", "omgang", "2")
    assert (omgang["n"], omgang["positive"]) == (4, 2)  # -- A5 is dated after P's end --
    f2 = entry(r, "F2", "group", "K2")
    assert (f2["n"], f2["positive"], f2["counts"]["Vet ej"]) == (1, 0, 1)  # -- Vet ej outside the denominator --


def test_mean_only_for_numeric_scales_and_without_vet_ej(sample: Any) -> None:
    _, r = sample
    assert entry(r, "F4", "omgang", "2")["medel"] == pytest.approx(3.5)  # -- (5 + 2) / 2, Vet ej left out --
    assert entry(r, "F1", "omgang", "2")["medel"] is None


def test_indicator_pools_the_valid_answers_of_its_questions(sample: Any) -> None:
    _, r = sample
    stod = entry(r, None, "group", "K2", indicator="Stöd")
    assert (stod["n"], stod["positive"]) == (4, 2)


def test_previous_period_counts_answers_dated_within_p_prime(sample: Any) -> None:
    _, r = sample
    prev = entry(r, "F1", "group", "K2")["previous"]
    assert (prev["n"], prev["positive"], prev["andel_positiva"]) == (1, 0, 0)


def test_response_rate_distinct_questionnaires_over_asked_by_p_end(sample: Any) -> None:
    _, r = sample
    assert rate(r, "Deltagare", "group", "K2") == {"survey": "Deltagare", "level": "group", "key": "K2",
                                                  "responded": 3, "asked": 4, "rate": 0.75}
    p2 = rate(r, "Deltagare", "group", "P2")
    assert (p2["responded"], p2["asked"]) == (2, 5)  # -- A5 and the later Utskick of 10 come after P's end --
    styr = rate(r, "Styrgrupp", "project", "all")
    assert (styr["responded"], styr["asked"], styr["rate"]) == (2, 6, pytest.approx(1 / 3))


def test_survey_without_group_has_project_figures_only(sample: Any) -> None:
    _, r = sample
    levels = {(e["level"], e["key"]) for e in r["surveys"] if e["question_id"] == "S1"}
    assert levels == {("project", "all")}
    assert entry(r, "S1", "project", "all")["andel_positiva"] == 0.5


def test_goal_keys_for_share_positive_and_response_rate(sample: Any) -> None:
    data, _ = sample
    goals = [["MålID", "Beskrivning", "Mått", "Jämförelse", "Målvärde"],
             ["E1", "80 % positiva", "enkat_positiva_F1", ">=", 0.8],
             ["E2", "Svarsfrekvens 70 %", "svarsfrekvens_Deltagare", ">=", 70]]
    data = read(**{"Enkätsvar": SAMPLE, "Utskick": MAILINGS, "Mål": goals})
    assert not [p for p in data.problems if p.sheet == "Mål" and p.severity == "fel"]
    r = compute(data)
    k2 = r["levels"]["group"]["K2"]
    assert k2["metrics"]["enkat_positiva_f1"] == pytest.approx(2 / 3)
    assert k2["basis"]["enkat_positiva_f1"] == [2, 3]
    assert k2["goals"]["E1"]["status"] == "Ej uppfyllt"
    assert k2["goals"]["E2"] == {"value": 0.75, "status": "Uppfyllt"}
    assert r["levels"]["group"]["P2"]["goals"]["E2"]["status"] == "Ej uppfyllt"  # -- 2 of 5 --


# -- the checks --------------------------------------------------------------------------------------

def test_answer_outside_its_scale_is_an_error_naming_row_and_column() -> None:
    data = read(**{"Enkätsvar": answers(("A1", "Deltagare", "K2", IN_P, "F3", "Kanske"))})
    [p] = on(data, "Enkätsvar")
    assert (p.row, p.column, p.value, p.severity) == (2, "Svar", "Kanske", "fel")
    assert "skalan Ja/Nej" in p.message and "Tillåtet: Nej, Ja" in p.message
    assert data.survey_answers.empty


def test_unknown_question_id_is_an_error() -> None:
    data = read(**{"Enkätsvar": answers(("A1", "Deltagare", "K2", IN_P, "F99", "Ja"))})
    [p] = on(data, "Enkätsvar")
    assert (p.column, p.value) == ("FrågeID", "F99") and "finns inte i bladet Enkätfrågor" in p.message


def test_answer_id_equal_to_a_participant_id_is_an_error_and_left_out() -> None:
    data = read(**{"Enkätsvar": answers(("d1", "Deltagare", "K2", IN_P, "F3", "Ja"),
                                        ("d1", "Deltagare", "K2", IN_P, "F1", "Instämmer helt"),
                                        ("A2", "Deltagare", "K2", IN_P, "F3", "Ja"))})
    [p] = on(data, "Enkätsvar")
    assert (p.row, p.column, p.severity) == (2, "SvarID", "fel") and "anonyma" in p.message and "2 rader" in p.message
    assert data.survey_answers["answer_id"].tolist() == ["A2"]


def test_question_id_defined_twice_is_an_error() -> None:
    questions = [*QUESTIONS, ["f1", "Personal", "En annan fråga.", "Ja/Nej", "", ""]]
    data = read(**{"Enkätfrågor": questions})
    [p] = on(data, "Enkätfrågor")
    assert (p.row, p.column, p.value) == (7, "FrågeID", "f1") and "finns redan på rad 2" in p.message


def test_question_with_unknown_scale_is_an_error() -> None:
    questions = [*QUESTIONS, ["F9", "Deltagare", "Fråga", "Femgradig", "", ""]]
    [p] = on(read(**{"Enkätfrågor": questions}), "Enkätfrågor")
    assert (p.column, p.value) == ("Skala", "Femgradig") and "finns inte i bladet Skalor" in p.message


def test_asked_below_the_number_of_questionnaires_is_an_error_and_hides_the_rate() -> None:
    mailings = [["Enkät", "GruppID", "Datum", "Tillfrågade"], ["Deltagare", "K2", IN_P, 1], ["Deltagare", "P2", IN_P, 5]]
    data = read(**{"Enkätsvar": SAMPLE, "Utskick": mailings})
    [p] = on(data, "Utskick")
    assert (p.row, p.column, p.value, p.severity) == (2, "Tillfrågade", "1", "fel")
    assert "färre än antalet ifyllda formulär (3)" in p.message
    r = compute(data)
    assert rate(r, "Deltagare", "group", "K2")["rate"] is None
    # -- the project's pooled 5 of 6 would look plausible; it holds K2's error, so it is not shown either --
    assert rate(r, "Deltagare", "project", "all")["rate"] is None


def test_survey_done_nej_with_participant_answers_is_a_warning() -> None:
    data = read(**{"Enkätsvar": SAMPLE})
    # -- the sample groups have no Närvaro or Praktik rows: main's entry checks warn on GruppID too --
    [p] = [q for q in on(data, "Grupper") if q.column != "GruppID"]
    assert (p.row, p.column, p.severity, p.group_id) == (3, "Enkät genomförd", "varning", "P2")


def test_answer_to_a_question_of_another_survey_is_an_error() -> None:
    data = read(**{"Enkätsvar": answers(("A1", "Personal", "K2", IN_P, "F3", "Ja"))})
    [p] = on(data, "Enkätsvar")
    assert p.column == "Enkät" and "hör till enkäten Deltagare" in p.message


def test_same_questionnaire_answering_a_question_twice_is_an_error() -> None:
    data = read(**{"Enkätsvar": answers(("A1", "Deltagare", "K2", IN_P, "F3", "Ja"),
                                        ("A1", "Deltagare", "K2", IN_P, "F3", "Nej"))})
    [p] = on(data, "Enkätsvar")
    assert p.row == 3 and "finns redan på rad 2" in p.message


def test_workbook_without_survey_sheets_reads_without_warnings_and_gives_empty_lists() -> None:
    data = parse_workbook(MemoryWorkbook({"Inställningar": SETTINGS, "Grupper": GROUPS, "Deltagare": PARTICIPANTS}))
    assert not [p for p in data.problems if p.sheet in ("Enkätfrågor", "Skalor", "Enkätsvar", "Utskick")]
    r = compute(data)
    assert r["surveys"] == [] and r["response_rates"] == []


def test_a_name_in_a_question_text_or_svar_id_is_found_as_personal_data() -> None:
    from xlpy.intake.privacy import find_personal_data

    questions = [*QUESTIONS, ["F9", "Deltagare", "Hur var det att träffa Fatima Ali?", "Ja/Nej", "", ""]]
    data = read(**{"Enkätfrågor": questions,
                   "Enkätsvar": answers(("Åsa Öberg", "Deltagare", "K2", IN_P, "F3", "Ja"))})
    found = {(p.sheet, p.column) for p in find_personal_data(data)}
    assert found == {("Enkätfrågor", "Fråga"), ("Enkätsvar", "SvarID")}


def test_enkatresultat_sheet_holds_exact_figures_and_only_with_survey_data(sample: Any) -> None:
    from xlpy.outputs.sheets import build_output_sheets

    _, r = sample
    sheets = {s.name: s for s in build_output_sheets(r)}
    assert list(sheets) == ["Resultat", "Måluppfyllelse", "Samhällskostnad", "Över tid", "Enkätresultat", "Finsam",
                            "Kontroll", "Efter avslut"]
    rows = [[c.value for c in row] for row in sheets["Enkätresultat"].rows]
    assert ["Grupp", "Klippan grupp 2", 3, 4, 0.75] in rows  # -- response rate: exact, no suppression --
    assert ["Omgång", "Grupp 2", 2, 0.5, 3.5, 0, 1, 0, 0, 1, 1] in rows  # -- F4: (5 + 2) / 2; Vet ej 1 --
    empty = compute(parse_workbook(MemoryWorkbook({"Grupper": GROUPS, "Deltagare": PARTICIPANTS})))
    assert "Enkätresultat" not in {s.name for s in build_output_sheets(empty)}
