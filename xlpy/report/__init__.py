"""The Word annual report for the steering group: render_report(results, out_path) and convert_to_pdf(path)."""

from xlpy.report.render import ReportError, convert_to_pdf, render_report

__all__ = ["ReportError", "convert_to_pdf", "render_report"]
