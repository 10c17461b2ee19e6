"""Small-number suppression: the ONE decision of which counts the report may print (METRICS.md,
"Small-number suppression (made precise 2026-12-01)").

With groups of 5–12 people a count of 1 or 2 can point at a person. Every count the report prints is an
entry of one `Ledger`, together with the sums that tie entries together ("Klippan's row adds up to its
Summa", "Vidare = Arbete + Studier", "an omgång is the sum of its groups"), whether or not the report
prints the sum. `decide` then chooses, once for the whole report:

- `small`: 0 < n < N, printed `<N` (primary suppression);
- `protected`: hidden only so that no other hidden count can be worked out; printed `–` with the note
  "dolt för att skydda små tal", never `<N` (its true value is 0 or at least N);
- `shown`: printed as the number;
- `withheld`: a count whose `<N` or `–` would say too much (two people split 1 + 1 under a `<3`
  total), printed `..` with the note of `withheld_note` (it says nothing about its value); the last
  resort of the choice.

A hidden entry must not be computable from what is printed: the exact audit (xlpy/core/audit.py) must
find a second whole-number value for it that fits every printed number and every sum, `<N` meaning 1..N−1
and `–` meaning 0 or at least N. The secondary cells are the cheapest the integer program of
xlpy/core/secondary.py finds for each leak in turn (fewest cells, parts and small counts first).
Zero is shown (it reveals nobody) unless hiding it is the cheapest protection of another count. A share is hidden when its numerator or denominator is.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from xlpy import fmt
from xlpy.core.audit import AuditCache, Relation, audit, unknown_kinds
from xlpy.core.secondary import links_of, neighbourhood, protect

SHOWN, SMALL, PROTECTED, WITHHELD = "shown", "small", "protected", "withheld"
PROTECT_NOTE = "dolt för att skydda små tal"
PROTECTED_TEXT = "–"
# -- a withheld count reads differently from a protected one: a reader who may take every `–` as "0 or at
#    least N" would otherwise work out the counts around a withheld one (SCB's symbol for "uppgift inte
#    tillgänglig") --
WITHHELD_TEXT = ".."

Key = Hashable
# -- above this many counts (a förbund's hundreds of groups) every leak far enough from the others gets its
#    secondary cells in the same round; the leak check itself always runs on the whole ledger --
MAX_CHECKED_ENTRIES = 3000
# -- with more leaks than this in a round, every leak far enough from the round's earlier actions gets its own
#    (a ledger where nearly every count is small would otherwise take a round, and an audit, per leak) --
MANY_LEAKS = 8
# -- a sum of at most this many parts is a table's row or column (a unit's outcome categories); a longer one
#    is a municipality or a project over its groups --
LOCAL_LINE_PARTS = 12
# -- the steps of sums around a leak the secondary choice first looks at (xlpy/core/secondary.py) --
RADIUS = 2


@dataclass
class Ledger:
    """The counts of one report (or one table) and the sums between them.

    values: every count, printed or not (people, whole numbers >= 0).
    printed: the keys the report prints somewhere (a share printed counts as printing its numerator
    and denominator). lines: (total, parts) meaning values[total] == sum(values[p] for p in parts).
    relations: what printed words say about counts (a goal status: `relate`).
    """

    values: dict[Key, int] = field(default_factory=dict)
    printed: set[Key] = field(default_factory=set)
    lines: list[tuple[Key, tuple[Key, ...]]] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def add(self, key: Key, value: int, printed: bool = True) -> Key:
        """Register a count (idempotent for the same value); returns the key."""
        v = int(value)
        if key in self.values and self.values[key] != v:
            raise ValueError(f"two values for {key!r}: {self.values[key]} and {v}")
        self.values[key] = v
        if printed:
            self.printed.add(key)
        return key

    def show(self, *keys: Key) -> None:
        """Mark already registered counts as printed."""
        for k in keys:
            if k not in self.values:
                raise KeyError(k)
            self.printed.add(k)

    def line(self, total: Key, parts: Iterable[Key], strict: bool = True) -> None:
        """values[total] is the sum of values[parts] (every key registered first). With strict=False a
        sum that does not hold (a hand-made results dict) is skipped: a reader cannot use it either."""
        ps = tuple(parts)
        for k in (total, *ps):
            if k not in self.values:
                raise KeyError(k)
        if self.values[total] != sum(self.values[p] for p in ps):
            if strict:
                raise ValueError(f"{total!r} is not the sum of its parts")
            return
        self.lines.append((total, ps))

    def relate(self, terms: Mapping[Key, int], lo: int | None, hi: int | None, inside: bool = True) -> None:
        """A reader learns lo <= sum(coef * count) <= hi (or, not `inside`, that the sum lies outside
        lo..hi) from a printed word, e.g. a goal's status (report/counts.py). Registered only when the true
        counts fit it: a status computed otherwise (a hand-made results dict) tells a reader nothing
        reliable either. Every key registered first."""
        for k in terms:
            if k not in self.values:
                raise KeyError(k)
        rel = Relation(tuple((k, int(c)) for k, c in terms.items() if c), lo, hi, inside)
        if rel.terms and (lo is not None or hi is not None) and rel.holds(self.values):
            self.relations.append(rel)


@dataclass
class Decision:
    """The outcome of `decide`: a state per printed key, and the threshold."""

    states: dict[Key, str]
    values: dict[Key, int]
    min_count: int

    def state(self, key: Key) -> str:
        return self.states.get(key, SHOWN)

    def hidden(self, *keys: Key) -> bool:
        """Whether any of `keys` is hidden (a share of them must then be hidden too)."""
        return any(self.states.get(k, SHOWN) != SHOWN for k in keys)

    def text(self, key: Key) -> str:
        """A count as a table cell: `12`, `<5`, or `–`."""
        return cell_text(self.values[key], self.state(key), self.min_count)

    def phrase(self, key: Key) -> str | None:
        """A count in running text: `12`, `färre än 5`, or None when protected (the caller then says the
        number is hidden in words of its own)."""
        st = self.state(key)
        if st == SMALL:
            return f"färre än {self.min_count}"
        if st in (PROTECTED, WITHHELD):
            return None
        return fmt.number(self.values[key])

    @property
    def any_hidden(self) -> bool:
        return any(s != SHOWN for s in self.states.values())

    @property
    def any_withheld(self) -> bool:
        return any(s == WITHHELD for s in self.states.values())


def withheld_note(d: Decision, keys: Iterable[Key] | None = None) -> str:
    """` .. = dolt, eftersom även <N skulle avslöja antalet.` when any of `keys` (default: any count) is
    withheld, else ""."""
    found = d.any_withheld if keys is None else any(d.state(k) == WITHHELD for k in keys)
    return f" .. = dolt, eftersom även <{d.min_count} skulle avslöja antalet." if found else ""


def cell_text(n: int, state: str, min_count: int) -> str:
    """A count as printed for a state: the number in Swedish form (`1 204`), `<N` or `–`."""
    if state == SMALL:
        return f"<{min_count}"
    if state == PROTECTED:
        return PROTECTED_TEXT
    if state == WITHHELD:
        return WITHHELD_TEXT
    return fmt.number(int(n))


def computable(ledger: Ledger, hidden: set[Key], min_count: int,
               withheld: frozenset[Key] = frozenset(), cache: AuditCache | None = None) -> list[Key]:
    """The hidden printed keys a reader can work out exactly from the printed counts and the sums, per
    connected system of unknown entries: interval reasoning (cheap, finds the plain leaks), then the
    exact integer audit (xlpy/core/audit.py). `cache` keeps the verdicts of unchanged systems between
    calls."""
    kinds = unknown_kinds(ledger.values, ledger.printed, hidden, min_count, withheld)
    return audit(ledger.values, ledger.lines, kinds, hidden, min_count, cache, ledger.relations)


def decide(ledger: Ledger, min_count: int) -> Decision:
    """Choose every printed count's state (see the module docstring). `min_count` 0 or 1 hides nothing.

    The counts 0 < n < N are hidden first. Then, while the audit finds a hidden count a reader can work
    out, the cheapest actions that give it a second value are taken (xlpy/core/secondary.py: hide the
    fewest printed counts, parts and small counts first, or as the last resort withhold a hidden one).
    """
    values, printed = ledger.values, ledger.printed
    if min_count <= 1:
        return Decision({}, dict(values), min_count)
    hidden = {k for k in printed if 0 < values[k] < min_count}
    withheld: set[Key] = set()
    cache = AuditCache()
    # -- what ties each entry to others for a reader: the sums, then the relations (goal statuses) --
    links = links_of(ledger.lines, ledger.relations)
    through: dict[Key, list[int]] = {}
    for i, (t, ps) in enumerate(links):
        for k in {t, *ps}:
            through.setdefault(k, []).append(i)
    totals = {t for t, _ in ledger.lines}
    # -- per leak, how far its program has looked: first the short sums (a table's rows and columns) within
    #    RADIUS steps, then every sum, twice as far each time the audit still finds it computable --
    attempt: dict[Key, int] = {}
    big = len(values) > MAX_CHECKED_ENTRIES
    for _ in range(2 * len(printed) + 2):
        leaks = computable(ledger, hidden, min_count, frozenset(withheld), cache)
        if not leaks:
            break
        # -- a report-sized ledger takes one leak a round (an action for one often protects the next); a
        #    förbund's hundreds of groups, or a round with many leaks, every leak no earlier action of the
        #    round sits beside --
        used: set[Key] = set()
        for leak in leaks:
            if leak in used:
                continue
            a = attempt.get(leak, 0)
            radius, max_parts = (RADIUS, LOCAL_LINE_PARTS) if a == 0 else (RADIUS << (a - 1), None)
            if radius > 4 * len(printed) + RADIUS:
                # -- the program found nothing even over the whole ledger (it should not happen): withhold
                #    every printed count linked to the leak, as a last resort, rather than fail --
                area = neighbourhood(links, through, leak, len(links) + 1)[0] & printed
                hidden |= area
                withheld |= area
                continue
            choice = protect(values, ledger.lines, through, printed, hidden, withheld, totals, leak,
                             min_count, radius, max_parts, ledger.relations)
            attempt[leak] = a + 1
            if choice is None or not (choice.hide | choice.withhold):
                continue  # -- the sums within reach let the leak move, the whole ledger does not: look further --
            hidden |= choice.hide | choice.withhold
            withheld |= choice.withhold
            if not big and len(leaks) <= MANY_LEAKS:
                break
            for k in (leak, *choice.hide, *choice.withhold):
                used |= neighbourhood(links, through, k, 1, LOCAL_LINE_PARTS)[0]
    else:  # pragma: no cover - every round hides, withholds or widens a search; the loop bound is never met
        for leak in computable(ledger, hidden, min_count, frozenset(withheld), cache):
            area = neighbourhood(links, through, leak, len(links) + 1)[0] & printed
            hidden |= area
            withheld |= area
    states = {k: (WITHHELD if k in withheld else SMALL if 0 < values[k] < min_count else PROTECTED)
              for k in hidden}
    return Decision(states, dict(values), min_count)


def table_ledger(table: Sequence[Sequence[int]], row_totals: bool = True, col_totals: bool = True,
                 grand_total: bool | None = None) -> Ledger:
    """A ledger for a plain table of counts: cells (i, j), row totals ("row", i), column totals
    ("col", j) and the grand total ("all",), printed as the flags say (grand: when both are)."""
    led = Ledger()
    rows = [[int(x) for x in r] for r in table]
    ncol = len(rows[0]) if rows else 0
    for i, r in enumerate(rows):
        for j, x in enumerate(r):
            led.add((i, j), x)
        led.add(("row", i), sum(r), printed=row_totals)
        led.line(("row", i), [(i, j) for j in range(ncol)])
    for j in range(ncol):
        led.add(("col", j), sum(r[j] for r in rows), printed=col_totals)
        led.line(("col", j), [(i, j) for i in range(len(rows))])
    grand = (row_totals and col_totals) if grand_total is None else grand_total
    led.add(("all",), sum(map(sum, rows)), printed=grand)
    led.line(("all",), [("row", i) for i in range(len(rows))])
    led.line(("all",), [("col", j) for j in range(ncol)])
    return led




def suppression_mask(table: Sequence[Sequence[int]], min_count: int, row_totals: bool = True,
                     col_totals: bool = True) -> list[list[bool]]:
    """Which cells of a table of counts to hide when its row and/or column totals are printed (the
    totals' own states: `decide(table_ledger(...))`). `min_count` 0 or 1 hides nothing."""
    d = decide(table_ledger(table, row_totals, col_totals), min_count)
    return [[d.hidden((i, j)) for j in range(len(r))] for i, r in enumerate(table)]


def count_text(n: int, hidden: bool, min_count: int) -> str:
    """A count on its own (no sum ties it to another printed count): `<5` when hidden, else the number
    in Swedish form (`1 204`)."""
    return f"<{min_count}" if hidden else fmt.number(int(n))


def total_hidden(parts: Sequence[int], min_count: int) -> bool:
    """Whether a total itself must be hidden: it is small enough to point at people."""
    return 0 < sum(int(p) for p in parts) < min_count
