"""The example workbook's data, as code: made-up participants (codes only, never names) whose aggregates
reproduce the seed report's figures (METRICS.md, "Figures from the seed ...").

Everything is deterministic: the only randomness (which attendance rows are absences) uses a fixed seed,
and the exact number of absences per group is fixed, so the attendance ratios are exact.
`python -m xlpy.example OUT.xlsx` rebuilds the example workbook.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path
from typing import Any

__all__ = ["GROUP_DEFS", "INTERNSHIP_WEEK_NUMBERS", "NEXT_YEAR_PERIOD", "REPORT_DATE", "activity_dates",
           "build_example", "build_next_year", "example_data", "next_year_data"]

Row = dict[str, Any]
D = dt.date

REPORT_DATE = D(2020, 2, 1)
# -- attendance of ongoing groups is recorded up to the day before the report date --
LAST_ATTENDANCE_DATE = D(2020, 1, 31)
# -- 2 x 2 internship weeks inside the group period (seed: "4 veckor, praktik (2x2 veckor)") --
INTERNSHIP_WEEK_NUMBERS = (7, 8, 13, 14)
ACTIVITY_WEEKDAYS = (0, 1, 2, 3)  # Monday to Thursday: 4 days a week
SEED = 2019

# Swedish public holidays in the period; an activity day on one moves to the Friday of the same week.
HOLIDAYS = frozenset({
    D(2019, 4, 19), D(2019, 4, 22), D(2019, 5, 1), D(2019, 5, 30), D(2019, 6, 6), D(2019, 6, 21),
    D(2019, 11, 2), D(2019, 12, 24), D(2019, 12, 25), D(2019, 12, 26), D(2019, 12, 31),
    D(2020, 1, 1), D(2020, 1, 6), D(2020, 4, 10), D(2020, 4, 13), D(2020, 5, 1), D(2020, 5, 21),
})

# GruppID, Kommun, Gruppnummer, Termin, Start, Slut, Veckor, Praktikveckor, Dagar/v, Enkät, Kommentar
GROUP_DEFS: tuple[tuple[Any, ...], ...] = (
    ("K1", "Klippan", 1, "vår", D(2019, 4, 1), D(2019, 7, 26), 17, 4, 4, "ja", ""),
    ("K2", "Klippan", 2, "höst", D(2019, 9, 2), D(2019, 12, 19), 16, 4, 4, "ja", ""),
    ("P2", "Perstorp", 2, "höst", D(2019, 9, 2), D(2019, 12, 19), 16, 4, 4, "ja", ""),
    ("K3", "Klippan", 3, "vår", D(2020, 1, 20), D(2020, 5, 15), 17, 4, 4, "nej", "Pågående vid rapportdatum."),
    ("P3", "Perstorp", 3, "vår", D(2020, 1, 20), D(2020, 5, 15), 17, 4, 4, "nej", "Pågående vid rapportdatum."),
)
GROUP_SIZES = {"K1": 12, "K2": 11, "P2": 10, "K3": 10, "P3": 11}

# Attendance rows and present (N) rows of the ended groups: 495/600 = 0.825, 405/500 = 0.81, 408/480 = 0.85.
PRESENT_COUNTS = {"K1": 495, "K2": 405, "P2": 408}
# -- share of the absences that are excused (G); the rest are F --
EXCUSED_SHARE = 0.3

EARLY_LEAVER = "K1-12"
EARLY_LEAVER_DAYS = 28  # 11 x 52 + 28 = 600 rows in K1
ILL_HEALTH = "K1-05"
NO_LETTER = "K1-03"
LATE_STARTERS = ("K2-10", "K2-11")
LATE_STARTER_DAYS = 34
# -- the project is for women (seed: "utrikesfödda kvinnor"); one Kön left empty shows "Uppgift saknas" --
GENDER_UNKNOWN = "K1-07"  # 9 x 48 + 2 x 34 = 500 rows in K2

# G2 internship participation: period 1 16 of 21, period 2 15 of 21; K2-03 and P2-04 missed both.
NOT_PARTICIPATED = {
    1: {"K2-03", "K2-08", "K2-11", "P2-04", "P2-09"},
    2: {"K2-03", "K2-06", "K2-09", "P2-02", "P2-04", "P2-07"},
}
# K1: the early leaver missed period 2, one more missed period 1.
NOT_PARTICIPATED_K1 = {1: {"K1-09"}, 2: {"K1-12", "K1-07"}}

# G2 action plan (M6): all 10 moved on count; of the other 11, these 6 have Handlingsplan = ja -> 16 of 21.
# K2-07 moved on without a written plan, so the "or moved on" part is exercised.
ACTION_PLAN_NO = {"K2-07", "K2-10", "K2-11", "P2-08", "P2-09", "P2-10"}

WORKPLACES = {
    "Klippan": (
        ("Förskola, Klippans kommun", "kommunal"), ("Skolkök, Klippans kommun", "kommunal"),
        ("Äldreboende, Klippans kommun", "kommunal"), ("Livsmedelsbutik i Klippan", "privat"),
        ("Lokalvård, Klippans kommun", "kommunal"), ("Bibliotek, Klippans kommun", "kommunal"),
        ("Second hand-butik (ideell förening)", "ideell"), ("Fritidsgård, Klippans kommun", "kommunal"),
        ("Café i Klippan", "privat"),
    ),
    "Perstorp": (
        ("Förskola, Perstorps kommun", "kommunal"), ("Skolkök, Perstorps kommun", "kommunal"),
        ("Hemtjänst, Perstorps kommun", "kommunal"), ("Industriföretag i Perstorp", "privat"),
        ("Lokalvård, Perstorps kommun", "kommunal"), ("Bibliotek, Perstorps kommun", "kommunal"),
        ("Livsmedelsbutik i Perstorp", "privat"),
    ),
}

# Latest outcomes. (DeltagarID, Datum, Utfall, Typ, Beskrivning); earlier rows are in EARLIER_OUTCOMES.
OUTCOME_ROWS: tuple[tuple[Any, ...], ...] = (
    ("K1-01", D(2019, 7, 26), "Arbete", "extratjänst", "lokalvård"),
    ("K1-02", D(2019, 8, 19), "Arbete", "extratjänst", "äldreomsorg"),
    ("K1-03", D(2019, 8, 26), "Arbete", "nystartsjobb", "restaurang"),
    ("K1-04", D(2019, 8, 19), "Studier", "Komvux", "SFI och svenska som andraspråk"),
    ("K1-05", D(2019, 7, 26), "Planering", "", "planering tillsammans med vården"),
    ("K1-06", D(2019, 8, 12), "Studier", "folkhögskola", "allmän kurs på folkhögskola"),
    ("K1-07", D(2019, 7, 26), "Planering", "", "handlingsplan mot arbete"),
    ("K1-08", D(2019, 7, 26), "Planering", "", "handlingsplan mot studier"),
    ("K1-09", D(2019, 7, 26), "Planering", "", "handlingsplan mot arbete"),
    ("K1-10", D(2019, 7, 26), "Planering", "", "handlingsplan mot arbete"),
    ("K1-11", D(2019, 7, 26), "Planering", "", "handlingsplan mot studier"),
    ("K1-12", D(2019, 6, 3), "Annat", "", "avbröt insatsen"),
    ("K2-01", D(2019, 12, 19), "Studier", "folkhögskola", "grundskolestudier på folkhögskola"),
    ("K2-02", D(2020, 1, 13), "Studier", "Komvux", "servicenära vårdassistent"),
    ("K2-03", D(2019, 12, 19), "Arbete", "extratjänst", "lokalvård"),
    ("K2-04", D(2019, 12, 19), "Arbete", "extratjänst", "skolkök"),
    ("K2-05", D(2020, 1, 7), "Arbete", "extratjänst", "barnomsorg"),
    ("K2-06", D(2020, 1, 7), "Arbete", "nystartsjobb", "barnomsorg"),
    ("K2-07", D(2019, 12, 19), "Arbete", "ordinarie anställning", "industri"),
    ("K2-08", D(2019, 12, 19), "Planering", "", "handlingsplan mot arbete"),
    ("K2-09", D(2020, 1, 20), "Planering", "", "handlingsplan mot arbete"),
    ("K2-10", D(2019, 12, 19), "Planering", "", "handlingsplan mot studier"),
    ("K2-11", D(2019, 12, 19), "Annat", "avslutad av Arbetsförmedlingen", ""),
    ("P2-01", D(2020, 1, 13), "Studier", "yrkes-SFI", "köksbiträdesutbildning med yrkes-SFI i Helsingborg"),
    ("P2-02", D(2020, 1, 13), "Studier", "yrkes-SFI", "köksbiträdesutbildning med yrkes-SFI i Helsingborg"),
    ("P2-03", D(2019, 12, 19), "Arbete", "ordinarie anställning", "förskola inom kommunal verksamhet"),
) + tuple((f"P2-{n:02d}", D(2019, 12, 19), "Planering", "", "handlingsplan mot arbete") for n in range(4, 11))

# -- earlier rows that a later one replaces: "latest wins", also when the earlier one was Arbete --
EARLIER_OUTCOMES: tuple[tuple[Any, ...], ...] = (
    ("K2-03", D(2019, 10, 15), "Planering", "", "handlingsplan mot arbete"),
    ("P2-01", D(2019, 10, 15), "Planering", "", "handlingsplan mot studier"),
    ("K2-09", D(2019, 11, 4), "Arbete", "extratjänst", "lokalvård (avbruten)"),
)

STAFF_ROWS: tuple[tuple[Any, ...], ...] = (
    ("K1", "processledare", 0.5, "ja", ""),
    ("K1", "processledare", 0.5, "ja", "Andra processledaren under första omgången."),
    ("K1", "processmedarbetare", 0.5, "ja", ""),
    ("K1", "språkstöd", 0.5, "ja", ""),
    ("K2", "processledare", 0.5, "ja", ""),
    ("K2", "processmedarbetare", 0.5, "ja", ""),
    ("K2", "språkstöd", 0.5, "ja", ""),
    ("P2", "processledare", 0.5, "ja", ""),
    ("P2", "processmedarbetare", 1.0, "ja", ""),
    ("K3", "processledare", 0.5, "ja", "Planerar, utvecklar och dokumenterar metoden."),
    ("K3", "processmedarbetare", 0.8, "ja", "Ansvarar för gruppaktiviteterna."),
    ("K3", "processmedarbetare", 0.1, "ja", "Processledaren, för att kunna delta i gruppen."),
    ("K3", "språkstöd", 0.5, "ja", ""),
    ("P3", "processledare", 0.5, "ja", ""),
    ("P3", "processmedarbetare", 0.5, "ja", "Planering och genomförande av gruppaktiviteter."),
    ("P3", "processmedarbetare", 0.5, "ja", "Praktikanskaffare."),
    ("P3", "SYV", 0.25, "nej", "ej tillämpat"),
)

# Arbetsförmedlingen: (Period, Kommun, Öppet arbetslösa, I program), as in the seed's three tables.
STATISTICS_ROWS: tuple[tuple[Any, ...], ...] = tuple(
    (period, kommun, unemployed, programme)
    for period, figures in (
        (D(2018, 9, 1), ((57, 39), (83, 74), (54, 92), (127, 120), (50, 39))),
        (D(2019, 5, 1), ((30, 61), (50, 96), (39, 104), (94, 150), (40, 54))),
        (D(2020, 1, 1), ((37, 75), (69, 107), (45, 103), (94, 180), (32, 66))),
    )
    for kommun, (unemployed, programme) in zip(
        ("Båstad", "Klippan", "Perstorp", "Ängelholm", "Örkelljunga"), figures, strict=True)
)

TEXTS = {
    "Bakgrund och syfte": (
        "Första Steget är en förrehabiliterande insats för utrikesfödda kvinnor som står långt från "
        "arbetsmarknaden. Insatsen drivs i Klippan och Perstorp med stöd av samordningsförbundet. "
        "Syftet är att deltagarna ska ta ett första steg mot arbete eller studier genom gruppaktiviteter, "
        "vägledning och praktik."
    ),
    "Omvärldsbevakning": (
        "Flera närliggande insatser riktar sig till samma målgrupp i nordvästra Skåne. "
        "Arbetsförmedlingens omorganisation påverkar både remitteringen av deltagare och möjligheten "
        "att validera tidigare utbildning. Vi följer utvecklingen inför nästa rapport."
    ),
    "Utmaningar": (
        "Det är fortsatt svårt att rekrytera deltagare inför kommande grupper. Praktikplatserna bygger "
        "på processledarnas kontaktnät, vilket gör insatsen sårbar om någon slutar. "
        "Språkstödet beskrivs som avgörande för deltagarnas utveckling."
    ),
    "Sammanfattning och rekommendationer": (
        "Insatsen har enligt vår bedömning nått goda resultat under det första året. "
        "Vi rekommenderar att processledarna dokumenterar varje grupps process och att dialogen med "
        "remittenterna stärks, så att deltagarna vet vad insatsen kan erbjuda. "
        "Närvaron bör fortsatt följas upp vecka för vecka."
    ),
}


def _group(group_id: str) -> tuple[Any, ...]:
    return next(g for g in GROUP_DEFS if g[0] == group_id)


def activity_dates(group_id: str) -> list[dt.date]:
    """The group-activity days of a group, in date order: Monday to Thursday of each planned week
    except the internship weeks; a day on a public holiday moves to the Friday of that week.
    Ended groups get 4 x (Veckor - 4) distinct dates, all within Startdatum..Slutdatum."""
    _, _, _, _, start, end, weeks, _, _, _, _ = _group(group_id)
    monday = start - dt.timedelta(days=start.weekday())
    dates: list[dt.date] = []
    for week in range(1, weeks + 1):
        if week in INTERNSHIP_WEEK_NUMBERS:
            continue
        week_start = monday + dt.timedelta(weeks=week - 1)
        days = [week_start + dt.timedelta(days=d) for d in ACTIVITY_WEEKDAYS]
        friday = week_start + dt.timedelta(days=4)
        days = [friday if d in HOLIDAYS and friday not in HOLIDAYS else d for d in days]
        dates.extend(d for d in days if start <= d <= end)
    return sorted(set(dates))


def _internship_period(group_id: str, period: int) -> tuple[dt.date, dt.date]:
    start = _group(group_id)[4]
    first_week = INTERNSHIP_WEEK_NUMBERS[2 * (period - 1)]
    monday = start - dt.timedelta(days=start.weekday()) + dt.timedelta(weeks=first_week - 1)
    return monday, monday + dt.timedelta(days=11)  # Monday of week 1 to Friday of week 2


def _participant_ids(group_id: str) -> list[str]:
    return [f"{group_id}-{n:02d}" for n in range(1, GROUP_SIZES[group_id] + 1)]


def _participants() -> list[Row]:
    rows: list[Row] = []
    for group_id, _, _, _, start, _, _, _, _, survey, _ in GROUP_DEFS:
        dates = activity_dates(group_id)
        ongoing = group_id in ("K3", "P3")
        for i, pid in enumerate(_participant_ids(group_id)):
            row: Row = {"participant_id": pid, "group_id": group_id, "start": start, "end": None,
                        "cv": "ja", "letter": "ja", "guidance": "ja", "action_plan": "ja",
                        "ill_health": "nej", "survey_answered": "ja" if survey == "ja" else "nej",
                        "gender": None if pid == GENDER_UNKNOWN else "Kvinna", "comment": None}
            if pid in LATE_STARTERS:
                row["start"] = dates[len(dates) - LATE_STARTER_DAYS]
                row["comment"] = "Började senare i gruppen."
            if pid == EARLY_LEAVER:
                row.update(end=dates[EARLY_LEAVER_DAYS - 1], cv="nej", letter="nej", guidance="nej",
                           action_plan="nej", survey_answered="nej", comment="Avbröt insatsen.")
            if pid == ILL_HEALTH:
                row.update(ill_health="ja", action_plan="nej")
            if pid == NO_LETTER:
                row["letter"] = "nej"
            if group_id == "K1" and pid in ("K1-09", "K1-11"):
                row["action_plan"] = "nej"
            if group_id == "K1" and pid == "K1-10":
                row["survey_answered"] = "nej"
            if pid in ACTION_PLAN_NO:
                row["action_plan"] = "nej"
            if ongoing:
                # -- two weeks in: CV work has started, letters, guidance and plans come later --
                row.update(cv="ja" if i % 2 == 0 else "nej", letter="nej", guidance="nej", action_plan="nej")
            rows.append(row)
    return rows


def _attendance(participants: list[Row], rng: random.Random, until: dt.date = LAST_ATTENDANCE_DATE) -> list[Row]:
    rows: list[Row] = []
    for group_id, *_ in GROUP_DEFS:
        dates = [d for d in activity_dates(group_id) if d <= until]
        group_rows: list[Row] = []
        for p in (p for p in participants if p["group_id"] == group_id):
            last = p["end"] or dates[-1]
            group_rows.extend({"participant_id": p["participant_id"], "date": d, "status": "N"}
                              for d in dates if p["start"] <= d <= last)
        present = PRESENT_COUNTS.get(group_id, round(0.85 * len(group_rows)))
        absent = rng.sample(range(len(group_rows)), len(group_rows) - present)
        excused = set(absent[: round(EXCUSED_SHARE * len(absent))])
        for index in absent:
            group_rows[index]["status"] = "G" if index in excused else "F"
        rows.extend(group_rows)
    return rows


def _internships(group_ids: tuple[str, ...] = ("K1", "K2", "P2")) -> list[Row]:
    rows: list[Row] = []
    counter = 0
    for group_id in group_ids:
        places = WORKPLACES[_group(group_id)[1]]
        missed = {"K1": NOT_PARTICIPATED_K1, "K3": NOT_PARTICIPATED_G3, "P3": NOT_PARTICIPATED_G3}.get(
            group_id, NOT_PARTICIPATED)
        for pid in _participant_ids(group_id):
            for period in (1, 2):
                workplace, sector = places[counter % len(places)]
                counter += 1
                start, end = _internship_period(group_id, period)
                rows.append({"participant_id": pid, "period": period, "workplace": workplace,
                             "sector": sector, "offered": "ja",
                             "participated": "nej" if pid in missed[period] else "ja",
                             "start": start, "end": end})
    return rows


def _outcomes() -> list[Row]:
    keys = ("participant_id", "date", "category", "type", "description")
    rows = [dict(zip(keys, r, strict=True)) for r in EARLIER_OUTCOMES + OUTCOME_ROWS]
    for row in rows:
        row["type"] = row["type"] or None
        row["description"] = row["description"] or None
    return sorted(rows, key=lambda r: (r["participant_id"], r["date"]))


# Follow-up after exit (made up), for the ended group K1 (exit 2019-07-26; the early leaver K1-12 earlier):
# (DeltagarID, Kontakt, Status) at 3 and at 6 months; every follow-up due by the report date is done, so
# the example stays free of Kontroll problems (K2 and P2 fall due after it).
FOLLOWUP_POINTS = "3; 6"
FOLLOWUP_ROWS: dict[int, tuple[D, tuple[tuple[str, str, str | None], ...]]] = {
    3: (D(2019, 10, 28), (
        ("K1-01", "Nådd", "Arbete"), ("K1-02", "Nådd", "Arbete"), ("K1-03", "Nådd", "Arbete"),
        ("K1-04", "Nådd", "Studier"), ("K1-05", "Nådd", "Planering"), ("K1-06", "Nådd", "Studier"),
        ("K1-07", "Nådd", "Arbete"), ("K1-08", "Nådd", "Planering"), ("K1-09", "Ej nådd", None),
        ("K1-10", "Nådd", "Planering"), ("K1-11", "Nådd", "Studier"), ("K1-12", "Ej nådd", None),
    )),
    6: (D(2020, 1, 27), (
        ("K1-01", "Nådd", "Arbete"), ("K1-02", "Nådd", "Planering"), ("K1-03", "Nådd", "Arbete"),
        ("K1-04", "Nådd", "Studier"), ("K1-05", "Avböjt", None), ("K1-06", "Nådd", "Studier"),
        ("K1-07", "Nådd", "Arbete"), ("K1-08", "Nådd", "Studier"), ("K1-09", "Ej nådd", None),
        ("K1-10", "Nådd", "Planering"), ("K1-11", "Nådd", "Arbete"), ("K1-12", "Ej nådd", None),
    )),
}
FOLLOWUP_TYPES = {"Arbete": "extratjänst", "Studier": "Komvux"}


def _followup() -> list[Row]:
    rows: list[Row] = []
    for point, (day, entries) in FOLLOWUP_ROWS.items():
        for i, (pid, contact, status) in enumerate(entries):
            rows.append({"participant_id": pid, "point": point, "date": day + dt.timedelta(days=i % 4),
                         "contact": contact, "status": status,
                         "type": FOLLOWUP_TYPES.get(status or ""), "comment": None})
    return rows


def _settings() -> list[Row]:
    from xlpy.workbook_template import default_settings_rows

    return default_settings_rows({
        "project_name": "Första Steget",
        "federation": "Samordningsförbundet NNV Skåne",
        "owner": "Klippans kommun",
        "evaluator": "P&P i Landskrona AB",
        "project_start": D(2019, 2, 1),
        "project_end": D(2022, 12, 31),
        "report_start": D(2019, 2, 1),
        "report_end": REPORT_DATE,
        "real_cost": 143500,
        "financial_cost": 8500,
        "monthly_wage": 18000,
        "payroll_tax": 0,
        "placements_per_participant": 2,
        "horizon_years": 4,
        "discount_rate": 0,
        "excused_absence": "frånvaro",
        "min_count": 0,
        "followup_months": FOLLOWUP_POINTS,
        "savings_basis": "avslut",
    })


# -- made-up survey rounds: (Enkät, GruppID or None, date, asked, responded). Answers are drawn with their
#    own seeded generator, so the attendance rows above stay exactly as they were --
SURVEY_ROUNDS: tuple[tuple[str, str | None, dt.date, int, int], ...] = (
    ("Deltagare", "K1", D(2019, 7, 24), 11, 9),
    ("Deltagare", "K2", D(2019, 12, 17), 11, 9),
    ("Deltagare", "P2", D(2019, 12, 17), 10, 7),
    ("Personal", None, D(2019, 12, 20), 8, 6),
    ("Styrgrupp", None, D(2020, 1, 15), 7, 5),
)
SURVEY_SEED = SEED + 15
# -- weights of the agreement scale's alternatives (inte alls, delvis, till stor del, helt, Vet ej) --
AGREEMENT_WEIGHTS = (1, 2, 4, 5, 1)


def _surveys() -> dict[str, list[Row]]:
    """Enkätfrågor, Skalor, Enkätsvar and Utskick: the default scales and example questions, and answers
    with anonymous SvarID codes (SV001, …) that are not DeltagarIDs."""
    from xlpy.defaults import DEFAULT_QUESTIONS, DEFAULT_SCALES
    from xlpy.workbook_template import DEFAULT_SURVEY_ROWS

    rng = random.Random(SURVEY_SEED)
    alternatives: dict[str, list[str]] = {}
    for r in DEFAULT_SCALES:
        alternatives.setdefault(r["scale"], []).append(r["alternative"])
    answers: list[Row] = []
    mailings: list[Row] = []
    n = 0
    for survey, group_id, day, asked, responded in SURVEY_ROUNDS:
        mailings.append({"survey": survey, "group_id": group_id, "date": day, "asked": asked})
        questions = [q for q in DEFAULT_QUESTIONS if q["survey"] == survey]
        for _ in range(responded):
            n += 1
            for q in questions:
                alts = alternatives[q["scale"]]
                weights = AGREEMENT_WEIGHTS if len(alts) == len(AGREEMENT_WEIGHTS) else (1, 3)
                answers.append({"answer_id": f"SV{n:03d}", "survey": survey, "group_id": group_id, "date": day,
                                "question_id": q["question_id"], "answer": rng.choices(alts, weights)[0]})
    return {"survey_questions": [dict(r) for r in DEFAULT_SURVEY_ROWS["survey_questions"]],
            "scales": [dict(r) for r in DEFAULT_SURVEY_ROWS["scales"]],
            "survey_answers": answers, "mailings": mailings}


def example_data() -> dict[str, list[dict[str, Any]]]:
    """All input sheets of the example workbook, keyed by the sheet keys of xlpy.spec; rows are dicts
    keyed by column keys. Dates are datetime.date, yes/no "ja"/"nej", percentages fractions (0.5),
    None is an empty cell. The same data on every call."""
    from xlpy.workbook_template import DEFAULT_GOALS

    rng = random.Random(SEED)
    group_keys = ("group_id", "municipality", "group_no", "term", "start", "end", "weeks",
                  "internship_weeks", "days_per_week", "survey_done", "comment")
    groups = [{k: (v if v != "" else None) for k, v in zip(group_keys, g, strict=True)} for g in GROUP_DEFS]
    staff = [{"group_id": g, "role": role, "percent": pct, "counts": counts, "comment": comment or None}
             for g, role, pct, counts, comment in STAFF_ROWS]
    participants = _participants()
    return {
        "settings": _settings(),
        "goals": [dict(g) for g in DEFAULT_GOALS],
        "groups": groups,
        "staff": staff,
        "participants": participants,
        "attendance": _attendance(participants, rng),
        "internships": _internships(),
        "outcomes": _outcomes(),
        "statistics": [{"period": p, "municipality": m, "unemployed": u, "in_programme": i}
                       for p, m, u, i in STATISTICS_ROWS],
        "texts": [{"section": s, "text": t} for s, t in TEXTS.items()],
        **_surveys(),
        "followup": _followup(),
        # -- no Kostnadsposter rows: the seed's 143 500 + 8 500 kr from Inställningar, every seed table as it was;
        #    no Budget rows: the seed gives no figure for what the insats cost --
        "cost_items": [],
        "budget": [],
    }


# -- the example a year later (xlpy demo's second report): Rapportperiod 2020-02-01 – 2021-02-01, group 3
#    ended and fully entered, groups 4 planned after the period. The seed figures are untouched: groups 1-2
#    keep every row, and the rows added are dated after 2020-02-01 --
NEXT_YEAR_PERIOD = (D(2020, 2, 1), D(2021, 2, 1))
NOT_PARTICIPATED_G3 = {1: {"K3-04", "P3-06", "P3-09"}, 2: {"K3-04", "K3-08", "P3-06"}}
GROUP3_OUTCOMES = {
    "K3": ("Arbete", "Arbete", "Arbete", "Studier", "Studier", "Studier", "Planering", "Planering", "Planering",
           "Annat"),
    "P3": ("Arbete", "Arbete", "Studier", "Studier", "Planering", "Planering", "Planering", "Planering",
           "Planering", "Planering", "Annat"),
}
GROUP3_TYPES = {"Arbete": "extratjänst", "Studier": "Komvux", "Planering": "", "Annat": ""}
PLANNED_GROUPS: tuple[tuple[Any, ...], ...] = (
    ("K4", "Klippan", 4, "vår", D(2021, 2, 22), D(2021, 6, 17), 17, 4, 4, "nej", "Planerad."),
    ("P4", "Perstorp", 4, "vår", D(2021, 2, 22), D(2021, 6, 17), 17, 4, 4, "nej", "Planerad."),
)


def next_year_data() -> dict[str, list[dict[str, Any]]]:
    """The example workbook as it stands a year later: every row of example_data() for groups 1-2, group 3
    ended with all its rows, group 4 planned, and Rapportperiod 2020-02-01 – 2021-02-01."""
    data = example_data()
    start, end = NEXT_YEAR_PERIOD
    for row in data["settings"]:
        if row.get("key") == "Rapportperiod start":
            row["value"] = start
        elif row.get("key") == "Rapportperiod slut":
            row["value"] = end
    keys = ("group_id", "municipality", "group_no", "term", "start", "end", "weeks", "internship_weeks",
            "days_per_week", "survey_done", "comment")
    for g in data["groups"]:
        if g["group_id"] in ("K3", "P3"):
            g.update(survey_done="ja", comment=None)
    data["groups"] += [{k: (v if v != "" else None) for k, v in zip(keys, g, strict=True)} for g in PLANNED_GROUPS]
    for p in data["participants"]:
        if p["group_id"] in ("K3", "P3"):
            p.update(cv="ja", letter="ja", guidance="ja", survey_answered="ja",
                     action_plan="nej" if p["participant_id"] in ("K3-10", "P3-11") else "ja")
    data["attendance"] = _attendance(data["participants"], random.Random(SEED), until=D(2020, 5, 15))
    data["internships"] = _internships(("K1", "K2", "P2", "K3", "P3"))
    later = []
    for gid, cats in GROUP3_OUTCOMES.items():
        for pid, cat in zip(_participant_ids(gid), cats, strict=True):
            later.append({"participant_id": pid, "date": D(2020, 5, 15), "category": cat,
                          "type": GROUP3_TYPES[cat] or None, "description": None})
    data["outcomes"] = sorted(data["outcomes"] + later, key=lambda r: (r["participant_id"], r["date"]))
    for t in data["texts"]:
        if t["section"] == "Sammanfattning och rekommendationer":
            t["text"] = t["text"].replace("under det första året", "under rapportperioden")
    return data


def build_next_year(path: str | Path) -> None:
    """Write the example a year later (next_year_data()) to `path` (.xlsx), overwriting it."""
    from xlpy.workbook_template import create_workbook

    create_workbook(path, next_year_data())


def build_example(path: str | Path) -> None:
    """Write the example workbook (all of example_data()) to `path` (.xlsx), overwriting it."""
    from xlpy.workbook_template import create_workbook

    create_workbook(path, example_data())


def main(argv: list[str] | None = None) -> int:
    """`python -m xlpy.example OUT.xlsx [MALL.xlsx]`: write the example workbook, and optionally also an
    empty workbook made by the same builder."""
    args = sys.argv[1:] if argv is None else argv
    if len(args) not in (1, 2):
        print("Användning: python -m xlpy.example EXEMPEL.xlsx [MALL.xlsx]", file=sys.stderr)
        return 2
    build_example(args[0])
    print(f"Skapade {args[0]}")
    from xlpy.resources import EXAMPLE_NAME, REPO_FILES, sync

    if Path(args[0]).resolve() == REPO_FILES[EXAMPLE_NAME]:
        print(*sync([EXAMPLE_NAME]))  # the packaged copy `xlpy demo` reads
    if len(args) == 2:
        from xlpy.workbook_template import create_workbook

        create_workbook(args[1])
        print(f"Skapade {args[1]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
