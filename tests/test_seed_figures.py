"""The example workbook reproduces the seed report's figures (METRICS.md, last table), both in the
written output sheets and in `xlpy recalc --json`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from xlpy.cli import main
from xlpy.jobs import EXAMPLE_WORKBOOK


@pytest.fixture(scope="module")
def recalculated(tmp_path_factory) -> tuple[Path, dict]:
    folder = tmp_path_factory.mktemp("seed")
    book = folder / "exempel.xlsx"
    shutil.copyfile(EXAMPLE_WORKBOOK, book)
    assert main(["recalc", str(book), "--json", str(folder / "r.json")]) == 0
    return book, json.loads((folder / "r.json").read_text(encoding="utf-8"))


def sheet_rows(book: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name(name).to_python()


def table(book: Path, sheet: str, first_header: str) -> dict[str, dict[str, object]]:
    """The table under the header row starting with `first_header`, keyed by its 'Enhet' (or first) column."""
    rows = sheet_rows(book, sheet)
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_header)
    header = rows[start]
    key_col = header.index("Enhet") if "Enhet" in header else 0
    out = {}
    for r in rows[start + 1:]:
        if not any(v not in ("", None) for v in r):
            break
        out[str(r[key_col])] = dict(zip(header, r, strict=False))
    return out


# -- group sizes, staffing, attendance, outcomes ---------------------------------------------------

SIZES = {"Klippan grupp 1": 12, "Klippan grupp 2": 11, "Perstorp grupp 2": 10,
         "Klippan grupp 3": 10, "Perstorp grupp 3": 11}
STAFFING = {"Klippan grupp 1": 2.0, "Klippan grupp 2": 1.5, "Perstorp grupp 2": 1.5,
            "Klippan grupp 3": 1.9, "Perstorp grupp 3": 1.5}
ATTENDANCE = {"Klippan grupp 1": 0.825, "Klippan grupp 2": 0.81, "Perstorp grupp 2": 0.85}


@pytest.mark.parametrize(("label", "size"), SIZES.items())
def test_group_sizes_in_sheet_and_json(recalculated, label, size):
    book, r = recalculated
    assert table(book, "Resultat", "Nivå")[label]["Startade"] == size
    gid = {u["label"]: k for k, u in r["levels"]["group"].items()}[label]
    assert r["levels"]["group"][gid]["metrics"]["gruppstorlek"] == size


@pytest.mark.parametrize(("label", "share"), STAFFING.items())
def test_staffing_per_group(recalculated, label, share):
    book, r = recalculated
    assert table(book, "Resultat", "Nivå")[label]["Bemanning"] == pytest.approx(share)
    gid = {u["label"]: k for k, u in r["levels"]["group"].items()}[label]
    assert r["levels"]["group"][gid]["counts"]["staffing_percent"] == pytest.approx(share * 100)


@pytest.mark.parametrize(("label", "share"), ATTENDANCE.items())
def test_attendance(recalculated, label, share):
    book, r = recalculated
    assert table(book, "Resultat", "Nivå")[label]["Närvaro"] == pytest.approx(share)
    gid = {u["label"]: k for k, u in r["levels"]["group"].items()}[label]
    assert r["levels"]["group"][gid]["metrics"]["narvaro"] == pytest.approx(share)


@pytest.mark.parametrize(
    ("gid", "label", "outcomes", "moved_on_share"),
    [
        ("K2", "Klippan grupp 2", {"Studier": 2, "Arbete": 5, "Planering": 3, "Annat": 1}, 7 / 11),
        ("P2", "Perstorp grupp 2", {"Studier": 2, "Arbete": 1, "Planering": 7, "Annat": 0}, 3 / 10),
    ],
)
def test_group_2_latest_outcomes_and_share_moved_on(recalculated, gid, label, outcomes, moved_on_share):
    book, r = recalculated
    row = table(book, "Resultat", "Nivå")[label]
    for cat, n in outcomes.items():
        assert row[cat] == n
        assert r["levels"]["group"][gid]["counts"]["outcomes"][cat] == n
    assert row["Andel vidare"] == pytest.approx(moved_on_share)
    assert round(moved_on_share * 100) == (64 if gid == "K2" else 30)


def test_group_2_internships_and_action_plan(recalculated):
    book, r = recalculated
    row = table(book, "Resultat", "Nivå")["Grupp 2"]
    assert row["Deltog praktik 1"] == pytest.approx(16 / 21)
    assert row["Deltog praktik 2"] == pytest.approx(15 / 21)
    assert row["Handlingsplan"] == pytest.approx(16 / 21)
    u = r["levels"]["omgang"]["2"]
    assert u["basis"]["praktik_deltagande_1"] == [16, 21]
    assert u["basis"]["praktik_deltagande_2"] == [15, 21]
    assert u["basis"]["handlingsplan"] == [16, 21]
    assert u["goals"]["M6"]["status"] == "Uppfyllt"


# -- cost tables ---------------------------------------------------------------------------------

SEED_COSTS = {
    "Om ingenting händer": [3_192_000, 6_384_000, 9_576_000, 12_768_000],
    "Besparing": [1_520_000, 3_040_000, 4_560_000, 6_080_000],
    "Kvarstående kostnad": [1_672_000, 3_344_000, 5_016_000, 6_688_000],
}


def test_group_2_cost_tables_in_sheet(recalculated):
    book, _ = recalculated
    rows = sheet_rows(book, "Samhällskostnad")
    start = next(i for i, row in enumerate(rows) if str(row[0]).startswith("Omgång: Grupp 2 – 21 deltagare, 10 vidare, 11 kvar"))
    header = rows[start + 1]
    years = rows[start + 2:start + 6]
    for column, expected in SEED_COSTS.items():
        col = header.index(column)
        assert [y[col] for y in years] == expected


def test_group_2_cost_tables_in_json(recalculated):
    _, r = recalculated
    c = r["levels"]["omgang"]["2"]["costs"]
    assert [y["cumulative"] for y in c["om_ingenting_hander"]] == SEED_COSTS["Om ingenting händer"]
    assert [y["cumulative"] for y in c["besparing"]] == SEED_COSTS["Besparing"]
    assert [y["cumulative"] for y in c["kvarstaende"]] == SEED_COSTS["Kvarstående kostnad"]
    assert r["parameters"]["cost_per_person_year"] == 152_000


# -- Arbetsförmedlingen statistics -----------------------------------------------------------------

SEED_STATISTICS = {
    "2018-09-01": [("Båstad", 57, 39, 96), ("Klippan", 83, 74, 157), ("Perstorp", 54, 92, 146),
                   ("Ängelholm", 127, 120, 247), ("Örkelljunga", 50, 39, 89)],
    "2019-05-01": [("Båstad", 30, 61, 91), ("Klippan", 50, 96, 146), ("Perstorp", 39, 104, 143),
                   ("Ängelholm", 94, 150, 244), ("Örkelljunga", 40, 54, 94)],
    "2020-01-01": [("Båstad", 37, 75, 112), ("Klippan", 69, 107, 176), ("Perstorp", 45, 103, 148),
                   ("Ängelholm", 94, 180, 274), ("Örkelljunga", 32, 66, 98)],
}


def test_statistics_tables_exactly_as_in_the_seed(recalculated):
    _, r = recalculated
    got = {t["period"]: [(x["municipality"], x["unemployed"], x["in_programme"], x["total"]) for x in t["rows"]]
           for t in r["statistics"]}
    assert got == SEED_STATISTICS


# -- goal matrix -----------------------------------------------------------------------------------

def test_goal_matrix_shows_statuses_per_group(recalculated):
    book, r = recalculated
    matrix = table(book, "Måluppfyllelse", "MålID")
    assert matrix["M1"]["Klippan grupp 2"].startswith("Uppfyllt (81")
    assert matrix["M2"]["Klippan grupp 1"].startswith("Ej uppfyllt (12")  # the seed says met; 12 > 10
    assert matrix["M4"]["Klippan grupp 3"].startswith("Pågår")
    assert r["levels"]["group"]["K3"]["ongoing"] is True


def test_json_is_keyed_by_level_then_unit(recalculated):
    _, r = recalculated
    assert set(r["levels"]) == {"group", "omgang", "municipality", "project", "period", "previous_period"}
    assert r["levels"]["previous_period"] is None  # P' = 2018-01-31 – 2019-01-31 has no ended group
    assert set(r["levels"]["group"]) == {"K1", "K2", "P2", "K3", "P3"}
    assert set(r["levels"]["omgang"]) == {"1", "2", "3"}
    assert set(r["levels"]["municipality"]) == {"Klippan", "Perstorp"}
    assert r["levels"]["project"]["all"]["counts"]["started"] == 54
    for unit in r["levels"]["group"].values():
        assert {"narvaro", "gruppstorlek", "handlingsplan", "sysselsattning"} <= set(unit["metrics"])
        assert set(unit["goals"]) == {f"M{i}" for i in range(1, 10)}


def test_recalc_twice_gives_identical_output_sheets(recalculated, tmp_path):
    book, _ = recalculated
    import zipfile

    def parts(p: Path) -> dict[str, bytes]:
        with zipfile.ZipFile(p) as z:
            return {n: z.read(n) for n in z.namelist()}

    first = parts(book)
    assert main(["recalc", str(book)]) == 0
    assert parts(book) == first
