"""Finding personal data where only codes belong: personal identity numbers and names.

Pure functions over DataFrames; no IO. `search_frames` runs in xlpy.intake.reading on every row of every input
sheet before validation drops any (a name typed as an unknown DeltagarID is a dropped row), so that
`report` refuses while any of its problems remain.

Every text column of xlpy.spec is searched (Column.searched; a new sheet is covered by default), and
the text settings of Inställningar (Projektnamn, Samordningsförbund, Insatsägare, Källa kostnader;
Utvärderare and Källa kostnader for numbers only, since they name a person or firm on purpose).

A personnummer is YYMMDD-NNNC (10 digits; `+` instead of `-` for people aged 100 or more) or
YYYYMMDDNNNC (12 digits); C is a Luhn check digit over the last ten digits. A samordningsnummer is the
same with 60 added to the day. The spellings people use are recognised: no separator, `-`, `+`, an en
or em dash, a dot, a space or no-break space before the last four, and digits in pairs
(`19 81 12 18-98 76`). A name is (a) a known given name (xlpy.intake.privacy_words) followed by a surname-like
word or an initial, in any case ("FATIMA ALI", "fatima ali", "Fatima A."), or (b) two or more
capitalised words none of which is a place, employer or ordinary word ("Hodan Warsame"). Messages never
repeat the number or the name in full: "19850101-****", "F*** A***".
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from xlpy import spec
from xlpy.intake.privacy_words import COMMON_CAPITALISED, GIVEN_NAMES, SURNAME_SUFFIXES, SURNAMES
from xlpy.model import InputData, Problem, Settings

# -- a run of digits in groups, each separated by at most a dash, dot or plus with spaces around it;
#    the groups are then cut into 10- or 12-digit candidates at group boundaries (_candidates) --
_SEP_CHARS = "-+.\u2010\u2011\u2012\u2013\u2014\u2212"
_DIGIT_RUN = re.compile(r"(?<![\d])\d+(?:[ \u00a0\u202f\t]{0,2}[" + _SEP_CHARS + r"]?[ \u00a0\u202f\t]{0,2}\d+)*")
_GROUP = re.compile(r"\d+")
# -- a word of letters (optionally hyphenated), or any other single visible character; tokenising with
#    this is linear in the text, where a pattern for "run of words" backtracks quadratically on a
#    32 000-letter cell --
_TOKEN = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\S")

# -- capitalised words that are ordinary here (places, employers, agencies, the contract's terms); two of
#    these side by side are not taken for a name --
COMMON_WORDS = COMMON_CAPITALISED

# -- the text settings searched, by Settings attribute; Utvärderare and Källa kostnader name a person or
#    firm on purpose (the evaluator, a cited author such as Ingvar Nilsson), so numbers only there --
SEARCHED_SETTINGS = ("project_name", "federation", "owner", "cost_source", "evaluator")
_NUMBERS_ONLY_SETTINGS = frozenset({"evaluator", "cost_source"})
# -- columns that name people on purpose (Kostnadsposter's Källa cites authors: "Nilsson & Wadeskog"):
#    searched for identity numbers only --
NUMBERS_ONLY_COLUMNS = frozenset({("cost_items", "source")})


def searched_columns(sheet: spec.SheetSpec) -> list[str]:
    """The keys of the sheet's columns searched for personal data: every text column not opted out."""
    return [c.key for c in sheet.columns if c.kind == "text" and c.searched]


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


def _candidates(text: str) -> Iterator[tuple[int, int, str, str]]:
    """(start, end, digits, separator before the last four) of every 10- or 12-digit stretch of `text`
    laid out like an identity number: whole digit groups, a dash, dot or plus only before the last four,
    spaces only between pairs of digits ("19 81 12 18-98 76") or before the last four."""
    for run in _DIGIT_RUN.finditer(text):
        whole = run.group(0)  # -- once: group(0) copies the run, which may be a 32 000-character cell --
        groups = list(_GROUP.finditer(whole))
        base = run.start()
        for i in range(len(groups)):
            if len(groups[i].group(0)) not in (2, 6, 8, 10, 12):
                continue  # -- no layout of _layout starts with such a group: skip it cheaply --
            digits = ""
            for j in range(i, len(groups)):
                digits += groups[j].group(0)
                if len(digits) > 12:
                    break
                if len(digits) not in (10, 12):
                    continue
                layout = _layout(whole, groups[i:j + 1], len(digits))
                if layout is not None:
                    yield base + groups[i].start(), base + groups[j].end(), digits, layout


def _layout(run: str, groups: list[re.Match[str]], n: int) -> str | None:
    """The separator before the last four digits ("" for none) when the groups' separators fit an
    identity number, else None."""
    lengths = [len(g.group(0)) for g in groups]
    # -- 8112189876, 811218-9876, 19811218-9876, or pairs (19 81 12 18-98 76, 81 12 18-9876); other
    #    groupings are dates and sums ("2019 09 02 2019 12 19") --
    if not (len(lengths) == 1 or lengths[-1] == 4 and sum(lengths[:-1]) in (6, 8) and len(lengths) == 2
            or all(x == 2 for x in lengths[:-1]) and lengths[-1] in (2, 4)):
        return None
    sep_last = ""
    count = 0
    for a, b in zip(groups, groups[1:], strict=False):
        count += len(a.group(0))
        gap = run[a.end():b.start()]
        mark = gap.strip(" \u00a0\u202f\t")
        if count == n - 4:
            sep_last = mark or " "
        elif mark or count % 2:
            # -- a dash or dot elsewhere (2019-09-02–2019-12-19), or a space inside a pair: a date or a sum --
            return None
    return sep_last


def find_identity_numbers(text: str) -> list[IdentityNumber]:
    """Every personnummer or samordningsnummer in `text` with a real birth date and a valid check digit.

    Ten-digit numbers have no century, so a date valid in either the 1900s or 2000s is accepted.
    Codes, dates (2019-09-02), and digit runs of other lengths are not matched.
    """
    found: list[IdentityNumber] = []
    taken_until = -1
    for start, end, digits, sep in _candidates(text):
        if start < taken_until:
            continue
        century, date, tail = (digits[:2], digits[2:8], digits[8:]) if len(digits) == 12 else (None, digits[:6], digits[6:])
        if century is not None and century not in ("18", "19", "20"):
            continue
        yy, month, day = int(date[:2]), int(date[2:4]), int(date[4:6])
        kind = "personnummer"
        if day > 60:
            kind, day = "samordningsnummer", day - 60
        years = [int(century) * 100 + yy] if century else [1900 + yy, 2000 + yy]
        if not _valid_date(years, month, day) or not luhn_ok(date + tail):
            continue
        masked = f"{century or ''}{date}{'+' if sep == '+' else '-'}****"
        found.append(IdentityNumber(kind, start, end, masked))
        taken_until = end
    return found


def _ordinary(word: str, known: frozenset[str]) -> bool:
    # -- a known word, or its genitive ("Klippans", "Nilssons") --
    w = word.lower()
    return w in known or (len(w) > 3 and w.endswith("s") and w[:-1] in known)


def _is_capitalised(word: str) -> bool:
    parts = word.split("-")
    return all(p[:1].isupper() and (p[1:].islower() or p[1:] == "") and len(p) >= 2 for p in parts)


def _is_given(word: str) -> bool:
    w = word.lower()
    return w in GIVEN_NAMES or ("-" in w and all(p in GIVEN_NAMES for p in w.split("-")))


def _is_surname_like(word: str, known: frozenset[str]) -> bool:
    # -- after a given name: a capitalised word that is not ordinary, or (in any case) a known given name,
    #    surname or a surname ending --
    w = word.lower()
    if len(w) < 2 or _ordinary(word, known):
        return False
    if _is_capitalised(word):
        return True
    return (w in GIVEN_NAMES or w in SURNAMES or any(p in SURNAMES for p in w.split("-"))
            or (len(w) >= 5 and w.endswith(SURNAME_SUFFIXES)))


def find_names(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Stretches of `text` that look like a person's name, as they are written there.

    allowed: extra words (any case) that are not names here, e.g. workplaces of the workbook; together
    with COMMON_WORDS they break a run of capitalised words (rule b), but not a known given name followed
    by a surname (rule a). All-capital abbreviations (SFI, AF) and single words are never names.
    """
    return [" ".join(n.split()) for n in _find_names(text, COMMON_WORDS | {w.lower() for w in allowed})]


def _find_names(text: str, known: frozenset[str]) -> list[str]:
    # -- `known` is COMMON_WORDS plus the allowed words, lower case, built once per workbook by the caller --
    tokens: list[tuple[str, int, int, bool]] = []  # -- word, start, end, joined to the previous by spaces only --
    end = 0
    for m in _TOKEN.finditer(text):
        tokens.append((m.group(0), m.start(), m.end(), not text[end:m.start()].strip(" \u00a0")))
        end = m.end()
    names: list[str] = []
    i = 0
    while i < len(tokens):
        j = _name_end(tokens, i, known)
        if j > i + 1:
            names.append(text[tokens[i][1]:tokens[j - 1][2]])
            i = j
        else:
            i += 1
    return names


def _name_end(tokens: list[tuple[str, int, int, bool]], i: int, known: frozenset[str]) -> int:
    """The index after the last token of a name starting at token i (i + 1 or less: no name there)."""
    word = tokens[i][0]
    if not word[0].isalpha():
        return i

    def joined(k: int) -> bool:
        return k < len(tokens) and tokens[k][3]

    def initial(k: int) -> bool:
        # -- "A." : one capital letter and a full stop right after it --
        return (joined(k) and len(tokens[k][0]) == 1 and tokens[k][0].isupper() and k + 1 < len(tokens)
                and tokens[k + 1][0] == "." and tokens[k + 1][1] == tokens[k][2])

    capitalised_name_word = _is_capitalised(word) and not _ordinary(word, known)
    if _is_given(word):
        # -- rule (a): a known given name, then surname-like words or an initial, in any case --
        k = i + 1
        # -- only the fixed word lists break it here, not the workbook's own words: "Fatima Ali" typed as
        #    a workplace would otherwise make itself allowed --
        while joined(k) and tokens[k][0][0].isalpha() and _is_surname_like(tokens[k][0], COMMON_WORDS):
            k += 1
        if k == i + 1 and initial(k):
            return k + 2
        if k > i + 1:
            return k
    if capitalised_name_word:
        # -- rule (b): capitalised words, none ordinary; or one followed by an initial ("Hodan W.").
        #    A sentence's first word before a given name ("Ringde Fatima A.") is not part of the name --
        if joined(i + 1) and _is_given(tokens[i + 1][0]) and _name_end(tokens, i + 1, known) > i + 2:
            return i
        k = i + 1
        while joined(k) and _is_capitalised(tokens[k][0]) and not _ordinary(tokens[k][0], known):
            k += 1
        if k > i + 1:
            return k
        if initial(k):
            return k + 2
    return i


def mask_name(name: str) -> str:
    """'Fatima Ali' -> 'F*** A***': enough to find the cell, not enough to read the name."""
    return " ".join(f"{w[0]}***" for w in name.split())


def _shown_name(name: str, words: int = 4) -> str:
    # -- a run of thousands of capitalised words is one "name"; the message shows its start --
    parts = name.split()
    return mask_name(" ".join(parts[:words])) + (" …" if len(parts) > words else "")


def mask_text(text: str, allowed: Iterable[str] = ()) -> str:
    """`text` with every identity number and name masked, for showing in the Kontroll sheet."""
    return _mask(text, COMMON_WORDS | {w.lower() for w in allowed})


def _mask(text: str, known: frozenset[str]) -> str:
    out = text
    for num in reversed(find_identity_numbers(out)):
        out = out[: num.start] + num.masked + out[num.end:]
    for name in _find_names(out, known):
        out = out.replace(name, mask_name(name))
    return out


def _words_of(values: Iterable[Any]) -> set[str]:
    words: set[str] = set()
    for v in values:
        if isinstance(v, str):
            words.update(t for t in _TOKEN.findall(v) if t[0].isalpha())
    return words


def allowed_words(frames: Mapping[str, pd.DataFrame], settings: Settings) -> set[str]:
    """Words of the workbook itself that are not names: municipalities, workplaces, roles, outcome types,
    the evaluator's and the cost source's names. They break a run of capitalised words (rule b) only; a
    known given name with a surname is found even in these columns."""
    words: set[str] = set()
    for key, col in (("groups", "municipality"), ("internships", "workplace"), ("staff", "role"),
                     ("outcomes", "type"), ("statistics", "municipality")):
        frame = frames.get(key)
        if frame is not None and col in frame.columns:
            words |= _words_of(frame[col].dropna().unique())
    words |= _words_of([settings.evaluator, settings.cost_source, settings.owner, settings.federation])
    return words


def _findings(key: str, text: str, allowed: set[str], known: frozenset[str],
              numbers_only: bool = False) -> list[tuple[str, str]]:
    """What is wrong with one value, as (masked value, message without its closing "{more}.")."""
    numbers = find_identity_numbers(text)
    if numbers:
        return [(_mask(text, known), f"Ser ut som ett {num.kind} ({num.masked}). Personuppgifter får inte "
                 "finnas i arbetsboken: ersätt med deltagarens kod") for num in numbers]
    if numbers_only:
        return []
    # -- each name once per value: "Fatima Ali, Fatima Ali, …" is one finding, not 2 500 --
    names = list(dict.fromkeys(_find_names(text, known)))
    if key == "participant_id" and not names and _looks_like_single_full_name(text):
        names = [text.strip()]
    return [(_mask(text, known) if key != "participant_id" else mask_name(name),
             f"Ser ut som ett namn ({_shown_name(name)}). Skriv en kod i stället för namn"
             f"{' i DeltagarID' if key == 'participant_id' else ''}") for name in names]


def row_ranges(rows: list[int]) -> str:
    """Excel rows as a Swedish list with ranges: [3, 4, 5, 9, 12] -> "3–5, 9 och 12"."""
    rows = sorted(set(rows))
    parts: list[str] = []
    first = prev = rows[0]
    for r in [*rows[1:], None]:
        if r is not None and r == prev + 1:
            prev = r
            continue
        parts.append(f"{first}–{prev}" if prev > first + 1 else f"{first}, {prev}" if prev > first else f"{first}")
        if r is not None:
            first = prev = r
    head, _, last = ", ".join(parts).rpartition(", ")
    return f"{head} och {last}" if head else last


def rows_text(rows: list[int]) -> str:
    """"rad 7" for one row, "raderna 3–5 och 9" for several."""
    return f"rad {rows[0]}" if len(set(rows)) == 1 else f"raderna {row_ranges(rows)}"


def _looks_like_single_full_name(text: str) -> bool:
    # -- a DeltagarID of capitalised words only ("Fatima Ali") is a name even if one word is common --
    words = text.split()
    return len(words) >= 2 and all(_is_capitalised(w) for w in words)


def find_personal_data(data: InputData) -> list[Problem]:
    """Problems (severity "fel") for every personnummer, samordningsnummer or name in a searched cell of
    the (validated) input sheets of `data` and its text settings. See search_frames."""
    frames = {s.key: getattr(data, s.key) for s in spec.INPUT_SHEETS if isinstance(getattr(data, s.key, None), pd.DataFrame)}
    return search_frames(frames, data.settings, data.settings_rows)


def search_frames(frames: Mapping[str, pd.DataFrame], settings: Settings,
                  settings_rows: Mapping[str, int] | None = None,
                  masks: dict[str, str] | None = None) -> list[Problem]:
    """Problems (severity "fel", kind "personuppgift") for every personnummer, samordningsnummer or name
    in a searched column of any input sheet (every row, also rows validation would leave out) and in the
    searched text settings (settings_rows: Excel row of each setting key, for the message). Values and
    messages are masked.

    A value repeated on many rows (a DeltagarID on every Närvaro row) gives one problem, at its first
    row, listing every row that holds it. masks, when given, receives raw text -> masked text of every
    value found (for mask_problems).
    """
    masks = {} if masks is None else masks
    allowed = allowed_words(frames, settings)
    known = COMMON_WORDS | {w.lower() for w in allowed}
    problems: list[Problem] = []
    cache: dict[tuple[str, str], list[tuple[str, str]]] = {}
    rows_of_settings = dict(settings_rows or {})
    for key in SEARCHED_SETTINGS:
        value = getattr(settings, key, None)
        if isinstance(value, str) and value.strip() and key in rows_of_settings:
            name = next(d.name for d in spec.SETTING_DEFS if d.key == key)
            for shown, message in _findings("setting", value, set(), COMMON_WORDS,
                                            numbers_only=key in _NUMBERS_ONLY_SETTINGS):
                masks.setdefault(value, shown)
                problems.append(Problem(spec.SETTINGS.name, rows_of_settings[key], "Värde", shown,
                                        f"{name}: {message}.", kind=PERSONAL_DATA))
    for sheet in spec.INPUT_SHEETS:
        frame = frames.get(sheet.key)
        if frame is None or frame.empty or sheet.key == "settings":
            continue
        for key in searched_columns(sheet):
            if key in frame.columns:
                problems.extend(_column_problems(sheet, key, frame, allowed, known, cache, masks))
    return problems


PERSONAL_DATA = "personuppgift"


def _column_problems(sheet: spec.SheetSpec, key: str, frame: pd.DataFrame, allowed: set[str],
                     known: frozenset[str], cache: dict[tuple[str, str], list[tuple[str, str]]],
                     masks: dict[str, str]) -> Iterator[Problem]:
    header = sheet.column(key).header
    rows = frame["row"].to_numpy(dtype=object) if "row" in frame.columns else np.full(len(frame), None, dtype=object)
    # -- each distinct value is searched once (pd.factorize); a Python loop over every Närvaro row cost
    #    more than the search itself (issue #6). The cache: the same DeltagarID is in four sheets --
    codes, uniques = pd.factorize(frame[key].to_numpy(dtype=object), use_na_sentinel=True)
    for code, value in enumerate(uniques):
        if not isinstance(value, str) or not value.strip():
            continue
        numbers_only = (sheet.key, key) in NUMBERS_ONLY_COLUMNS
        found = cache.get((key, value) if not numbers_only else (f"{sheet.key}.{key}", value))
        if found is None:
            found = _findings(key, value, allowed, known, numbers_only=numbers_only)
            cache[(key, value) if not numbers_only else (f"{sheet.key}.{key}", value)] = found
        if not found:
            continue
        masks.setdefault(value, found[0][0])
        at = [r for r in rows[codes == code].tolist() if r is not None and not pd.isna(r)]
        first = min(at) if at else None
        more = f" (samma värde finns på {rows_text(at)})" if len(at) > 1 else ""
        for shown, message in found:
            yield Problem(sheet.name, None if first is None else int(first), header, shown, f"{message}{more}.",
                          kind=PERSONAL_DATA)


def mask_problems(problems: list[Problem], masks: Mapping[str, str]) -> list[Problem]:
    """`problems` with every raw text in `masks` (raw -> masked, filled by search_frames) masked in the
    other problems' values and messages: a name typed as a DeltagarID is also an unknown code there."""
    if not masks:
        return problems
    out = []
    for p in problems:
        if p.kind == PERSONAL_DATA:
            out.append(p)
            continue
        value, message = masks.get(p.value, p.value), p.message
        if value == p.value and p.value and (find_identity_numbers(p.value) or _find_names(p.value, COMMON_WORDS)):
            # -- a value validation changed on the way (a Mått is lower-cased before it is checked) --
            value = _mask(p.value, COMMON_WORDS)
            message = message.replace(p.value, value)
        for text, shown in masks.items():
            if text in message:
                message = message.replace(text, shown)
        out.append(replace(p, value=value, message=message) if (value, message) != (p.value, p.message) else p)
    return out
