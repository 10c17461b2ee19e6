"""The Word annual report for the steering group: render_report(results, out_path) and convert_to_pdf(path).

Names are loaded on first use, so `python -m xlpy.report.template_build` runs without importing itself twice
and importing xlpy.report does not pull in matplotlib until a report is made.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from xlpy.report.render import ReportError, convert_to_pdf, render_report

__all__ = ["ReportError", "convert_to_pdf", "render_report"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from xlpy.report import render

        return getattr(render, name)
    raise AttributeError(f"module 'xlpy.report' has no attribute {name!r}")
