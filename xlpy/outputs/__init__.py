"""Outputs written back into the workbook: the output sheets (sheets*.py) and the förbund's aggregate-only
export (aggregate.py). All of them read the one results dict of core/compute.py; the report is in report/.
"""
