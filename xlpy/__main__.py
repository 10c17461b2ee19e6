"""`python -m xlpy …` runs the command line (e.g. `python -X importtime -m xlpy recalc F.xlsx`)."""

from xlpy.cli import run

run()
