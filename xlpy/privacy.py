"""Finding personal data where only codes belong: personal identity numbers and names.

Pure functions over InputData; no IO. The lead wires `find_personal_data` into the pipeline so that
`report` refuses while any of its problems remain.

A personnummer is YYMMDD-NNNC (10 digits; `+` instead of `-` for people aged 100 or more) or
YYYYMMDDNNNC (12 digits), with or without the separator; C is a Luhn check digit over the last ten
digits. A samordningsnummer is the same with 60 added to the day. A name is two or more capitalised
words of letters ("Fatima Ali", "Anna-Karin Ek"). Messages never repeat the number or the name in
full: "19850101-****", "F*** A***".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from xlpy import fmt, spec
from xlpy.model import InputData, Problem

# -- the columns where staff type free text or a participant's identity; only these are searched --
SEARCHED_COLUMNS = ("participant_id", "comment")

# -- digits not glued to other digits: a 10- or 12-digit run, optional separator before the last four --
_PNR = re.compile(r"(?<![\d])(?P<century>\d{2})?(?P<date>\d{6})(?P<sep>[-+]?)(?P<tail>\d{4})(?![\d])")
# -- a word of letters (optionally hyphenated), or any other single visible character; tokenising with
#    this is linear in the text, where a pattern for "run of words" backtracks quadratically on a
#    32 000-letter cell --
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\S")

# -- capitalised words that are ordinary in comments here (places, agencies, the contract's own terms);
#    two of these side by side are not taken for a name --
COMMON_WORDS = frozenset(
    w.lower()
    for w in (
        "Arbetsförmedlingen", "Försäkringskassan", "Komvux", "Folkhögskola", "Folkhögskolan", "Kommun",
        "Kommunen", "Region", "Skåne", "Klippan", "Klippans", "Perstorp", "Perstorps", "Åstorp", "Bjuv",
        "Helsingborg", "Ängelholm", "Samordningsförbundet", "Första", "Steget", "Socialtjänsten",
        "Vuxenutbildningen", "Arbete", "Studier", "Planering", "Annat", "Praktik", "Grupp", "Vår", "Höst",
        "Januari", "Februari", "Mars", "April", "Maj", "Juni", "Juli", "Augusti", "September", "Oktober",
        "November", "December", "Måndag", "Tisdag", "Onsdag", "Torsdag", "Fredag", "Ej", "Ja", "Nej",
    )
)


@dataclass(frozen=True)
class IdentityNumber:
    """A personal identity number found in a text: where it is, its kind and a masked form for messages.

    kind: "personnummer" or "samordningsnummer"; start/end: character offsets in the searched text.
    """

    kind: str
    start: int
    end: int
    masked: str


def luhn_ok(digits: str) -> bool:
    """Whether the ten digits YYMMDDNNNC carry a valid Luhn check digit C (the Swedish rule)."""
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = 0
    for i, ch in enumerate(digits):
        d = int(ch) * (2 if i % 2 == 0 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _valid_date(years: Iterable[int], month: int, day: int) -> bool:
    for year in years:
        try:
            dt.date(year, month, day)
        except ValueError:
            continue
        return True
    return False


def find_identity_numbers(text: str) -> list[IdentityNumber]:
    """Every personnummer or samordningsnummer in `text` with a real birth date and a valid check digit.

    Ten-digit numbers have no century, so a date valid in either the 1900s or 2000s is accepted.
    Codes, dates (2019-09-02), and digit runs of other lengths are not matched.
    """
    found: list[IdentityNumber] = []
    for m in _PNR.finditer(text):
        century, date, sep, tail = m.group("century"), m.group("date"), m.group("sep"), m.group("tail")
        if century is not None and century not in ("18", "19", "20"):
            continue
        yy, month, day = int(date[:2]), int(date[2:4]), int(date[4:6])
        kind = "personnummer"
        if day > 60:
            kind, day = "samordningsnummer", day - 60
        years = [int(century) * 100 + yy] if century else [1900 + yy, 2000 + yy]
        if not _valid_date(years, month, day) or not luhn_ok(date + tail):
            continue
        masked = f"{century or ''}{date}{sep or '-'}****"
        found.append(IdentityNumber(kind, m.start(), m.end(), masked))
    return found


def _is_capitalised(word: str) -> bool:
    parts = word.split("-")
    return all(p[:1].isupper() and (p[1:].islower() or p[1:] == "") and len(p) >= 2 for p in parts)


def find_names(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Runs of two or more capitalised words in `text` that look like a person's name, as found.

    allowed: extra words (any case) that are not names here, e.g. municipalities and workplaces of the
    workbook; together with COMMON_WORDS they break a run. All-capital words (SFI, AF) are not
    capitalised words, and single words are never taken for a name.
    """
    return _find_names(text, COMMON_WORDS | {w.lower() for w in allowed})


def _find_names(text: str, known: frozenset[str]) -> list[str]:
    # -- `known` is COMMON_WORDS plus the allowed words, lower case, built once per workbook by the caller --
    if text.upper() == text:
        # -- no lower-case letter, so no capitalised word: codes like KLI01A-902 end here (fast path) --
        return []
    names: list[str] = []
    run: list[str] = []
    end = 0
    for m in _TOKEN.finditer(text):
        word, gap, end = m.group(0), text[end:m.start()], m.end()
        name_word = _is_capitalised(word) and word.lower() not in known
        # -- a name continues only across spaces on one line, never across punctuation or a line break --
        if run and (not name_word or gap.strip(" \u00a0")):
            if len(run) >= 2:
                names.append(" ".join(run))
            run = []
        if name_word:
            run.append(word)
    if len(run) >= 2:
        names.append(" ".join(run))
    return names


def mask_name(name: str) -> str:
    """'Fatima Ali' -> 'F*** A***': enough to find the cell, not enough to read the name."""
    return " ".join(f"{w[0]}***" for w in name.split())


def _shown_name(name: str, words: int = 4) -> str:
    # -- a run of thousands of capitalised words is one "name"; the message shows its start --
    parts = name.split()
    return mask_name(" ".join(parts[:words])) + (" …" if len(parts) > words else "")


def mask_text(text: str, allowed: Iterable[str] = ()) -> str:
    """`text` with every identity number and name masked, for showing in the Kontroll sheet."""
    out = text
    for num in reversed(find_identity_numbers(out)):
        out = out[: num.start] + num.masked + out[num.end:]
    for name in find_names(out, allowed):
        out = out.replace(name, mask_name(name))
    return out


def _words_of(values: Iterable[Any]) -> set[str]:
    words: set[str] = set()
    for v in values:
        if isinstance(v, str):
            words.update(t for t in _TOKEN.findall(v) if t[0].isalpha())
    return words


def allowed_words(data: InputData) -> set[str]:
    """Words of the workbook itself that are not names: municipalities, workplaces, roles, outcome types,
    the project's and federation's names."""
    words: set[str] = set()
    for frame, col in ((data.groups, "municipality"), (data.internships, "workplace"),
                       (data.staff, "role"), (data.outcomes, "type"), (data.statistics, "municipality")):
        if col in frame.columns:
            words |= _words_of(frame[col].dropna().unique())
    s = data.settings
    words |= _words_of([s.project_name, s.federation, s.owner, s.evaluator])
    return words


def _findings(key: str, text: str, allowed: set[str], known: frozenset[str]) -> list[tuple[str, str]]:
    """What is wrong with one value, as (masked value, message without its closing "{more}.")."""
    numbers = find_identity_numbers(text)
    if numbers:
        return [(mask_text(text, allowed), f"Ser ut som ett {num.kind} ({num.masked}). Personuppgifter får inte "
                 "finnas i arbetsboken: ersätt med deltagarens kod") for num in numbers]
    # -- each name once per value: "Fatima Ali, Fatima Ali, …" is one finding, not 2 500 --
    names = list(dict.fromkeys(_find_names(text, known)))
    if key == "participant_id" and not names and _looks_like_single_full_name(text):
        names = [text.strip()]
    return [(mask_text(text, allowed) if key != "participant_id" else mask_name(name),
             f"Ser ut som ett namn ({_shown_name(name)}). Skriv en kod i stället för namn"
             f"{' i DeltagarID' if key == 'participant_id' else ''}") for name in names]


def _problems_for_value(sheet: str, column: str, key: str, text: str, row: int | None, extra_rows: int,
                        allowed: set[str], known: frozenset[str],
                        cache: dict[tuple[str, str], list[tuple[str, str]]]) -> Iterator[Problem]:
    # -- cache: the same DeltagarID is searched in Deltagare, Närvaro, Praktik and Utfall; once is enough --
    found = cache.get((key, text))
    if found is None:
        found = cache[(key, text)] = _findings(key, text, allowed, known)
    more = f" (samma värde finns på {fmt.count(extra_rows, 'rad', 'rader')} till)" if extra_rows else ""
    for shown, message in found:
        yield Problem(sheet, row, column, shown, f"{message}{more}.")


def _looks_like_single_full_name(text: str) -> bool:
    # -- a DeltagarID of capitalised words only ("Fatima Ali") is a name even if one word is common --
    words = text.split()
    return len(words) >= 2 and all(_is_capitalised(w) for w in words)


def _frames(data: InputData) -> Iterator[tuple[spec.SheetSpec, pd.DataFrame]]:
    for sheet in spec.INPUT_SHEETS:
        frame = getattr(data, sheet.key, None)
        if isinstance(frame, pd.DataFrame):
            yield sheet, frame


def find_personal_data(data: InputData) -> list[Problem]:
    """Problems (severity "fel") for every personnummer, samordningsnummer or name in a DeltagarID or
    Kommentar cell of any input sheet. Values and messages are masked.

    A value repeated on many rows (a DeltagarID on every Närvaro row) gives one problem, at its first
    row, saying how many more rows hold it. Rows without a row number (None) are reported with row None.
    """
    allowed = allowed_words(data)
    known = COMMON_WORDS | {w.lower() for w in allowed}
    problems: list[Problem] = []
    cache: dict[tuple[str, str], list[tuple[str, str]]] = {}
    for sheet, frame in _frames(data):
        for key in SEARCHED_COLUMNS:
            if key not in frame.columns or frame.empty:
                continue
            header = sheet.column(key).header
            rows = frame["row"] if "row" in frame.columns else pd.Series([None] * len(frame))
            # -- each distinct value is searched once, at its first row (pd.factorize keeps first-seen order);
            # -- a Python loop over every Närvaro row cost more than the search itself (issue #6) --
            codes, uniques = pd.factorize(frame[key].to_numpy(dtype=object), use_na_sentinel=True)
            valid = codes >= 0
            counts = np.bincount(codes[valid], minlength=len(uniques))
            # -- factorize numbers values in order of appearance, so code k first appears where the running
            #    maximum of the codes first reaches k --
            at = np.flatnonzero(valid)
            seen = codes[at]
            first_of = at[seen > np.concatenate(([-1], np.maximum.accumulate(seen)[:-1]))]
            row_values = rows.to_numpy(dtype=object)
            for code, value in enumerate(uniques):
                if not isinstance(value, str) or not value.strip():
                    continue
                first = row_values[first_of[code]]
                row = None if first is None or pd.isna(first) else int(first)
                problems.extend(_problems_for_value(sheet.name, header, key, value, row, int(counts[code]) - 1,
                                                    allowed, known, cache))
    return problems
