"""Swedish formatting of numbers, money, shares and dates for text a person reads (report, messages).

Uses a narrow no-break space (U+00A0 would also do) as thousands separator, as Swedish typography does:
`1 520 000 kr`, `81 %`, `82,5 %`, `2 september 2019`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import Any

NBSP = "\u00a0"  # no-break space: keeps "1 520 000 kr" on one line in Word
MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def _round_half_up(x: float, decimals: int = 0) -> Decimal:
    # -- Python's round() is banker's rounding; people expect 0,5 to round up --
    # -- the default context holds 28 digits: 1e41 rounded to one decimal needs 43, so size the context to
    #    the number (a float has at most 309 integer digits) rather than fail on a large, finite value --
    d = Decimal(repr(x))
    if not d.is_finite():
        raise ValueError(f"cannot format {x!r}: not a finite number")
    q = Decimal(1).scaleb(-decimals)
    with localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() + decimals + 2)
        return d.quantize(q, rounding=ROUND_HALF_UP)


def number(x: float | int | None, decimals: int = 0) -> str:
    """`1520000` -> `1 520 000`; decimals with a comma. None -> `–`."""
    if x is None:
        return "–"
    d = _round_half_up(float(x), decimals)
    sign = "-" if d < 0 else ""
    d = abs(d)
    whole, _, frac = f"{d:.{decimals}f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    text = NBSP.join(groups)
    return sign + text + ("," + frac if frac else "")


# -- control characters (C0 but tab, line feed, carriage return; DEL; C1) and Excel's _xHHHH_ escapes of
#    them: a bell or form feed from a pasted cell means nothing to a reader and breaks some viewers --
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]|_x00(?:0[0-8BCEFbcef]|1[0-9A-Fa-f]|7[Ff])_")
# -- a text starting with these becomes a formula when a user edits the cell (Excel's quote prefix stops it) --
FORMULA_START = ("=", "+", "-", "@")


def clean_text(text: str) -> str:
    """`text` without control characters, raw or as Excel's `_x0007_` escapes (tab and line breaks kept)."""
    return _CONTROL.sub("", text) if not text.isprintable() or "_x" in text else text


def cap(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters, ending in `…` when it was cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_strings(value: Any, clean: Callable[[str], str] = clean_text) -> Any:
    """`value` with `clean` applied to every str inside its dicts, lists and tuples (other values kept)."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: clean_strings(v, clean) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_strings(v, clean) for v in value]
    if isinstance(value, tuple):
        return tuple(clean_strings(v, clean) for v in value)
    return value


def count(n: int, singular: str, plural: str) -> str:
    """A count with its noun in Swedish number: `1 varning`, `0 varningar`, `2 500 varningar`."""
    return f"{number(n)} {singular if n == 1 else plural}"


def kr(x: float | int | None) -> str:
    """Whole kronor: `1 520 000 kr`. None -> `–`."""
    return "–" if x is None else number(x, 0) + NBSP + "kr"


def percent(share: float | None, decimals: int = 0, trim: bool = True) -> str:
    """A share (0.81) as `81 %`; with decimals=1, `82,5 %` (and `81 %` when trim and the decimal is 0).
    None (no basis) -> `–`."""
    if share is None:
        return "–"
    text = number(share * 100, decimals)
    if trim and "," in text:
        text = text.rstrip("0").rstrip(",")
    return text + NBSP + "%"


def date_long(d: dt.date | str | None) -> str:
    """`2019-09-02` -> `2 september 2019`. None -> `–`."""
    if d is None:
        return "–"
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def period_label(d: dt.date | str) -> str:
    """`2018-09-01` -> `2018 september`, as the seed labels Arbetsförmedlingen's tables."""
    if isinstance(d, str):
        d = dt.date.fromisoformat(d[:10])
    return f"{d.year} {MONTHS[d.month - 1]}"


def distinct_names(names: dict[str, str]) -> dict[str, str]:
    """Key -> name, where a name that more than one key shares gets its key added: two Klippan groups in
    one omgång become `Klippan grupp 2 (KLI02A)` and `Klippan grupp 2 (KLI02B)`."""
    counts: dict[str, int] = {}
    for name in names.values():
        counts[name] = counts.get(name, 0) + 1
    return {key: name if counts[name] == 1 else f"{name} ({key})" for key, name in names.items()}
