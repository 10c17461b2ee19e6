"""Första Steget follow-up: read the workbook, compute goal fulfilment and cost tables, write results."""

__version__ = "0.1.0"
