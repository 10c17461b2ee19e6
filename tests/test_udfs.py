"""The worksheet functions through xlwings' real UDF machinery (`xlwings.udfs`, Windows-only modules
stubbed): their metadata, the generated VBA wrapper, and the argument/return conversions call_udf applies."""

from __future__ import annotations

import re
from typing import Any

import pytest
from xlwings import conversion

from tests.test_actions import _book, _example_values, remote_engine
from xlpy.core import compute
from xlpy.excel import udfs
from xlpy.excel.udf_vba import load_udfs_with_metadata, real_udf_machinery, udf_functions, udf_vba_module
from xlpy.io.memory import MemoryWorkbook
from xlpy.jobs import load


@pytest.fixture(autouse=True)
def _remote(monkeypatch: pytest.MonkeyPatch) -> None:
    remote_engine(monkeypatch)


@pytest.fixture(scope="module")
def meta() -> dict[str, dict[str, Any]]:
    return {f["name"]: f for f in udf_functions()}


@pytest.fixture(scope="module")
def example() -> dict[str, list[list[Any]]]:
    return _example_values()


def call_like_excel(name: str, *cell_values: Any, caller: Any = None) -> Any:
    """What xlwings.udfs.call_udf does with the values Excel passes: a missing optional argument gets its
    default, every other is converted by its options, `caller` is the calling range, and the result is
    converted back by the return options."""
    with real_udf_machinery() as machinery:
        module = load_udfs_with_metadata(machinery)
    func = getattr(module, name)
    info = func.__xlfunc__
    missing = -2147352572  # what Excel passes for an omitted optional argument
    args: list[Any] = []
    for arg_info in info["args"]:
        if arg_info["name"] == "caller":
            args.append(caller)
            continue
        pos = arg_info["pos"]
        value = cell_values[pos] if pos < len(cell_values) else missing
        if value == missing:
            args.append(arg_info.get("optional"))
        else:
            args.append(conversion.read(None, value, arg_info["options"], engine_name="remote"))
    written = conversion.write(func(*args), None, info["ret"]["options"], engine_name="remote")
    assert isinstance(written, list) and len(written) == 1 and len(written[0]) == 1  # one cell
    return written[0][0]


def test_every_udf_has_swedish_help_and_the_project_category(meta: dict[str, dict[str, Any]]) -> None:
    assert sorted(meta) == sorted(udfs.UDF_NAMES)
    for name, info in meta.items():
        assert info["category"] == "Första Steget", name
        assert 0 < len(info["ret"]["doc"]) <= 255 and "Python function" not in info["ret"]["doc"], name
        for arg in info["args"]:
            if arg["name"] != "caller":
                assert not arg["doc"].startswith("Positional argument"), (name, arg["name"])


def test_caller_is_filled_in_by_xlwings_not_typed_by_the_user(meta: dict[str, dict[str, Any]]) -> None:
    vba = udf_vba_module("forsta_steget.xlam")
    for name in ("FS_NARVARO", "FS_SYSSELSATTNING", "FS_MALSTATUS"):
        assert meta[name]["args"][-1]["name"] == "caller"  # call_udf puts the calling range here
        assert re.search(rf"Function {name}\((gruppid|gruppid, malid)\)\r\n", vba), name
        assert re.search(rf'"{name}", Array\([^)]*, Nothing\)', vba), name


def test_generated_vba_wrapper_declares_every_function(meta: dict[str, dict[str, Any]]) -> None:
    vba = udf_vba_module("forsta_steget.xlam")
    assert vba.startswith('Attribute VB_Name = "xlwings_udfs"\r\n')
    for name in udfs.UDF_NAMES:
        assert f'XLPy.CallUDF("xlpy.excel.udfs", "{name}", ' in vba
    assert "Function FS_NARVARO(gruppid)\r\n" in vba
    assert "Function FS_SAMHALLSKOSTNAD(antal, Optional ar, Optional kostnad, Optional scenario)\r\n" in vba
    assert "Function FS_BESPARING(antal_vidare, Optional ar, Optional kostnad, Optional scenario)\r\n" in vba
    assert "ActiveWorkbook" in vba and "ThisWorkbook" not in vba  # an add-in serves the active workbook


def test_machinery_stubs_do_not_leak() -> None:
    import sys

    udf_functions()
    assert "pythoncom" not in sys.modules and "win32com.client" not in sys.modules


@pytest.mark.parametrize(
    ("name", "args", "expected"),
    [
        ("FS_SAMHALLSKOSTNAD", (50,), 7_600_000),  # METRICS.md: 50 people, one year
        ("FS_SAMHALLSKOSTNAD", (21, 4), 12_768_000),  # METRICS.md: G2, year 4
        ("FS_SAMHALLSKOSTNAD", (21.0, 2.0, 100_000), 4_200_000),
        ("FS_BESPARING", (10, 3), 4_560_000),  # METRICS.md: G2 Besparing, year 3
        ("FS_BESPARING", (10, 0), 0),
        ("FS_PRODUKTIONSBORTFALL", (50,), 10_800_000),  # METRICS.md: production loss, 18 000 kr a month
        ("FS_PRODUKTIONSBORTFALL", (1, 1, 20_000, 0.3142), 315_408),
    ],
)
def test_cost_functions_follow_the_cost_model(name: str, args: tuple[Any, ...], expected: int) -> None:
    assert call_like_excel(name, *args) == expected


def test_cost_functions_answer_bad_input_with_a_message_not_an_error() -> None:
    assert call_like_excel("FS_SAMHALLSKOSTNAD", "många").startswith("Fel:")


def test_group_functions_look_up_the_core_results(example: dict[str, list[list[Any]]]) -> None:
    book = _book(example)
    caller = book.sheets[0].range("A1")
    expected = compute(load(MemoryWorkbook({k: [list(r) for r in v] for k, v in example.items()})))
    k2 = expected["levels"]["group"]["K2"]
    assert call_like_excel("FS_NARVARO", "K2", caller=caller) == pytest.approx(k2["metrics"]["narvaro"])
    assert call_like_excel("FS_SYSSELSATTNING", "k2", caller=caller) == pytest.approx(k2["metrics"]["sysselsattning"])
    goal_id, goal = next(iter(k2["goals"].items()))
    assert call_like_excel("FS_MALSTATUS", "K2", goal_id.lower(), caller=caller) == goal["status"]
    assert call_like_excel("FS_NARVARO", "X9", caller=caller) == "Okänd grupp: X9"
    assert call_like_excel("FS_MALSTATUS", "K2", "M99", caller=caller).startswith("Okänt eller inaktivt mål")


def _with_cost_items(example: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    from tests.test_actors import ITEMS_152000

    header = ["Post", "Aktör", "Slag", "Låg", "Bas", "Hög", "Källa"]
    return {**example, "Kostnadsposter": [header, *[list(r) for r in ITEMS_152000]]}


@pytest.mark.parametrize(("args", "expected"), [
    (("FS_BESPARING", 10, 4, "Kommun", "låg"), 10 * (5_000 + 30_000) * 4),
    (("FS_BESPARING", 10, 4, "kommun"), 10 * 41_000 * 4),
    (("FS_BESPARING", 10, 4, "Region", "HÖG"), 10 * 36_000 * 4),
    (("FS_BESPARING", 10, 4, "alla", "hög"), 10 * 177_000 * 4),
    (("FS_BESPARING", 10, 4, None, "låg"), 10 * 122_000 * 4),
    (("FS_SAMHALLSKOSTNAD", 21, 4, "Arbetsförmedlingen"), 21 * 48_000 * 4),
    (("FS_SAMHALLSKOSTNAD", 21, 1, "Individen"), 0),  # -- no item of that actor: nothing to save --
    (("FS_BESPARING", 10, 4, "Landstinget"), "Okänd aktör: Landstinget."),
    (("FS_BESPARING", 10, 4, "Kommun", "medel"), "Fel: scenario ska vara låg, bas, hög, inte medel."),
    (("FS_BESPARING", 10, 4, 100_000, "låg"), "Fel: ange antingen en kostnad i kronor eller en aktör"),
])
def test_cost_functions_take_an_actor_and_a_scenario_from_the_workbook(
    example: dict[str, list[list[Any]]], args: tuple[Any, ...], expected: Any
) -> None:
    caller = _book(_with_cost_items(example)).sheets[0].range("A1")
    got = call_like_excel(*args, caller=caller)
    if isinstance(expected, str):
        assert isinstance(got, str) and got.startswith(expected)
    else:
        assert got == expected


def test_without_kostnadsposter_an_actor_is_ej_fordelat(example: dict[str, list[list[Any]]]) -> None:
    caller = _book(example).sheets[0].range("A1")
    assert call_like_excel("FS_BESPARING", 10, 4, "Ej fördelat", "hög", caller=caller) == 6_080_000
    assert call_like_excel("FS_BESPARING", 10, 4, "Kommun", caller=caller) == 0


def test_group_results_are_computed_once_per_distinct_input(
    example: dict[str, list[list[Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real = udfs.compute

    def counting(data: Any) -> dict[str, Any]:
        calls.append(1)
        return real(data)

    monkeypatch.setattr(udfs, "compute", counting)
    udfs._cache.clear()
    caller = _book(example).sheets[0].range("A1")
    for _ in range(3):
        udfs.FS_NARVARO("K2", caller)
        udfs.FS_SYSSELSATTNING("K2", caller)
    assert len(calls) == 1
    changed = dict(example)
    changed["Texter"] = [list(r) for r in example["Texter"]] + [["Utmaningar", "ny text"]]
    udfs.FS_NARVARO("K2", _book(changed).sheets[0].range("A1"))
    assert len(calls) == 2


def test_fs_enkat_gives_the_share_positive_of_a_question_or_indicator(example: dict[str, list[list[Any]]]) -> None:
    caller = _book(example).sheets[0].range("A1")
    expected = compute(load(MemoryWorkbook({k: [list(r) for r in v] for k, v in example.items()})))
    [k2] = [e for e in expected["surveys"] if e["question_id"] == "EGEN-1" and e["key"] == "K2"]
    [project] = [e for e in expected["surveys"] if e["kind"] == "indicator" and e["level"] == "project"]
    assert call_like_excel("FS_ENKAT", "egen-1", "K2", caller=caller) == pytest.approx(k2["andel_positiva"])
    assert call_like_excel("FS_ENKAT", "Stöd i gruppen", caller=caller) == pytest.approx(project["andel_positiva"])
    assert call_like_excel("FS_ENKAT", "EGEN-5", "K2", caller=caller) == "Underlag saknas"  # Styrgrupp: project only
    assert call_like_excel("FS_ENKAT", "F99", "K2", caller=caller) == "Okänd fråga: F99"
    assert call_like_excel("FS_ENKAT", "EGEN-1", "X9", caller=caller) == "Okänd grupp: X9"
    vba = udf_vba_module("forsta_steget.xlam")
    assert "Function FS_ENKAT(fragaid, Optional gruppid)\r\n" in vba


def test_followup_function_gives_the_share_moved_on_at_a_point(example: dict[str, list[list[Any]]]) -> None:
    book = _book(example)
    caller = book.sheets[0].range("A1")
    expected = compute(load(MemoryWorkbook({k: [list(r) for r in v] for k, v in example.items()})))
    k1 = expected["levels"]["group"]["K1"]["metrics"]
    assert call_like_excel("FS_UPPFOLJNING", "K1", 6, caller=caller) == pytest.approx(k1["vidare_efter_6"])
    assert call_like_excel("FS_UPPFOLJNING", "K1", 6, caller=caller) == pytest.approx(7 / 12)
    assert call_like_excel("FS_UPPFOLJNING", "K1", caller=caller) == pytest.approx(k1["vidare_efter_3"])
    assert call_like_excel("FS_UPPFOLJNING", "K2", 6, caller=caller) == "Underlag saknas"
    assert call_like_excel("FS_UPPFOLJNING", "K1", 12, caller=caller).startswith("Mättillfället 12 månader finns inte")
    assert call_like_excel("FS_UPPFOLJNING", "K1", "sex", caller=caller) == "Fel: sex är inget antal månader."
    assert "Function FS_UPPFOLJNING(gruppid, Optional manader)\r\n" in udf_vba_module("forsta_steget.xlam")
