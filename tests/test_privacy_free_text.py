"""Personal data in free text (issue #10, defect 2): every text column of the contract and the text
settings are searched, on every row (also rows validation leaves out), in the spellings staff use; the
report refuses; a value on several rows lists every row; false alarms on real place and employer names
and on the seed report's sentences are measured (0 of 500)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from xlpy import jobs, spec
from xlpy.cli import main
from xlpy.core import compute
from xlpy.intake.privacy import (
    NUMBERS_ONLY_COLUMNS,
    PERSONAL_DATA,
    find_identity_numbers,
    find_names,
    searched_columns,
)
from xlpy.io.memory import MemoryWorkbook

D = dt.date
POISON = "Fatima Ali 19121212-1212"
DATA = Path(__file__).parent / "data" / "privacy"

# -- one valid row per sheet; the poison goes into one cell at a time --
VALID: dict[str, dict[str, object]] = {
    "goals": {"goal_id": "M1", "description": "Närvaro", "metric": "narvaro", "comparison": ">=", "target": 0.8},
    "groups": {"group_id": "K2", "municipality": "Klippan", "group_no": 2, "start": D(2019, 9, 2),
               "end": D(2019, 12, 19), "comment": "Pågående"},
    "staff": {"group_id": "K2", "role": "processledare", "percent": 50, "comment": "Ansvarar"},
    "participants": {"participant_id": "K2-01", "group_id": "K2", "comment": "Började i höst"},
    "attendance": {"participant_id": "K2-01", "date": D(2019, 9, 2), "status": "N"},
    "internships": {"participant_id": "K2-01", "period": 1, "workplace": "Ica Maxi Klippan", "offered": "ja"},
    "outcomes": {"participant_id": "K2-01", "date": D(2019, 12, 1), "category": "Arbete", "type": "extratjänst",
                 "description": "lokalvård"},
    "statistics": {"period": D(2019, 9, 1), "municipality": "Klippan", "unemployed": 100, "in_programme": 10},
    "texts": {"section": "Utmaningar", "text": "Det är svårt att rekrytera."},
    "survey_questions": {"question_id": "F1", "survey": "Deltagare", "question": "Jag fick det stöd jag behövde.",
                         "scale": "Ja/Nej", "indicator": "Stöd"},
    "scales": {"scale": "Ja/Nej", "alternative": "Ja", "order": 1, "positive": "ja"},
    "survey_answers": {"answer_id": "A1", "survey": "Deltagare", "group_id": "K2", "date": D(2019, 12, 10),
                       "question_id": "F1", "answer": "Ja"},
    "mailings": {"survey": "Deltagare", "group_id": "K2", "date": D(2019, 12, 10), "asked": 5},
    "cost_items": {"item": "Försörjningsstöd", "actor": "Kommun", "kind": "Finansiell", "base": 8500,
                   "source": "Nilsson & Wadeskog"},
    "budget": {"year": 2019, "item": "Personal", "budget": 1000000, "funder": "Samordningsförbundet"},
    "followup": {"participant_id": "K2-01", "point": 6, "date": D(2020, 6, 1), "contact": "Nådd",
                 "status": "Arbete", "type": "timanställning", "comment": "Nådd per telefon"},
}
TEXT_SETTINGS = ("Projektnamn", "Samordningsförbund", "Insatsägare")


def workbook(sheet_key: str | None = None, column: str | None = None, setting: str | None = None) -> MemoryWorkbook:
    sheets: dict[str, list[list[object]]] = {}
    for s in spec.INPUT_SHEETS:
        if s.key == "settings":
            rows = [["Nyckel", "Värde"], ["Rapportperiod slut", D(2020, 2, 1)]]
            rows += [[name, POISON if name == setting else "Första Steget"] for name in TEXT_SETTINGS]
            sheets[s.name] = rows
            continue
        values = dict(VALID[s.key])
        if s.key == sheet_key:
            values[column] = POISON
        sheets[s.name] = [[c.header for c in s.columns], [values.get(c.key) for c in s.columns]]
    return MemoryWorkbook(sheets)


CELLS = [(s.key, k) for s in spec.INPUT_SHEETS if s.key != "settings" for k in searched_columns(s)]


def test_the_searched_columns_come_from_the_spec_and_cover_every_free_text_column() -> None:
    named = {("texts", "text"), ("outcomes", "type"), ("outcomes", "description"), ("internships", "workplace"),
             ("staff", "role"), ("staff", "comment"), ("groups", "comment"), ("goals", "description"),
             ("statistics", "municipality"), ("participants", "participant_id"), ("participants", "comment"),
             # -- surveys (#15): the question text and SvarID through the same spec mechanism --
             ("survey_questions", "question"), ("survey_answers", "answer_id")}
    assert named <= set(CELLS)


@pytest.mark.parametrize(("sheet_key", "column"), CELLS)
def test_personal_data_in_any_text_column_is_found_masked_and_refuses_the_report(sheet_key: str, column: str) -> None:
    data = jobs.load(workbook(sheet_key, column))
    sheet = spec.SHEETS_BY_KEY[sheet_key]
    found = [p for p in data.problems if p.kind == PERSONAL_DATA]
    assert {(p.sheet, p.row, p.column) for p in found} == {(sheet.name, 2, sheet.column(column).header)}
    assert any("personnummer" in p.message for p in found)
    for p in data.problems:
        # -- a column that names authors on purpose is searched for numbers only (the name stays) --
        if (sheet_key, column) not in NUMBERS_ONLY_COLUMNS:
            assert "Fatima" not in p.value + p.message, p
        assert "1212-1212" not in p.value + p.message, p
    with pytest.raises(jobs.ReportRefused):
        jobs.guard_personal_data(compute(data), allow=False)


@pytest.mark.parametrize("setting", TEXT_SETTINGS)
def test_personal_data_in_a_text_setting_is_found(setting: str) -> None:
    data = jobs.load(workbook(setting=setting))
    found = [p for p in data.problems if p.kind == PERSONAL_DATA]
    row = 3 + TEXT_SETTINGS.index(setting)
    assert [(p.sheet, p.row, p.column) for p in found][:1] == [("Inställningar", row, "Värde")]
    assert all("Fatima" not in p.value + p.message for p in found)


def test_the_clean_workbook_has_no_personal_data() -> None:
    assert not [p for p in jobs.load(workbook()).problems if p.kind == PERSONAL_DATA]


@pytest.mark.parametrize("text", [line for line in (DATA / "personal.txt").read_text(encoding="utf-8").splitlines()
                                  if line.strip() and not line.startswith("#")])
def test_every_spelling_of_a_number_or_a_name_is_found(text: str) -> None:
    assert find_identity_numbers(text) or find_names(text), text


@pytest.mark.parametrize(("text", "masked"), [
    ("811218 9876", "811218-****"), ("811218\u20139876", "811218-****"), ("811218\u00a09876", "811218-****"),
    ("811218.9876", "811218-****"), ("19 81 12 18-98 76", "19811218-****"), ("198112189876", "19811218-****"),
    ("pnr 811218 - 9876.", "811218-****"),
])
def test_separators_people_type_are_read(text: str, masked: str) -> None:
    assert [n.masked for n in find_identity_numbers(text)] == [masked]


@pytest.mark.parametrize("text", ["2019-09-02–2019-12-19", "2019 09 02 2019 12 19", "1 520 000 kr och 143 500 kr",
                                  "vecka 36–51, 2019-09-02", "811218-98765", "08-123 456 78"])
def test_dates_ranges_and_sums_are_not_numbers(text: str) -> None:
    assert find_identity_numbers(text) == []


@pytest.mark.parametrize(("text", "names"), [
    ("FATIMA ALI", ["FATIMA ALI"]), ("fatima ali", ["fatima ali"]), ("Ringde Fatima A. i dag", ["Fatima A."]),
    ("Hodan Warsame slutade", ["Hodan Warsame"]), ("amina hassan ringde", ["amina hassan"]),
    ("Fatima och Ali", []), ("Fatima kom sent", []), ("ICA MAXI KLIPPAN", []), ("Perstorp AB", []),
])
def test_names_in_any_case(text: str, names: list[str]) -> None:
    assert find_names(text) == names


def _corpus(name: str) -> list[str]:
    return [line for line in (DATA / name).read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")]


def test_false_alarm_rate_on_places_employers_and_the_seed_report() -> None:
    # -- 106 municipality, employer and workplace texts and 394 sentences of the hand-written report;
    #    Ingvar Nilsson is allowed as he is in the example's Källa kostnader --
    corpus = _corpus("places_and_employers.txt") + _corpus("seed_sentences.txt")
    alarms = [t for t in corpus if find_identity_numbers(t) or find_names(t, allowed=["Ingvar", "Nilsson"])]
    assert len(corpus) == 500
    assert alarms == []


def test_a_name_typed_as_an_unknown_code_is_found_on_every_row_and_masked_elsewhere() -> None:
    wb = workbook()
    att = wb.sheets["Närvaro"]
    att += [["K2-01", D(2019, 9, 3), "N"], ["Fatima Ali", D(2019, 9, 4), "N"], ["K2-01", D(2019, 9, 5), "N"],
            ["Fatima Ali", D(2019, 9, 6), "N"], ["fatima ali", D(2019, 9, 9), "N"]]
    data = jobs.load(wb)
    found = [p for p in data.problems if p.kind == PERSONAL_DATA and p.sheet == "Närvaro"]
    assert [(p.row, p.value) for p in found] == [(4, "F*** A***"), (7, "f*** a***")]
    assert "raderna 4 och 6" in found[0].message
    # -- the unknown-code problem for the same rows lists both and does not show the name --
    unknown = [p for p in data.problems if p.kind != PERSONAL_DATA and p.sheet == "Närvaro"]
    assert unknown and all("Fatima" not in p.value + p.message and "fatima" not in p.value + p.message
                           for p in unknown)
    assert any("2 rader: 4 och 6" in p.message for p in unknown)


def test_xlpy_report_refuses_with_exit_1_naming_sheet_row_and_column(tmp_path: Path, capsys) -> None:
    path = tmp_path / "exempel.xlsx"
    shutil.copyfile(jobs.EXAMPLE_WORKBOOK, path)
    wb = openpyxl.load_workbook(path)
    ws = wb["Praktik"]
    header = [c.value for c in next(ws.iter_rows(min_row=1, max_row=5)) if c.value]
    row = next(r for r in range(1, 10) if ws.cell(r, 1).value == "DeltagarID") + 1
    col = [c.value for c in ws[row - 1]].index("Arbetsplats") + 1
    ws.cell(row, col).value = "Hos FATIMA ALI, 811218–9876"
    wb.save(path)
    assert header is not None
    assert main(["report", str(path)]) == 1
    out = capsys.readouterr()
    text = out.out + out.err
    assert f"Praktik rad {row}, kolumn Arbetsplats" in text
    assert "FATIMA" not in text and "9876" not in text
    assert not path.with_name("exempel_arsrapport.docx").exists()
