"""One contract for every workbook backend (file, memory, xlwings): the same workbook read through any
of them gives the same figures, and output sheets written through any of them read back the same."""

from __future__ import annotations

import datetime as dt
import shutil
from typing import Any

import pytest

from tests.test_actions import _book, _example_values, remote_engine
from xlpy.io.base import WorkbookSink, WorkbookSource
from xlpy.io.calamine_backend import open_source
from xlpy.io.memory import MemoryWorkbook
from xlpy.io.xlsx_package import XlsxPackageSink
from xlpy.io.xlwings_backend import XlwingsBook
from xlpy.jobs import EXAMPLE_WORKBOOK, check_source, recalc_source
from xlpy.spec import OUTPUT_SHEETS

BACKENDS = ["file", "memory", "xlwings"]


@pytest.fixture()
def backend(request, tmp_path, monkeypatch) -> tuple[WorkbookSource, WorkbookSink, Any]:
    """(source, sink, read_back) for the named backend, over the example workbook."""
    kind = request.param
    if kind == "file":
        path = tmp_path / "exempel.xlsx"
        shutil.copyfile(EXAMPLE_WORKBOOK, path)
        return open_source(path), XlsxPackageSink(path), lambda name: open_source(path).read_values(name)
    if kind == "memory":
        book = MemoryWorkbook(_example_values(), name="exempel.xlsx")
        return book, book, book.read_values
    remote_engine(monkeypatch)
    xl = XlwingsBook(_book(_example_values()))
    return xl, xl, None  # the remote engine records write actions; test_actions reads those back


def normalise(rows: list[list[Any]]) -> list[list[Any]]:
    """Cell values as a reader sees them, whatever the backend: trailing blanks dropped, dates as ISO text,
    whole floats as ints."""
    out = []
    for row in rows:
        cells = []
        for v in row:
            if isinstance(v, (dt.date, dt.datetime)):
                v = v.isoformat()[:10]
            elif isinstance(v, float) and v.is_integer():
                v = int(v)
            cells.append("" if v is None else v)
        while cells and cells[-1] == "":
            cells.pop()
        out.append(cells)
    while out and not out[-1]:
        out.pop()
    return out


@pytest.mark.parametrize("backend", BACKENDS, indirect=True)
def test_every_backend_reads_the_same_figures(backend):
    source, _, _ = backend
    reference = check_source(MemoryWorkbook(_example_values(), name="exempel.xlsx")).results
    results = check_source(source).results
    # -- the source name may differ (file name vs memory); every figure must not --
    assert results["levels"] == reference["levels"]
    assert results["statistics"] == reference["statistics"]
    assert results["problems"] == reference["problems"] == []


@pytest.mark.parametrize("backend", ["file", "memory"], indirect=True)
def test_written_output_sheets_read_back_the_same(backend):
    source, sink, read_back = backend
    recalc_source(source, sink)
    memory = MemoryWorkbook(_example_values(), name="exempel.xlsx")
    recalc_source(memory, memory)
    for name in OUTPUT_SHEETS.values():
        assert normalise(read_back(name)) == normalise(memory.read_values(name)), name
