"""`xlpy enkat importera`: a survey tool's export (one row per respondent) into Enkätsvar rows.

Microsoft Forms, Google Forms and similar tools export a sheet or CSV file with a column per question and
columns about the respondent (ID, start and completion time, e-mail, name). This module reads such an
export, matches its question columns to Enkätfrågor by their text (or FrågeID), adds the questions it does
not know, and builds one Enkätsvar row per answer with a fresh random SvarID per respondent. Nothing that
identifies a respondent is carried over: ID, e-mail, name and similar columns are dropped, times are cut to
the date, and a column whose answers fit no scale (free text) is never carried over. The rows are added
to the workbook by xlpy.io.xlsx_append (surgical, atomic, locked), or the import is refused as a whole.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xlpy import spec
from xlpy.intake.reading import find_header, is_empty, norm_name, show
from xlpy.intake.validate_surveys import alternative_key
from xlpy.io.base import WorkbookError
from xlpy.model import InputData

# -- columns about the respondent or the submission (normalised headers, Swedish and English UIs) --
DATE_HEADERS = ("completion time", "slutförandetid", "tid för slutförande", "sluttid", "end time", "timestamp",
                "tidstämpel", "tidsstämpel", "submitted at", "submission time", "inskickat", "datum")
START_HEADERS = ("start time", "starttid", "started at", "start date")
IDENTIFYING_WORDS = ("id", "e-post", "epost", "email", "e-mail", "mail", "namn", "name", "förnamn", "efternamn",
                     "personnummer",
                     "telefon", "phone", "mobil", "adress", "address", "ip", "användare", "user", "respondent",
                     "svarande", "senaste ändring", "last modified", "poäng", "points", "feedback", "score")
_NUMBERING = re.compile(r"^\s*(?:(?:fråga|question|q)\s*)?\d+\s*[.):]\s*", re.IGNORECASE)
_TRAILING = re.compile(r"[\s.?!:*]+$")
_WORDS = re.compile(r"[\w-]+")
_ISO = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")
_DMY = re.compile(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})")
# -- SvarID alphabet: no 0/O or 1/I/L, so a code read aloud or copied by hand stays the same --
_ID_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


class ImportRefused(WorkbookError):
    """The export cannot be imported as it is (Swedish message naming the export's row and column)."""


@dataclass
class ImportPlan:
    """What an import will add. answers/questions: rows keyed by spec column keys; the rest is for the
    user's summary: matched and new FrågeIDs, dropped columns (identifying, times, free text)."""

    survey: str
    group_id: str | None
    answers: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    matched: list[tuple[str, str]] = field(default_factory=list)  # (export header, FrågeID)
    identifying: list[str] = field(default_factory=list)
    times: list[str] = field(default_factory=list)
    free_text: list[str] = field(default_factory=list)
    empty_respondents: int = 0
    respondents: int = 0
    dates: list[dt.date] = field(default_factory=list)


def read_export(path: Path) -> list[list[Any]]:
    """The export's rows (header first): an .xlsx/.xlsm/.xls/.ods sheet (the first one) or a .csv/.txt
    file (UTF-8 with or without BOM, else Windows-1252; separator `;`, `,` or tab, as the header shows)."""
    suffix = path.suffix.lower()
    if not path.is_file():
        raise WorkbookError(f"Filen {path.name} finns inte.")
    if suffix in (".csv", ".txt", ".tsv"):
        return _read_csv(path.read_bytes(), path.name)
    from xlpy.io.calamine_backend import open_source

    source = open_source(path)
    names = source.sheet_names()
    if not names:
        raise ImportRefused(f"{path.name} har inga blad.")
    return source.read_values(names[0])


def _read_csv(data: bytes, name: str) -> list[list[Any]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly anything; kept for clarity
        raise ImportRefused(f"{name} går inte att läsa som text (okänd teckenkodning).")
    first = text.split("\n", 1)[0]
    delimiter = max((";", ",", "\t"), key=lambda d: _count_outside_quotes(first, d))
    return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]


def _count_outside_quotes(line: str, ch: str) -> int:
    n, quoted = 0, False
    for c in line:
        if c == '"':
            quoted = not quoted
        elif c == ch and not quoted:
            n += 1
    return n


def question_key(text: Any) -> str:
    """A question text as compared with an export header: numbering ("3. "), trailing punctuation and
    case dropped, spaces collapsed."""
    t = norm_name(text)
    t = _NUMBERING.sub("", t)
    return _TRAILING.sub("", t).casefold()


def question_text(header: str) -> str:
    """An export header as a question text for Enkätfrågor: spaces collapsed, numbering ("2. ") dropped."""
    return _NUMBERING.sub("", " ".join(header.split())).strip()


def _kind(header: str) -> str:
    """"date", "start", "identifying" or "question" for an export column header."""
    h = norm_name(header).casefold().rstrip(":")
    if h in DATE_HEADERS:
        return "date"
    if h in START_HEADERS:
        return "start"
    words = set(_WORDS.findall(h))
    if h in IDENTIFYING_WORDS or words & {w for w in IDENTIFYING_WORDS if " " not in w} or \
            any(w in h for w in IDENTIFYING_WORDS if len(w) > 4):
        return "identifying"
    return "question"


def plan_import(rows: Sequence[Sequence[Any]], data: InputData, survey: str, group: str | None,
                date: dt.date | None = None, rng: random.Random | None = None, export_name: str = "exporten",
                again: bool = False) -> ImportPlan:
    """Turn an export's rows into Enkätsvar (and new Enkätfrågor) rows for the workbook in `data`.

    survey: the Enkät name (its spelling in Enkätfrågor wins); group: a GruppID of Grupper or None;
    date: the Datum of every answer when the export has no completion time (else that time's date);
    rng: the random source of SvarID and row order (None = the operating system's); again: import even when
    Enkätsvar already holds answers of this survey, group and date (else refused as a likely double import).
    Raises ImportRefused naming the export's row and column when something cannot be imported as it is.
    """
    if not rows or not any(not is_empty(v) for v in rows[0]):
        raise ImportRefused(f"{export_name} är tom: första raden ska vara rubrikerna.")
    header = [show(h) for h in rows[0]]
    body = [list(r) + [None] * (len(header) - len(r)) for r in rows[1:] if any(not is_empty(v) for v in r)]
    plan = ImportPlan(survey=_survey_name(data, survey), group_id=_group(data, group))
    kinds = [_kind(h) if h else "identifying" for h in header]
    date_col = next((j for j, k in enumerate(kinds) if k == "date"), None)
    if date_col is None:
        date_col = next((j for j, k in enumerate(kinds) if k == "start"), None)
    for j, (h, k) in enumerate(zip(header, kinds, strict=True)):
        if k == "identifying":
            plan.identifying.append(h or f"(kolumn {j + 1} utan rubrik)")
        elif k in ("date", "start"):
            plan.times.append(h)
    dates = _dates(body, date_col, header, date, export_name)
    scales = _scales(data)
    known = _known_questions(data, plan.survey)
    taken = {str(q).casefold() for q in data.survey_questions.get("question_id", [])}
    columns: list[tuple[int, str, dict[str, str]]] = []  # (column, FrågeID, answer key -> alternative)
    for j, (h, k) in enumerate(zip(header, kinds, strict=True)):
        if k != "question":
            continue
        given = {alternative_key(r[j]) for r in body if not is_empty(r[j])}
        if not given:
            plan.free_text.append(h)
            continue
        match = known.get(question_key(h)) or known.get(h.strip().casefold())
        if match is not None:
            qid, scale = match
            alts = scales.get(scale.casefold(), {})
            for i, r in enumerate(body):
                if not is_empty(r[j]) and alternative_key(r[j]) not in alts:
                    raise ImportRefused(
                        f"{export_name}, rad {i + 2}, kolumn {h}: svaret {show(r[j])} finns inte i skalan {scale} "
                        f"för fråga {qid}. Tillåtet: {', '.join(alts.values())}. Inget har importerats.")
            plan.matched.append((h, qid))
            columns.append((j, qid, alts))
            continue
        fitting = [(len(alts), order, name) for order, (name, alts) in enumerate(scales.items())
                   if given <= set(alts)]
        if not fitting:
            plan.free_text.append(h)
            continue
        scale_key = min(fitting)[2]
        qid = _next_question_id(taken)
        taken.add(qid.casefold())
        plan.questions.append({"question_id": qid, "survey": plan.survey, "question": question_text(h),
                               "scale": _scale_spelling(data, scale_key), "indicator": None, "active": None})
        known[question_key(h)] = (qid, _scale_spelling(data, scale_key))
        columns.append((j, qid, scales[scale_key]))
    if not columns:
        raise ImportRefused(f"{export_name} har inga frågekolumner vars svar passar en skala i bladet Skalor. "
                            "Inget har importerats.")
    rng = rng or random.SystemRandom()
    ids = _fresh_ids(len(body), data, rng)
    order = list(range(len(body)))
    # -- the export's row order (its respondent IDs, its submission times) must not survive in SvarID --
    rng.shuffle(order)
    for n, i in enumerate(order):
        r = body[i]
        answered = [(qid, alts[alternative_key(r[j])]) for j, qid, alts in columns if not is_empty(r[j])]
        if not answered:
            plan.empty_respondents += 1
            continue
        plan.respondents += 1
        for qid, answer in answered:
            plan.answers.append({"answer_id": ids[n], "survey": plan.survey, "group_id": plan.group_id,
                                 "date": dates[i], "question_id": qid, "answer": answer})
    plan.dates = sorted({a["date"] for a in plan.answers})
    if not again:
        _refuse_double_import(data, plan)
    return plan


def _survey_name(data: InputData, survey: str) -> str:
    name = norm_name(survey)
    if not name:
        raise ImportRefused("Ange enkätens namn med --enkat, t.ex. --enkat Deltagare.")
    for s in data.survey_questions.get("survey", []):
        if str(s).strip().casefold() == name.casefold():
            return str(s).strip()
    return survey.strip()


def _group(data: InputData, group: str | None) -> str | None:
    if group is None or not group.strip():
        return None
    for g in data.groups["group_id"]:
        if str(g).casefold() == group.strip().casefold():
            return str(g)
    raise ImportRefused(f"GruppID {group} finns inte i bladet Grupper. Inget har importerats.")


def _scales(data: InputData) -> dict[str, dict[str, str]]:
    """Scale name (case folded) -> answer key -> the alternative as Skalor spells it, in sheet order."""
    out: dict[str, dict[str, str]] = {}
    for s, a in zip(data.scales.get("scale", []), data.scales.get("alternative", []), strict=True):
        out.setdefault(str(s).strip().casefold(), {}).setdefault(alternative_key(a), str(a).strip())
    return out


def _scale_spelling(data: InputData, key: str) -> str:
    return next(str(s).strip() for s in data.scales["scale"] if str(s).strip().casefold() == key)


def _known_questions(data: InputData, survey: str) -> dict[str, tuple[str, str]]:
    """Question text key (and FrågeID case folded) -> (FrågeID, Skala) of the survey's questions."""
    q = data.survey_questions
    out: dict[str, tuple[str, str]] = {}
    if q.empty:
        return out
    for qid, s, text, scale in zip(q["question_id"], q["survey"], q["question"], q["scale"], strict=True):
        if str(s).strip().casefold() != survey.casefold():
            continue
        out.setdefault(question_key(text), (str(qid), str(scale)))
        out.setdefault(str(qid).casefold(), (str(qid), str(scale)))
    return out


def _next_question_id(taken: set[str]) -> str:
    n = 1
    while f"f{n}" in taken:
        n += 1
    return f"F{n}"


def _fresh_ids(n: int, data: InputData, rng: random.Random) -> list[str]:
    """n random SvarID codes (SV-XXXXXX) unused in Enkätsvar and unequal to every DeltagarID."""
    used = {str(a).casefold() for a in data.survey_answers.get("answer_id", [])}
    used |= {str(p).casefold() for p in data.participants["participant_id"]}
    out: list[str] = []
    while len(out) < n:
        code = "SV-" + "".join(rng.choice(_ID_ALPHABET) for _ in range(6))
        if code.casefold() not in used:
            used.add(code.casefold())
            out.append(code)
    return out


def _dates(body: list[list[Any]], col: int | None, header: list[str], given: dt.date | None,
           export_name: str) -> list[dt.date]:
    """Each respondent's Datum: the given date, else the date of the completion (or start) time."""
    if given is not None:
        return [given] * len(body)
    if col is None:
        raise ImportRefused(f"{export_name} har ingen kolumn med tidpunkt (t.ex. Slutförandetid eller Tidstämpel). "
                            "Ange datumet med --datum 2019-12-17.")
    texts = [r[col] for r in body]
    day_first = _day_first([t for t in texts if isinstance(t, str)])
    out = []
    for i, v in enumerate(texts):
        d = _date(v, day_first)
        if d is None:
            raise ImportRefused(f"{export_name}, rad {i + 2}, kolumn {header[col]}: tidpunkten {show(v)} går inte att "
                                "läsa som datum. Ange datumet med --datum 2019-12-17.")
        out.append(d)
    return out


def _day_first(texts: list[str]) -> bool | None:
    """For dates written 12/3/2019: True when some value shows the day comes first (13/3), False when the
    month does (3/13), None when there are no such dates. Refuses when the values cannot tell."""
    pairs = [(int(m[1]), int(m[2])) for t in texts if not _ISO.match(t.strip()) and (m := _DMY.match(t.strip()))]
    if not pairs:
        return None
    if any(a > 12 for a, _ in pairs):
        return True
    if any(b > 12 for _, b in pairs):
        return False
    if any("." in t for t in texts):
        return True  # -- 17.12.2019: the dotted form is always day first --
    raise ImportRefused("Datumen i exporten (t.ex. 3/4/2019) kan vara både dag/månad och månad/dag. "
                        "Ange datumet med --datum 2019-12-17.")


def _date(value: Any, day_first: bool | None) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))
    if not isinstance(value, str):
        return None
    t = value.strip()
    try:
        if m := _ISO.match(t):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if (m := _DMY.match(t)) and day_first is not None:
            a, b = int(m[1]), int(m[2])
            return dt.date(int(m[3]), b, a) if day_first else dt.date(int(m[3]), a, b)
    except ValueError:
        return None
    return None


def _refuse_double_import(data: InputData, plan: ImportPlan) -> None:
    a = data.survey_answers
    if a.empty:
        return
    same = {str(x).casefold() for x, s, g, d in zip(a["answer_id"], a["survey"], a["group_id"], a["date"], strict=True)
            if str(s).casefold() == plan.survey.casefold() and (g or None) == plan.group_id and d in plan.dates}
    if same:
        raise ImportRefused(
            f"Bladet Enkätsvar har redan {len(same)} formulär för enkäten {plan.survey}"
            f"{' och grupp ' + plan.group_id if plan.group_id else ''} med samma datum. Är exporten redan "
            "importerad? Inget har importerats; använd --igen om det verkligen är nya svar.")


def column_positions(rows: list[list[Any]], sheet: spec.SheetSpec) -> tuple[int, dict[str, int], int]:
    """(header row 1-based, column index by key, first empty row 1-based below the data) of a sheet's rows.
    Raises ImportRefused when the header lacks a column of the contract (nothing is written then)."""
    try:
        h, index = find_header(rows, sheet)
    except Exception as exc:  # HeaderNotFound: the required headers are not there
        raise ImportRefused(f"Bladet {sheet.name} saknar rubrikraden ({', '.join(sheet.required_headers)}). "
                            "Inget har importerats.") from exc
    missing = [c.header for c in sheet.columns if c.key not in index]
    if missing:
        raise ImportRefused(f"Bladet {sheet.name} saknar kolumnen {', '.join(missing)}. Lägg till den i rubrikraden "
                            "och importera igen.")
    last = max((i for i, r in enumerate(rows) if any(not is_empty(v) for v in r)), default=h)
    return h + 1, index, max(last, h) + 2
