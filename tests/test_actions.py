"""The ribbon actions run through xlwings' own Book API without Excel: the remote engine, fed the example
workbook's values, records what Excel would be asked to do; those writes must equal what the file
pipeline (xlpy.jobs.recalc_source into a MemoryWorkbook) writes."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import xlwings as xw
from python_calamine import CalamineWorkbook

from xlpy import spec
from xlpy.excel import actions
from xlpy.io.memory import MemoryWorkbook
from xlpy.io.xlwings_backend import XlwingsBook, address, style_blocks
from xlpy.jobs import recalc_source
from xlpy.model import OutCell, OutputSheet

EXAMPLE = Path(__file__).resolve().parents[1] / "workbook" / "forsta_steget_exempel.xlsx"
OUTPUT_NAMES = list(spec.OUTPUT_SHEETS.values())


def _example_values() -> dict[str, list[list[Any]]]:
    wb = CalamineWorkbook.from_path(str(EXAMPLE))
    return {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}


def _json_cell(v: Any) -> Any:
    if isinstance(v, dt.datetime):
        return v.isoformat()
    if isinstance(v, dt.date):
        return v.isoformat()
    return "" if v is None else v


def _book(values: dict[str, list[list[Any]]], name: str = "exempel.xlsx") -> Any:
    payload = {
        "version": xw.__version__,
        "client": "VBA",
        "book": {"name": name, "active_sheet_index": 0},
        "sheets": [
            {"name": n, "values": [[_json_cell(v) for v in row] for row in rows], "pictures": [], "tables": []}
            for n, rows in values.items()
        ],
        "names": [],
    }
    return xw.Book(json=payload)


def remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make xlwings' remote engine available for one test.

    xlwings validates the licence key when it is first imported, before a test can set it; so the key is
    set here (tests only; noncommercial is allowed, see excel-facts.md), the engine module imported, and
    the engine registered the way xlwings/__init__.py does, with everything undone after the test.
    """
    monkeypatch.setenv("XLWINGS_LICENSE_KEY", "noncommercial")
    from xlwings.main import Engine
    from xlwings.pro import _xlremote

    monkeypatch.setattr(xw.engines, "engines", list(xw.engines.engines))
    monkeypatch.setattr(xw.engines, "engines_by_name", dict(xw.engines.engines_by_name))
    if "remote" not in xw.engines.engines_by_name:
        xw.engines.add(Engine(impl=_xlremote.engine))


@pytest.fixture(autouse=True)
def _remote_engine(monkeypatch: pytest.MonkeyPatch) -> None:
    remote_engine(monkeypatch)


@pytest.fixture(scope="module")
def example() -> dict[str, list[list[Any]]]:
    return _example_values()


def _actions(book: Any) -> list[dict[str, Any]]:
    return book.json()["actions"]


def _written_values(book: Any, sheet_names: list[str]) -> dict[str, list[list[Any]]]:
    """The values each setValues action wrote, by sheet name (positions resolved in the final tab order)."""
    out = {}
    for a in _actions(book):
        if a["func"] == "setValues":
            out[sheet_names[a["sheet_position"]]] = a["values"]
    return out


def _as_json(rows: list[list[Any]]) -> list[list[Any]]:
    width = max((len(r) for r in rows), default=0)
    return [[_json_cell(v) for v in row] + [""] * (width - len(row)) for row in rows]


def test_recalculate_writes_the_same_figures_as_the_file_pipeline(example: dict[str, list[list[Any]]]) -> None:
    book = _book(example)
    message = actions.recalculate(book)
    assert message.startswith("Klart.")
    memory = MemoryWorkbook({k: [list(r) for r in v] for k, v in example.items()}, name="exempel.xlsx")
    recalc_source(memory, memory)
    names = list(example) + [n for n in OUTPUT_NAMES if n not in example]
    written = _written_values(book, names)
    assert set(written) == set(OUTPUT_NAMES)
    for name in OUTPUT_NAMES:
        assert written[name] == _as_json(memory.sheets[name]), name
    alerts = [a for a in _actions(book) if a["func"] == "alert"]
    assert len(alerts) == 1 and alerts[0]["args"][0] == message


def test_recalculate_reads_each_input_sheet_once_and_writes_each_output_sheet_in_few_calls(
    example: dict[str, list[list[Any]]], monkeypatch: pytest.MonkeyPatch
) -> None:
    book = _book(example)
    reads: Counter[str] = Counter()
    original = XlwingsBook.read_values

    def counting(self: XlwingsBook, sheet: str) -> list[list[Any]]:
        reads[sheet] += 1
        return original(self, sheet)

    monkeypatch.setattr(XlwingsBook, "read_values", counting)
    actions.recalculate(book)
    assert reads and max(reads.values()) == 1
    per_sheet: Counter[tuple[int, str]] = Counter(
        (a["sheet_position"], a["func"]) for a in _actions(book) if a["sheet_position"] is not None
    )
    for pos in {p for p, _ in per_sheet}:
        assert per_sheet[(pos, "setValues")] == 1
        assert per_sheet[(pos, "sheetClear")] == 1
    # -- sheets are added after the last tab, in the order the program writes them --
    added = [a["args"][1] for a in _actions(book) if a["func"] == "addSheet"]
    assert added == [n for n in OUTPUT_NAMES if n not in example]


def test_recalculate_replaces_an_existing_output_sheet_in_place(example: dict[str, list[list[Any]]]) -> None:
    values = dict(example)
    values["resultat"] = [["gammalt"]]
    book = _book(values)
    actions.recalculate(book)
    acts = _actions(book)
    assert "Resultat" not in [a["args"][1] for a in acts if a["func"] == "addSheet"]
    position = list(values).index("resultat")
    assert any(a["func"] == "sheetClear" and a["sheet_position"] == position for a in acts)


def test_check_data_fills_only_the_kontroll_sheet_and_summarises(example: dict[str, list[list[Any]]]) -> None:
    values = dict(example)
    values["Deltagare"] = [list(r) for r in example["Deltagare"]]
    header = next(i for i, r in enumerate(values["Deltagare"]) if "DeltagarID" in r)
    start_col = values["Deltagare"][header].index("Startdatum")
    values["Deltagare"][header + 1][start_col] = "inte ett datum"
    book = _book(values)
    message = actions.check_data(book)
    added = [a["args"][1] for a in _actions(book) if a["func"] == "addSheet"]
    assert added == ["Kontroll"]
    written = [a for a in _actions(book) if a["func"] == "setValues"]
    assert len(written) == 1
    assert "fel" in message and "Deltagare" in message


def test_errors_reach_the_user_as_a_swedish_message_not_a_traceback() -> None:
    book = _book({"Blad1": [["inget här"]]})
    message = actions.recalculate(book)
    alerts = [a for a in _actions(book) if a["func"] == "alert"]
    assert len(alerts) == 1 and alerts[0]["args"][0] == message
    assert "Traceback" not in message
    assert alerts[0]["args"][3] == "critical"


def test_unexpected_failures_are_logged_and_explained(
    example: dict[str, list[list[Any]]], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(actions, "LOG_FILE", tmp_path / "fel.log")

    def boom(*_: Any) -> None:
        raise RuntimeError("trasig")

    monkeypatch.setattr(actions, "_recalculate", boom)
    message = actions.recalculate(_book(example))
    assert message.startswith("Något gick fel (RuntimeError: trasig)")
    assert str(tmp_path / "fel.log") in message
    assert "Traceback" in (tmp_path / "fel.log").read_text(encoding="utf-8")


def test_create_report_writes_the_docx_and_says_where(example: dict[str, list[list[Any]]], tmp_path: Path) -> None:
    book = _book(example)
    target = tmp_path / "rapport.docx"
    message = actions.create_report(book, out_docx=target)
    assert target.exists() and target.stat().st_size > 10_000
    assert str(target) in message
    assert {a["func"] for a in _actions(book)} >= {"setValues", "alert"}


def test_report_goes_beside_the_workbook_or_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeBook:
        name = "uppfoljning.xlsx"
        fullname = str(tmp_path / "uppfoljning.xlsx")

    assert actions.report_path(FakeBook()) == tmp_path / "uppfoljning_arsrapport.docx"
    monkeypatch.setattr(Path, "home", lambda: tmp_path / "hem")
    FakeBook.fullname = "https://kommun.sharepoint.com/x/uppfoljning.xlsx"
    assert actions.report_path(FakeBook()) == tmp_path / "hem" / "uppfoljning_arsrapport.docx"


def test_new_workbook_creates_a_readable_template(tmp_path: Path) -> None:
    book = _book({"Blad1": [[None]]})
    message = actions.new_workbook(book, folder=tmp_path)
    created = tmp_path / "Första Steget.xlsx"
    assert created.exists() and str(created) in message
    names = CalamineWorkbook.from_path(str(created)).sheet_names
    assert [s.name for s in spec.INPUT_SHEETS if s.name in names] == [s.name for s in spec.INPUT_SHEETS]
    assert actions.new_workbook_path(tmp_path) == tmp_path / "Första Steget (2).xlsx"


def test_about_names_versions_and_config_sheet() -> None:
    book = _book({"Blad1": [[None]]})
    message = actions.about(book)
    assert f"xlwings {xw.__version__}" in message and "forsta_steget.conf" in message


def test_style_blocks_merge_cells_into_rectangles() -> None:
    def cells(styles: str) -> list[OutCell]:
        return [OutCell(1, {"t": "text", "p": "pct", "k": "kr"}[s]) for s in styles]

    sheet = OutputSheet("X", [cells("tpp"), cells("tpp"), cells("kkp")])
    blocks = style_blocks(sheet)
    assert blocks == {"pct": [(1, 2, 2, 3), (3, 3, 3, 3)], "kr": [(3, 1, 3, 2)]}
    assert [address(r) for r in blocks["pct"]] == ["B1:C2", "C3"]


class _Recorder:
    """A minimal stand-in for an xlwings Book on desktop Excel, recording the addresses it is asked for."""

    def __init__(self, sheet_name: str = "Måluppfyllelse") -> None:
        self.calls: list[tuple[str, Any]] = []
        self.name = "bok.xlsx"
        recorder = self

        class Rng:
            def __init__(self, addr: Any, prefix: str = "") -> None:
                object.__setattr__(self, "addr", addr)
                object.__setattr__(self, "prefix", prefix)

            @property
            def font(self) -> Rng:
                return Rng(self.addr, "font.")

            def __setattr__(self, key: str, value: Any) -> None:
                recorder.calls.append((self.prefix + key, self.addr))

        class Sheet:
            name = sheet_name

            def range(self, *args: Any) -> Rng:
                return Rng(args[0])

            def clear(self) -> None:
                recorder.calls.append(("clear", None))

            @property
            def freeze_panes(self) -> Any:
                recorder.calls.append(("freeze_panes", None))
                return type("Panes", (), {"freeze_at": lambda _self, _addr: None})()

        self.sheets = [Sheet()]


def test_block_formatting_gets_one_multi_area_call_per_style_property() -> None:
    rows = [[OutCell("x", "status_met" if (r + c) % 2 else "status_not_met") for c in range(6)] for r in range(6)]
    rec = _Recorder()
    XlwingsBook(rec, multi_area=True, via_file=False).write_sheets([OutputSheet("Måluppfyllelse", rows)])
    colour_calls = [addr for key, addr in rec.calls if key == "color"]
    assert len(colour_calls) == 2
    assert all("," in a and len(a) <= 255 for a in colour_calls)
    assert len([a for key, a in rec.calls if key == "font.color"]) == 2
    assert [k for k, _ in rec.calls].count("value") == 1


def test_block_formatting_of_the_example_sheets_takes_a_few_calls_each(
    example: dict[str, list[list[Any]]],
) -> None:
    memory = MemoryWorkbook({k: [list(r) for r in v] for k, v in example.items()})
    recalc_source(memory, memory)
    for name, sheet in memory.written.items():
        rec = _Recorder(name)
        XlwingsBook(rec, multi_area=True, via_file=False).write_sheets([sheet])
        kinds = Counter(k for k, _ in rec.calls)
        assert kinds["value"] == 1 and kinds["clear"] == 1, name
        formatting = sum(n for k, n in kinds.items() if k not in ("value", "clear", "column_width", "freeze_panes"))
        assert formatting <= 20, (name, kinds)  # one call per distinct property value (~15), a few split for length
        assert kinds["column_width"] <= len(sheet.col_widths), name


# -- desktop Excel: output sheets copied from a temporary workbook the file writer made ------------------

class _DesktopExcel:
    """A stand-in for an xlwings Book on desktop Excel that records every call the writer makes, and
    reads the temporary workbook when Excel is asked to open it (as Excel would)."""

    def __init__(self, sheet_names: list[str], fail_copy: bool = False) -> None:
        self.calls: list[tuple[str, Any]] = []
        self.opened: dict[str, Any] = {}
        self.name = "bok.xlsx"
        rec = self

        class Rng:
            def __init__(self, sheet: str, addr: str) -> None:
                self.sheet, self.addr = sheet, addr

            def copy(self, destination: Rng) -> None:
                rec.calls.append(("copy", (self.sheet, self.addr, destination.sheet, destination.addr)))
                if fail_copy:
                    raise RuntimeError("Excel sade nej")

        class Panes:
            def __init__(self, sheet: str) -> None:
                self.sheet = sheet

            def freeze_at(self, addr: str) -> None:
                rec.calls.append(("freeze_at", (self.sheet, addr)))

        class Sheet:
            def __init__(self, name: str, book: str) -> None:
                self.name, self.book = name, book

            def clear(self) -> None:
                rec.calls.append(("clear", self.name))

            def range(self, addr: str) -> Rng:
                return Rng(f"{self.book}!{self.name}", addr)

            @property
            def cells(self) -> Rng:
                return Rng(f"{self.book}!{self.name}", "cells")

            @property
            def freeze_panes(self) -> Panes:
                return Panes(self.name)

        class Sheets(list):  # type: ignore[type-arg]
            def add(self, name: str, after: Any = None) -> Sheet:
                rec.calls.append(("add", name))
                sheet = Sheet(name, "bok")
                self.append(sheet)
                return sheet

            def __getitem__(self, key: Any) -> Any:
                if isinstance(key, str):
                    return next(s for s in self if s.name == key)
                return super().__getitem__(key)

        class Source:
            def __init__(self, names: list[str]) -> None:
                self.sheets = Sheets(Sheet(n, "tmp") for n in names)

            def close(self) -> None:
                rec.calls.append(("close", None))

        class Books:
            def open(self, path: str, update_links: bool, read_only: bool) -> Source:
                rec.calls.append(("open", (update_links, read_only)))
                wb = CalamineWorkbook.from_path(path)
                rec.opened = {"path": Path(path),
                              "values": {n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names},
                              "xlsx": Path(path).read_bytes()}
                return Source(wb.sheet_names)

        class App:
            books = Books()
            engine = type("Engine", (), {"name": "excel"})()

            def __init__(self) -> None:
                object.__setattr__(self, "_updating", True)

            @property
            def screen_updating(self) -> bool:
                return bool(object.__getattribute__(self, "_updating"))

            @screen_updating.setter
            def screen_updating(self, value: bool) -> None:
                rec.calls.append(("screen_updating", value))
                object.__setattr__(self, "_updating", value)

        self.app = App()
        self.sheets = Sheets(Sheet(n, "bok") for n in sheet_names)


def _sheets_for(values: dict[str, list[list[Any]]]) -> list[OutputSheet]:
    memory = MemoryWorkbook({k: [list(r) for r in v] for k, v in values.items()})
    recalc_source(memory, memory)
    return [memory.written[n] for n in OUTPUT_NAMES]


def _big_goal_sheet(rows: int) -> OutputSheet:
    # -- scattered statuses: block by block this took a call per few cells --
    styles = ["status_met", "status_not_met", "status_ongoing", "status_no_basis"]
    body = [[OutCell(f"Grupp {r}"), *[OutCell("x", styles[(r * 7 + c) % 4]) for c in range(9)]] for r in range(rows)]
    return OutputSheet("Måluppfyllelse", [[OutCell("Mål", "header")], *body], [20.0] * 10, freeze_rows=1)


def _sheet_called(kind: str, args: Any) -> str:
    """The output sheet a recorded call was about: add/clear name it; copy and freeze_at carry it first."""
    if kind in ("clear", "add"):
        return str(args)
    return str(args[0]).split("!")[-1]


def test_desktop_excel_writes_any_output_sheet_in_a_handful_of_calls_however_big(
    example: dict[str, list[list[Any]]],
) -> None:
    for sheets in (_sheets_for(example), [_big_goal_sheet(5000)]):
        excel = _DesktopExcel(list(example))
        XlwingsBook(excel).write_sheets(sheets)
        kinds = Counter(k for k, _ in excel.calls)
        # -- once per run: open and close the temporary workbook, screen updating off and back on --
        assert (kinds["open"], kinds["close"], kinds["screen_updating"]) == (1, 1, 2)
        per_sheet = Counter(_sheet_called(k, args) for k, args in excel.calls
                            if k in ("clear", "add", "copy", "freeze_at"))
        for sheet in sheets:
            assert per_sheet[sheet.name] <= 4, (sheet.name, excel.calls)  # add, clear, copy, freeze
        copies = [args for k, args in excel.calls if k == "copy"]
        assert copies == [(f"tmp!{s.name}", "cells", f"bok!{s.name}", "A1") for s in sheets]
        assert excel.calls[-1] == ("screen_updating", True)


def test_desktop_excel_copies_exactly_what_the_file_writer_writes(example: dict[str, list[list[Any]]],
                                                                  tmp_path: Path) -> None:
    from xlpy.io.xlsx_package import write_copy

    sheets = _sheets_for(example)
    excel = _DesktopExcel(list(example))
    XlwingsBook(excel).write_sheets(sheets)
    # -- the temporary workbook held the four sheets with the values and formats of the command line's
    #    writer (same bytes), read-only, and is gone afterwards --
    assert sorted(excel.opened["values"]) == sorted(OUTPUT_NAMES)
    reference = tmp_path / "ref.xlsx"
    write_copy(None, reference, sheets)
    assert excel.opened["xlsx"] == reference.read_bytes()
    assert ("open", (False, True)) in excel.calls
    assert not excel.opened["path"].exists()
    # -- Excel will not open a second workbook with the name of one already open: a fresh name each time --
    first = excel.opened["path"].name
    XlwingsBook(excel).write_sheets(sheets)
    assert first.startswith("forsta_steget_utdata_") and excel.opened["path"].name != first
    goals = excel.opened["values"]["Måluppfyllelse"]
    assert goals[0][0].startswith("Måluppfyllelse – ")


def test_desktop_excel_failure_closes_the_temporary_workbook_and_restores_the_screen(
    example: dict[str, list[list[Any]]],
) -> None:
    excel = _DesktopExcel(list(example), fail_copy=True)
    with pytest.raises(RuntimeError, match="Excel sade nej"):
        XlwingsBook(excel).write_sheets(_sheets_for(example))
    kinds = [k for k, _ in excel.calls]
    assert kinds.count("copy") == 1 and kinds[-2:] == ["close", "screen_updating"]
    assert excel.calls[-1] == ("screen_updating", True)
    assert not excel.opened["path"].exists()


def test_the_copy_path_uses_only_calls_xlwings_itself_offers(example: dict[str, list[list[Any]]],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    # -- the same path through xlwings' own objects (remote engine) instead of a stand-in, so a method
    #    xlwings does not have, or a wrong signature, fails here; the remote engine cannot open a file,
    #    so Books.open gives it a book holding the temporary workbook's values --
    opened: list[Any] = []
    real_open = xw.main.Books.open

    def open_temporary(self: Any, fullname: str | None = None, update_links: bool | None = None,
                       read_only: bool | None = None, **kwargs: Any) -> Any:
        if fullname is None:  # -- xw.Book(json=...) opens through here too --
            return real_open(self, **kwargs)
        assert (update_links, read_only) == (False, True)
        wb = CalamineWorkbook.from_path(fullname)
        source = _book({n: wb.get_sheet_by_name(n).to_python() for n in wb.sheet_names}, name="utdata.xlsx")
        opened.append((source, source.json))  # -- close() drops the book; keep a way to read its actions --
        return source

    monkeypatch.setattr(xw.main.Books, "open", open_temporary)
    book = _book(example)
    sheets = _sheets_for(example)
    XlwingsBook(book, via_file=True).write_sheets(sheets)
    [(_source, source_json)] = opened
    target_actions = _actions(book)
    kinds = Counter(a["func"] for a in target_actions)
    assert kinds["setValues"] == 0, "values come with the copy"
    assert kinds["sheetClear"] == len(sheets) and kinds["freezePaneAtRange"] == len(sheets)
    added = [a["args"][1] for a in target_actions if a["func"] == "addSheet"]
    assert added == [n for n in OUTPUT_NAMES if n not in example]
    per_sheet = Counter(a["sheet_position"] for a in target_actions if a["sheet_position"] is not None)
    assert max(per_sheet.values()) <= 4
    # -- one copy per output sheet, recorded by the engine on the temporary book it came from --
    copies = [a for a in source_json()["actions"] if a["func"] == "copyRange"]
    names = [s.name for s in book.sheets]
    assert [(names[a["args"][0]], a["args"][1]) for a in copies] == [(s.name, "$A$1") for s in sheets]


def test_kontroll_row_numbers_become_internal_hyperlinks(example: dict[str, list[list[Any]]]) -> None:
    # -- through xlwings' own API: Excel's hyperlink with "#" (within the workbook), shown as the row --
    values = dict(example)
    values["Deltagare"] = [list(r) for r in example["Deltagare"]]
    header = next(i for i, r in enumerate(values["Deltagare"]) if "DeltagarID" in r)
    values["Deltagare"][header + 1][values["Deltagare"][header].index("Startdatum")] = "inte ett datum"
    book = _book(values)
    actions.check_data(book)
    links = [a for a in _actions(book) if a["func"] == "addHyperlink"]
    row = header + 2  # the Excel row of the edited cell
    assert [a["args"][:2] for a in links] == [[f"#'Deltagare'!A{row}", str(row)]]
    assert links[0]["start_column"] == 2  # the Rad column (C) of Kontroll


def test_actions_run_many_times_in_one_process_leave_no_state_behind(
        example: dict[str, list[list[Any]]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # -- USE UDF SERVER: one Python process serves every click, so a click must leave it as it found it --
    import gc
    import os

    import matplotlib
    import matplotlib.pyplot as plt

    def open_files() -> int:
        return len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").is_dir() else 0

    import xlpy.report.charts  # noqa: F401 -- importing pyplot picks the backend once; clicks must change nothing

    rc_before = dict(matplotlib.rcParams)
    # -- each book is made just before its click: the remote engine sends app.alert to the newest book --
    first_book = _book(example)
    first = actions.recalculate(first_book)
    fds = 0
    for i in range(3):
        assert actions.create_report(_book(example), tmp_path / f"r{i}.docx").startswith("Årsrapporten är sparad")
        # -- after the first report: matplotlib keeps its two font files open, once per process --
        fds = fds or open_files()
    second_book = _book(example)
    second = actions.recalculate(second_book)
    assert second == first and _actions(second_book) == _actions(first_book)
    assert plt.get_fignums() == [] and gc.isenabled()
    assert dict(matplotlib.rcParams) == rc_before
    assert open_files() <= fds
    # -- a chart that fails half-way closes its figure too --
    from matplotlib.figure import Figure

    def broken(*_: Any, **__: Any) -> None:
        raise OSError("disken är full")

    monkeypatch.setattr(Figure, "savefig", broken)
    assert "disken är full" in actions.create_report(_book(example), tmp_path / "trasig.docx")
    assert plt.get_fignums() == [] and gc.isenabled()


def test_consolidate_writes_beside_the_workbook_and_reads_the_chosen_files_only(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib

    from tests.test_consolidate import split_by_municipality
    from xlpy.example import example_data
    from xlpy.workbook_template import create_workbook

    monkeypatch.setattr(Path, "home", lambda: tmp_path)  # -- the remote book has no folder: home it is --
    chosen = []
    for mun, part in split_by_municipality(example_data()).items():
        chosen.append(tmp_path / f"{mun}.xlsx")
        create_workbook(chosen[-1], part)
    before = [hashlib.sha256(p.read_bytes()).hexdigest() for p in chosen]
    message = actions.consolidate(_book({"Blad1": [[None]]}), ask=lambda b: chosen)
    target = tmp_path / "Sammanställning.xlsx"
    assert message is not None and str(target) in message and target.exists()
    assert [hashlib.sha256(p.read_bytes()).hexdigest() for p in chosen] == before
    assert "Källa" in CalamineWorkbook.from_path(str(target)).get_sheet_by_name("Deltagare").to_python()[1]
    # -- a second run does not overwrite the first consolidation --
    actions.consolidate(_book({"Blad1": [[None]]}), ask=lambda b: chosen)
    assert (tmp_path / "Sammanställning (2).xlsx").exists()


def test_consolidate_says_why_nothing_was_written_and_is_quiet_when_cancelled(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from xlpy.example import example_data
    from xlpy.workbook_template import create_workbook

    monkeypatch.setattr(Path, "home", lambda: tmp_path)
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    create_workbook(a, example_data())
    create_workbook(b, example_data())
    message = actions.consolidate(_book({"Blad1": [[None]]}), ask=lambda book: [a, b])
    assert message is not None and message.startswith("Ingen sammanställning skrevs") and "finns både i a.xlsx" in message
    assert not (tmp_path / "Sammanställning.xlsx").exists()
    assert actions.consolidate(_book({"Blad1": [[None]]}), ask=lambda book: []) is None


def test_the_file_dialog_is_windows_only_and_says_what_to_do_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(actions.platform, "system", lambda: "Darwin")
    with pytest.raises(actions.WorkbookError, match="xlpy sammanstall"):
        actions.ask_workbooks(object())
