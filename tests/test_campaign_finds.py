"""Files the hostile campaign (tests/corpus/campaign.py) found breaking the promise of #11, kept as they were
generated from the example workbook: each answer is an exit code and Swedish sentences, never a traceback,
and a refused workbook keeps its bytes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.corpus import attacks
from tests.corpus.harness import run_inprocess, sha256
from xlpy import fmt

DATA = Path(__file__).parent / "data" / "campaign"


@pytest.fixture
def copy_of(tmp_path: Path):  # type: ignore[no-untyped-def]
    def make(name: str) -> Path:
        dst = tmp_path / name
        shutil.copyfile(DATA / name, dst)
        return dst

    return make


def test_goal_targets_of_1e41_are_refused_as_shares_over_100_percent(copy_of) -> None:  # type: ignore[no-untyped-def]
    # -- a mutated Mål sheet: Målvärde 1e41 for närvaro and praktik, 1e41–1e42 for gruppstorlek; recalc
    #    used to end in decimal.InvalidOperation while formatting the target for Måluppfyllelse --
    book = copy_of("mal_enorma_malvarden.xlsx")
    for command in ("check", "recalc"):
        run = run_inprocess([command, str(book)])
        assert run.problems() == [], run.out
        assert run.rc == 1, run.out
        assert "Traceback" not in run.out and not run.crash
        assert "Mål rad 3, kolumn Målvärde: Målvärde 1e+41 är en andel över 100 %" in run.out
        assert "Målet har inte räknats med." in run.out


def test_a_workbook_whose_root_relationship_is_damaged_is_refused_unchanged(copy_of) -> None:  # type: ignore[no-untyped-def]
    # -- _rels/.rels names a mistyped officeDocument relationship: reading finds xl/workbook.xml anyway,
    #    writing cannot find the workbook part; recalc said it was "ingen giltig .xlsx-fil" --
    book = copy_of("rotrelation_skadad.xlsx")
    before = sha256(book)
    run = run_inprocess(["recalc", str(book)])
    assert run.problems() == [], run.out
    assert run.rc == 2
    assert run.lines == [f"Fel: {book.name} är skadad: filens relationer pekar inte ut bladlistan, så "
                         "resultatbladen kan inte skrivas. Öppna filen i Excel, spara den och försök igen."]
    assert sha256(book) == before


def test_a_numeric_cell_of_1e999_is_a_data_error_not_infinity(tmp_path: Path) -> None:
    # -- <v>1e999</v> is read as infinity; as both bounds of a "mellan" goal it passed every check and
    #    recalc ended in an unexpected error while formatting the target --
    def infinite(xml: bytes) -> bytes:
        for ref in (b"E4", b"F4"):
            xml = re.sub(rb'(<c r="' + ref + rb'"[^>]*><v>)[^<]*(</v>)', rb"\g<1>1e999\g<2>", xml)
        return xml

    book = attacks.rewrite(tmp_path / "oandlig.xlsx", {attacks.sheet_part("Mål"): infinite})
    for command in ("check", "recalc"):
        run = run_inprocess([command, str(book)])
        assert run.problems() == [], run.out
        assert run.rc == 1, run.out
        assert "Mål rad 4, kolumn Målvärde: inf är inget tal som går att räkna med." in run.out


@pytest.mark.parametrize(("value", "decimals", "text"), [
    (1e41, 0, "100" + (fmt.NBSP + "000") * 13),
    (-1.5e300, 0, "-1" + fmt.NBSP + "500" + (fmt.NBSP + "000") * 99),
    (1e28 + 0.0, 1, "10" + (fmt.NBSP + "000") * 9 + ",0"),
])
def test_numbers_beyond_28_digits_are_formatted(value: float, decimals: int, text: str) -> None:
    assert fmt.number(value, decimals) == text


def test_a_non_finite_number_is_not_formatted_as_a_figure() -> None:
    with pytest.raises(ValueError):
        fmt.number(float("inf"))
