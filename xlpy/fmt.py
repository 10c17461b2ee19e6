"""Swedish formatting of numbers, money, shares and dates for text a person reads (report, messages).

Uses a narrow no-break space (U+00A0 would also do) as thousands separator, as Swedish typography does:
`1 520 000 kr`, `81 %`, `82,5 %`, `2 september 2019`.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

NBSP = "\u00a0"  # no-break space: keeps "1 520 000 kr" on one line in Word
MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
)


def _round_half_up(x: float, decimals: int = 0) -> Decimal:
    # -- Python's round() is banker's rounding; people expect 0,5 to round up --
    q = Decimal(1).scaleb(-decimals)
    return Decimal(repr(x)).quantize(q, rounding=ROUND_HALF_UP)


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


def plural(n: int, one: str, many: str) -> str:
    """A count with its noun in Swedish number: `1 varning`, `0 varningar`, `2 varningar`."""
    return f"{number(n)} {one if n == 1 else many}"


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
