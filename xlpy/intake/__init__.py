"""Intake: reading a workbook (or several), validating it, and the personal-data search.

reading.py reads the input sheets by the contract in spec.py; validate*.py and entry_checks.py turn bad
input into Swedish messages naming sheet, row and column; privacy*.py searches every text cell that can
reach the report; consolidate.py joins several workbooks; survey_import.py appends a survey export.
"""
