"""Workbook access: one small interface (xlpy.io.base) and its backends (file, xlwings, memory)."""
