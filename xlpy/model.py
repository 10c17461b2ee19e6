"""Plain data passed between reading, the core and the writers; imports no IO library."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class Problem:
    """One data problem, shown as a row of the Kontroll sheet.

    sheet: Swedish sheet name; row: the row number as Excel shows it (None for a whole-sheet problem);
    column: Swedish column header ("" when not about one column); value: the offending cell as text;
    message: a plain Swedish explanation; group_id: the group whose figures it affects, if known;
    severity: "fel" (the row or value is left out) or "varning" (kept, but worth a look).
    """

    sheet: str
    row: int | None
    column: str
    value: str
    message: str
    group_id: str | None = None
    severity: str = "fel"
    kind: str = ""  # "personuppgift" for personal data found where only codes belong


    def as_row(self) -> list[Any]:
        return [self.severity, self.sheet, self.row, self.column, self.value, self.message]


@dataclass
class Settings:
    """Values of the Inställningar sheet, defaults filled in. Money in SEK, shares as fractions (0.03 = 3 %)."""

    project_name: str = "Första Steget"
    federation: str = "Samordningsförbundet NNV Skåne"
    owner: str = ""
    evaluator: str = ""
    project_start: dt.date | None = None
    project_end: dt.date | None = None
    report_start: dt.date | None = None
    report_end: dt.date | None = None
    real_cost: float = 143500
    financial_cost: float = 8500
    monthly_wage: float = 18000
    payroll_tax: float = 0.0
    placements_per_participant: int = 2
    horizon_years: int = 4
    discount_rate: float = 0.0
    excused_absence: str = "frånvaro"
    min_count: int = 0
    persistence: float = 1.0  # Varaktighet v: share still in work or studies each further year
    cost_source: str = "Ingvar Nilsson, socioekonomisk analys (snitt per individ, reala och finansiella kostnader)"
    followup_months: tuple[int, ...] = (6,)  # months after exit, ascending
    savings_basis: str = "avslut"  # or "uppföljning": Besparing counts those moved on at the last point

    @property
    def cost_per_person_year(self) -> float:
        """K in METRICS.md: real + financial costs per person and year, SEK."""
        return self.real_cost + self.financial_cost


def _empty_frame() -> pd.DataFrame:
    # -- pandas is imported when a frame is made, not with this module: the command line reads the
    #    workbook's largest sheet in the background while pandas loads (calamine_backend.read_ahead) --
    import pandas as pd

    return pd.DataFrame()


def _empty_followup() -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(columns=["participant_id", "point", "date", "contact", "status", "type", "comment", "row"])


@dataclass
class InputData:
    """Everything read from the input sheets.

    Each DataFrame has the English column keys of xlpy.spec plus `row`, the Excel row number it came
    from. Rows with errors that make them unusable are left out and reported in `problems`.
    Dates are `datetime.date`, yes/no columns are bool, percentages are fractions (0.5 = 50 %).
    """

    settings: Settings
    goals: pd.DataFrame
    groups: pd.DataFrame
    staff: pd.DataFrame
    participants: pd.DataFrame
    attendance: pd.DataFrame
    internships: pd.DataFrame
    outcomes: pd.DataFrame
    statistics: pd.DataFrame
    texts: pd.DataFrame
    # -- Uppföljning; a default with the sheet's columns, for InputData built without it --
    followup: pd.DataFrame = field(default_factory=_empty_followup)
    problems: list[Problem] = field(default_factory=list)
    source_name: str = ""
    # -- the survey sheets (optional: an older workbook has none; empty frames then) --
    survey_questions: pd.DataFrame = field(default_factory=_empty_frame)
    scales: pd.DataFrame = field(default_factory=_empty_frame)
    survey_answers: pd.DataFrame = field(default_factory=_empty_frame)
    mailings: pd.DataFrame = field(default_factory=_empty_frame)
    # -- optional sheets (WORKBOOK.md): empty frames when the sheet is missing or has no rows --
    cost_items: pd.DataFrame = field(default_factory=_empty_frame)
    budget: pd.DataFrame = field(default_factory=_empty_frame)
    # -- the Excel row of each setting read from Inställningar (Settings attribute -> row), for messages --
    settings_rows: dict[str, int] = field(default_factory=dict)
    # -- the workbooks' file names when several were consolidated (xlpy.intake.consolidate), else empty --
    sources: list[str] = field(default_factory=list)


# -- output sheets as plain data, so every writer (xlsx package, xlwings, memory) shows the same thing --

# Style keys a writer must know. Number formats are Excel's (en-US syntax, shown localised by Excel).
STYLES: dict[str, dict[str, Any]] = {
    "title": {"bold": True, "size": 14},
    "note": {"italic": True, "color": "666666"},
    "section": {"bold": True, "size": 12},
    "header": {"bold": True, "fill": "DDEBF7", "border": True, "wrap": True},
    "text": {},
    "bold": {"bold": True},
    "int": {"num_format": "#,##0"},
    "rownum": {"num_format": "0"},  # an Excel row number: no thousands separator
    # -- a row number that links to its cell (Kontroll): Excel's Hyperlink look --
    "rownum_link": {"num_format": "0", "color": "0563C1", "underline": True},
    "kr": {"num_format": '#,##0" kr"'},
    "pct": {"num_format": "0%"},
    "pct1": {"num_format": "0.0 %"},  # with the space, as Swedish shows "82,5 %" (built-in 0% already does)
    "dec1": {"num_format": "0.0"},  # a mean on an answer scale, e.g. 3,5
    "date": {"num_format": "yyyy-mm-dd"},
    "status_met": {"fill": "C6EFCE", "color": "006100"},
    "status_not_met": {"fill": "FFC7CE", "color": "9C0006"},
    "status_ongoing": {"fill": "E7E6E6", "color": "3A3838"},
    "status_no_basis": {"fill": "FFEB9C", "color": "9C5700"},
}


@dataclass(slots=True)  # -- slots: output sheets hold ~100 000 cells at the scale of a förbund --
class OutCell:
    """A cell of an output sheet: a value (str, int, float, date or None), a style key of STYLES and, for
    a link within the workbook, its target as Excel writes it (`'Närvaro'!A12`)."""

    value: Any
    style: str = "text"
    link: str | None = None


@dataclass
class OutputSheet:
    """A whole output sheet: rows of cells from A1, column widths (characters) and a frozen row count."""

    name: str
    rows: list[list[OutCell]]
    col_widths: list[float] = field(default_factory=list)  # characters
    freeze_rows: int = 0
    # -- rows (0-based) whose cells wrap, e.g. long headers: the writer gives them this height in points --
    row_heights: dict[int, float] = field(default_factory=dict)
    landscape: bool = True  # printed across the page, fitted to one page wide
    # -- many rows of plain values after `rows`, one style key per column (e.g. a consolidated Närvaro of
    #    300 000 rows): the file writer turns them into XML column by column instead of cell by cell --
    bulk_rows: list[list[Any]] = field(default_factory=list)
    bulk_styles: list[str] = field(default_factory=list)

    def cell_rows(self) -> list[list[OutCell]]:
        """Every row as cells, `bulk_rows` included (for writers without a fast path)."""
        if not self.bulk_rows:
            return self.rows
        styles = self.bulk_styles
        return self.rows + [[OutCell(v, styles[j] if j < len(styles) else "text") for j, v in enumerate(r)]
                            for r in self.bulk_rows]
