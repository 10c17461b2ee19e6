"""Personal data where only codes belong: identity numbers with a valid check digit, and names."""

from __future__ import annotations

import pytest

from tests.builders import D, group, make_input, person
from xlpy.intake.privacy import find_identity_numbers, find_names, find_personal_data, luhn_ok, mask_text

# -- 811218-9876 is Skatteverket's published test personnummer; 701063-2391 the common example
#    samordningsnummer (born 1970-10-03, day + 60) --
VALID_PNR = "811218-9876"
VALID_SAMORDNING = "701063-2391"


@pytest.mark.parametrize(
    "digits, ok",
    [("8112189876", True), ("8112189875", False), ("7010632391", True), ("7010632390", False),
     ("0000000000", True), ("123456789", False), ("81121898x6", False)],
)
def test_luhn_check_digit(digits: str, ok: bool) -> None:
    assert luhn_ok(digits) is ok


@pytest.mark.parametrize(
    "text, kind, masked",
    [
        (VALID_PNR, "personnummer", "811218-****"),
        ("811218+9876", "personnummer", "811218+****"),
        ("8112189876", "personnummer", "811218-****"),
        ("19811218-9876", "personnummer", "19811218-****"),
        ("198112189876", "personnummer", "19811218-****"),
        (VALID_SAMORDNING, "samordningsnummer", "701063-****"),
        ("197010632391", "samordningsnummer", "19701063-****"),
        (f"Ringde, pnr {VALID_PNR}, om praktik", "personnummer", "811218-****"),
    ],
)
def test_identity_numbers_are_found_and_masked(text: str, kind: str, masked: str) -> None:
    found = find_identity_numbers(text)
    assert [(f.kind, f.masked) for f in found] == [(kind, masked)]


@pytest.mark.parametrize(
    "text",
    [
        "811218-9875",        # wrong check digit
        "701063-2390",        # samordningsnummer with wrong check digit
        "811318-9876",        # month 13
        "810230-9876",        # 30 February is no birth date (whatever the check digit)
        "17811218-9876",      # century 17
        "2019-09-02",         # a date
        "20190902",           # a date without dashes: 8 digits
        "K2-07",              # a participant code
        "P3-11",
        "1234567",
        "0811218-98765",      # digits glued to the number on both sides
        "Grupp 2, vecka 12",
    ],
)
def test_non_numbers_are_not_flagged(text: str) -> None:
    assert find_identity_numbers(text) == []


@pytest.mark.parametrize(
    "text, names",
    [
        ("Fatima Ali", ["Fatima Ali"]),
        ("Fatima Ali slutade i mars", ["Fatima Ali"]),
        ("Pratade med Anna-Karin Ek om praktik", ["Anna-Karin Ek"]),
        ("Åsa Öberg", ["Åsa Öberg"]),
        ("Började Komvux i Klippan", []),            # common words are not names
        ("Praktik på Arbetsförmedlingen Klippan", []),
        ("Fick jobb via AF och SFI", []),             # all-capital abbreviations
        ("Fatima slutade. Ali började", []),          # one capitalised word at a time
        ("K2-07 sjuk vecka 3", []),
        ("deltar i Första Steget", []),
    ],
)
def test_name_like_strings(text: str, names: list[str]) -> None:
    assert find_names(text) == names


def test_allowed_words_break_a_name_run() -> None:
    # -- the workbook's own workplaces: an employer named like a person is not a name there --
    assert find_names("Praktik på Kalles Kaffe") == ["Kalles Kaffe"]
    assert find_names("Praktik på Kalles Kaffe", allowed=["Kalles", "Kaffe"]) == []
    # -- but a known given name with a surname is, even when its words are the workbook's own --
    assert find_names("Praktik hos Fatima Ali", allowed=["Fatima", "Ali"]) == ["Fatima Ali"]


def test_mask_text_hides_number_and_name() -> None:
    masked = mask_text(f"Fatima Ali {VALID_PNR} ringde")
    assert "9876" not in masked and "Fatima" not in masked and "Ali " not in masked
    assert "811218-****" in masked and "F*** A***" in masked


def _data(participants: list[dict], **sheets: list[dict]):
    return make_input(groups=[group("K2")], participants=participants, **sheets)


def test_find_personal_data_flags_participant_ids_and_comments() -> None:
    data = _data(
        [person("K2-01"), person(VALID_PNR), person("Fatima Ali"), person("K2-04", comment="Syster till Omar Said"),
         person("K2-05", comment=f"sam.nr {VALID_SAMORDNING}")],
    )
    problems = find_personal_data(data)
    by_row = {p.row: p for p in problems}
    assert sorted(by_row) == [4, 5, 6, 7]  # rows 3.. per builders; K2-01 on row 3 is clean
    assert all(p.severity == "fel" and p.sheet == "Deltagare" for p in problems)
    assert by_row[4].column == "DeltagarID" and "personnummer" in by_row[4].message
    assert by_row[5].column == "DeltagarID" and "namn" in by_row[5].message
    assert by_row[6].column == "Kommentar" and "O*** S***" in by_row[6].message
    assert "samordningsnummer" in by_row[7].message
    for p in problems:
        assert "9876" not in p.message + p.value and "2391" not in p.message + p.value
        assert "Fatima" not in p.message + p.value and "Omar" not in p.message + p.value


def test_repeated_value_on_many_rows_gives_one_problem_with_count() -> None:
    rows = [{"participant_id": VALID_PNR, "date": D(2019, 9, d), "status": "N"} for d in range(2, 12)]
    data = _data([person("K2-01")], attendance=rows)
    problems = [p for p in find_personal_data(data) if p.sheet == "Närvaro"]
    assert len(problems) == 1
    assert problems[0].row == 3 and "raderna 3–12" in problems[0].message


def test_workbook_words_are_not_names() -> None:
    internships = [{"participant_id": "K2-01", "period": 1, "workplace": "Ica Maxi", "offered": True}]
    data = _data([person("K2-01", comment="Praktik på Ica Maxi")], internships=internships)
    assert find_personal_data(data) == []


def test_clean_codes_and_plain_comments_pass() -> None:
    data = _data([person(f"K2-{i:02d}", comment="Började Komvux i höst") for i in range(1, 11)])
    assert find_personal_data(data) == []


@pytest.mark.parametrize("text", ["x" * 32000, "Ab " * 20000, "1" * 32000, "Aa-" * 10000, "Åsa " * 8000])
def test_long_cells_are_searched_in_linear_time(text: str) -> None:
    # -- a 32 000-character cell (Excel's limit) once took 30 s in a backtracking pattern --
    import time

    start = time.perf_counter()
    find_names(text)
    find_identity_numbers(text)
    assert time.perf_counter() - start < 1.0


def test_name_does_not_continue_across_a_line_break_or_comma() -> None:
    assert find_names("slutade Fatima\nAli kom") == []
    assert find_names("Fatima, Ali") == []
    assert find_names("ring Fatima\u00a0Ali") == ["Fatima Ali"]
