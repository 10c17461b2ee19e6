"""The exact leak audit of the suppression decision: which hidden counts a reader can still compute.

A reader of the report knows every printed number, that `<N` is 1..N−1, that a secondary `–` is 0 or at
least N, that every count is a whole number >= 0 and that every sum of the ledger holds. A hidden entry is
safe exactly when more than one whole value of it fits all of that together. `audit` decides it per
connected system of unknown entries with an integer program (HiGHS, through `highspy`): for each hidden
entry it asks for a completion with the entry above its true value, then one below. A "safe" verdict rests
on a completion that is checked here in whole numbers against every sum and every domain (the solver's
floating point never decides it alone); "computable" means the solver found neither completion feasible.
There is no step budget: a system is audited to the end, so the verdict is the same on every machine.

Only systems that change are audited again (`AuditCache`): the decision hides one entry at a time and
most of a förbund's hundreds of groups are untouched by each step.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

Key = Hashable
Line = tuple[Key, tuple[Key, ...]]


@dataclass(frozen=True)
class Relation:
    """What a printed word says about counts: lo <= sum(coef * count) <= hi (`inside`), or the sum outside
    lo..hi (`Ej uppfyllt` of a goal "5–10 deltagare"). A goal status is one: "Uppfyllt" of "minst 80 %"
    says 5·num − 4·den >= 0. Whole coefficients; lo or hi None for no bound on that side."""

    terms: tuple[tuple[Key, int], ...]
    lo: int | None
    hi: int | None
    inside: bool = True

    def holds(self, value: Mapping[Key, int]) -> bool:
        """Whether counts `value` (a mapping over every key of `terms`) fit the relation."""
        total = sum(c * value[k] for k, c in self.terms)
        within = (self.lo is None or total >= self.lo) and (self.hi is None or total <= self.hi)
        return within if self.inside else not within

# -- the kinds of unknown entries: `<N` (1..N−1), `–` (0 or >= N), free (>= 0: unprinted, or a withheld
#    `–` that says nothing about its value) --
SMALL, GAP, FREE = "small", "gap", "free"


@dataclass
class AuditCache:
    """Verdicts of systems already audited, by the system's unknown entries and their domains."""

    verdicts: dict[tuple[object, ...], tuple[Key, ...]] = field(default_factory=dict)
    solves: int = 0


def _highs():  # type: ignore[no-untyped-def]
    """A quiet, deterministic HiGHS instance: one thread, a fixed seed, no log."""
    import highspy

    try:
        # -- the plain solver class: highspy.Highs adds Python callbacks whose start prints HiGHS's banner on
        #    standard output (it would land in `xlpy report --json`), and nothing here uses them --
        from highspy._core import _Highs as solver_class
    except ImportError:  # pragma: no cover - a highspy without the base class
        solver_class = highspy.Highs
    h = solver_class()
    h.setOptionValue("output_flag", False)
    h.setOptionValue("log_to_console", False)
    h.setOptionValue("threads", 1)
    h.setOptionValue("random_seed", 10)
    return h


def intervals(values: Mapping[Key, int], lines: Sequence[Line], line_ids: Iterable[int], unknown: Mapping[Key, str],
              min_count: int) -> tuple[dict[Key, float], dict[Key, float]]:
    """What interval reasoning gives a reader about the `unknown` entries through the sums `line_ids`: an
    interval per entry, tightened over the sums until nothing changes (a work list: only the sums through
    a tightened entry are looked at again). Printed entries are their values. Sound, not complete: the
    cheap filter in front of the integer audit."""
    lo: dict[Key, float] = {}
    hi: dict[Key, float] = {}
    for k, kind in unknown.items():
        lo[k], hi[k] = (1, min_count - 1) if kind == SMALL else (0, math.inf)

    def lo_of(k: Key) -> float:
        return lo[k] if k in lo else values[k]

    def hi_of(k: Key) -> float:
        return hi[k] if k in hi else values[k]

    ids = sorted(set(line_ids))
    through: dict[Key, list[int]] = {}
    for i in ids:
        t, ps = lines[i]
        for k in {t, *ps}:
            if k in unknown:
                through.setdefault(k, []).append(i)
    pending = list(reversed(ids))
    queued = set(pending)
    # -- every tightening moves a bound by at least one towards the true value; the cap keeps a long walk
    #    of unit steps (a loop of sums) short: the integer audit decides what is left --
    budget = 50 * (len(ids) + 1)
    while pending and budget > 0:
        budget -= 1
        i = pending.pop()
        queued.discard(i)
        total, parts = lines[i]
        p_lo = [lo_of(p) for p in parts]
        p_hi = [hi_of(p) for p in parts]
        s_lo = sum(p_lo)
        n_inf = sum(1 for b in p_hi if b == math.inf)
        s_fin = sum(b for b in p_hi if b != math.inf)
        t_lo, t_hi = max(lo_of(total), s_lo), min(hi_of(total), math.inf if n_inf else s_fin)
        new = {total: (t_lo, t_hi)} if total in unknown else {}
        for p, a, b in zip(parts, p_lo, p_hi, strict=True):
            if p not in unknown:
                continue
            o_lo = s_lo - a
            o_hi = math.inf if n_inf - (b == math.inf) > 0 else s_fin - (0 if b == math.inf else b)
            a2, b2 = new.get(p, (a, b))
            new[p] = (max(a2, t_lo - o_hi), min(b2, t_hi - o_lo))
        for k, (a, b) in new.items():
            if unknown[k] == GAP:  # -- `–` is never 1..N−1 --
                if b < min_count:
                    b = min(b, 0)
                if a > 0:
                    a = max(a, min_count)
            if a > lo[k] or b < hi[k]:
                lo[k], hi[k] = max(a, lo[k]), min(b, hi[k])
                for q in through[k]:
                    if q not in queued:
                        queued.add(q)
                        pending.append(q)
    return lo, hi


def audit(values: Mapping[Key, int], lines: Sequence[Line], unknown: Mapping[Key, str], targets: Iterable[Key],
          min_count: int, cache: AuditCache | None = None, relations: Sequence[Relation] = ()) -> list[Key]:
    """The `targets` (hidden entries) that have exactly one feasible whole value.

    values: the true counts (printed entries are known to the reader at these values). lines: the sums
    (total, parts). unknown: every entry the reader does not see as a number, with its kind (SMALL, GAP,
    FREE); every other entry of `values` is printed. min_count: N. relations: what printed words (goal
    statuses) say about the counts, which the reader knows too. Per connected system of unknown entries:
    interval reasoning first (over the sums only: its finds are computable for certain); when it finds
    none, the integer audit of every target of the system, with the relations.
    """
    cache = cache if cache is not None else AuditCache()
    targets = set(targets)
    # -- connected systems of unknown entries: sums through printed entries only are constants --
    parent: dict[Key, Key] = {}

    def find(k: Key) -> Key:
        root = k
        while parent.get(root, root) != root:
            root = parent[root]
        while parent.get(k, k) != root:
            parent[k], k = root, parent[k]
        return root

    through: dict[Key, list[int]] = {}
    for i, (t, ps) in enumerate(lines):
        ks = [k for k in (t, *ps) if k in unknown]
        for k in ks:
            through.setdefault(k, []).append(i)
        for k in ks[1:]:
            a, b = find(k), find(ks[0])
            if a != b:
                parent[a] = b
    related: dict[Key, list[int]] = {}
    for i, rel in enumerate(relations):
        ks = [k for k, _ in rel.terms if k in unknown]
        for k in ks:
            related.setdefault(k, []).append(i)
        for k in ks[1:]:
            a, b = find(k), find(ks[0])
            if a != b:
                parent[a] = b
    members: dict[Key, list[Key]] = {}
    for k in unknown:
        members.setdefault(find(k), []).append(k)
    out: list[Key] = []
    for keys in members.values():
        if not targets.intersection(keys):
            continue
        keys.sort(key=repr)
        sig = tuple((repr(k), unknown[k], k in targets) for k in keys)
        if sig not in cache.verdicts:
            line_ids = sorted({i for k in keys for i in through.get(k, ())})
            kinds = {k: unknown[k] for k in keys}
            lo, hi = intervals(values, lines, line_ids, kinds, min_count)
            found = [k for k in keys if k in targets and lo[k] >= hi[k]]
            if not found:
                rels = [relations[i] for i in sorted({i for k in keys for i in related.get(k, ())})]
                found = _audit_system(values, lines, unknown, {k: (lo[k], hi[k]) for k in keys}, keys, line_ids,
                                      [k for k in keys if k in targets], min_count, cache, rels)
            cache.verdicts[sig] = tuple(found)
        out += cache.verdicts[sig]
    return sorted(out, key=repr)


def line_terms(line: Line, pos: Mapping[Key, int], values: Mapping[Key, int]) -> tuple[int, list[tuple[int, int]]]:
    """A sum (total, parts) as a model row over the columns `pos`: (right-hand side, [(column, coefficient)])
    with total − parts = 0; every other key is a constant at its value."""
    t, ps = line
    const = 0
    coef: dict[int, int] = {}
    for k, sign in ((t, 1), *((p, -1) for p in ps)):
        if k in pos:
            coef[pos[k]] = coef.get(pos[k], 0) + sign
        else:
            const += sign * int(values[k])
    return -const, [(j, c) for j, c in sorted(coef.items()) if c]


def two_sided(rel: Relation) -> bool:
    """Whether the relation needs a binary in a model: a sum outside lo..hi, bounded on both sides."""
    return not rel.inside and rel.lo is not None and rel.hi is not None


def relation_rows(rel: Relation, pos: Mapping[Key, int], values: Mapping[Key, int], binary: int | None,
                  cap: float, inf: float) -> list[tuple[float, float, list[tuple[int, float]]]]:
    """A relation as model rows (lo, hi, [(column, coefficient)]) over the columns `pos` (every other key is
    a constant at its value); `binary` is a column of its own for a two-sided "outside" (0: below lo,
    1: above hi), `cap` the largest value of any column."""
    const = 0
    coef: dict[int, float] = {}
    for k, c in rel.terms:
        if k in pos:
            coef[pos[k]] = coef.get(pos[k], 0.0) + c
        else:
            const += c * int(values[k])
    terms = [(j, c) for j, c in sorted(coef.items()) if c]
    if not terms:
        return []
    if rel.inside:
        return [(-inf if rel.lo is None else float(rel.lo - const), inf if rel.hi is None else float(rel.hi - const),
                 terms)]
    if rel.lo is None:
        return [(float(rel.hi + 1 - const), inf, terms)]  # type: ignore[operator]
    if rel.hi is None:
        return [(-inf, float(rel.lo - 1 - const), terms)]
    assert binary is not None
    # -- below lo when the binary is 0, above hi when it is 1; `big` exceeds any value the sum can take --
    big = sum(abs(c) for _, c in terms) * cap + abs(rel.lo) + abs(rel.hi) + abs(const) + 2
    return [(-inf, float(rel.lo - 1 - const), [*terms, (binary, -big)]),
            (float(rel.hi + 1 - const) - big, inf, [*terms, (binary, -big)])]


def _model(values: Mapping[Key, int], lines: Sequence[Line], unknown: Mapping[Key, str], keys: Sequence[Key],
           line_ids: Sequence[int], lo: Sequence[float], hi: Sequence[float], min_count: int, cap: int,
           relations: Sequence[Relation] = ()) -> tuple[Any, list[tuple[int, list[tuple[int, int]]]]]:
    """A HiGHS model of the sums `line_ids` and the `relations` over the unknown `keys` (columns in that
    order, bounds lo..hi), with a binary per `–` entry and per two-sided relation; returns it and the sums
    as (right-hand side, [(column, coefficient)])."""
    import highspy
    import numpy as np

    n = len(keys)
    pos = {k: j for j, k in enumerate(keys)}
    gaps = [j for j, k in enumerate(keys) if unknown[k] == GAP]
    h = _highs()
    inf = highspy.kHighsInf
    binaries = sum(1 for r in relations if two_sided(r))
    # -- columns: the entries, then one binary per `–` (1 when it is at least N), then per two-sided relation --
    ncol = n + len(gaps) + binaries
    h.addVars(ncol, np.array([*lo, *[0.0] * (len(gaps) + binaries)]), np.array([*hi, *[1.0] * (len(gaps) + binaries)]))
    h.changeColsIntegrality(ncol, np.arange(ncol, dtype=np.int32), np.ones(ncol, dtype=np.uint8))
    rows_lo: list[float] = []
    rows_hi: list[float] = []
    starts: list[int] = []
    index: list[int] = []
    value: list[float] = []
    exact_rows: list[tuple[int, list[tuple[int, int]]]] = []
    for i in line_ids:
        rhs, terms = line_terms(lines[i], pos, values)
        exact_rows.append((rhs, terms))
        if not terms:
            continue
        starts.append(len(index))
        index += [j for j, _ in terms]
        value += [float(c) for _, c in terms]
        rows_lo.append(float(rhs))
        rows_hi.append(float(rhs))
    for g, j in enumerate(gaps):
        # -- x >= N·b and x <= cap·b: 0 when b = 0, at least N when b = 1 --
        for coefs, rlo, rhi in (((1.0, -float(min_count)), 0.0, inf), ((1.0, -float(cap)), -inf, 0.0)):
            starts.append(len(index))
            index += [j, n + g]
            value += list(coefs)
            rows_lo.append(rlo)
            rows_hi.append(rhi)
    next_binary = n + len(gaps)
    for rel in relations:
        b = None
        if two_sided(rel):
            b, next_binary = next_binary, next_binary + 1
        for rlo, rhi, rterms in relation_rows(rel, pos, values, b, float(cap), inf):
            starts.append(len(index))
            index += [j for j, _ in rterms]
            value += [c for _, c in rterms]
            rows_lo.append(rlo)
            rows_hi.append(rhi)
    if starts:
        h.addRows(len(starts), np.array(rows_lo), np.array(rows_hi), len(index), np.array(starts, dtype=np.int32),
                  np.array(index, dtype=np.int32), np.array(value))
    h.setOptionValue("mip_max_improving_sols", 1)
    return h, exact_rows


def _audit_system(values: Mapping[Key, int], lines: Sequence[Line], unknown: Mapping[Key, str],
                  bounds: Mapping[Key, tuple[float, float]], keys: list[Key], line_ids: list[int],
                  targets: list[Key], min_count: int, cache: AuditCache, relations: Sequence[Relation] = ()
                  ) -> list[Key]:
    """The computable targets of one connected system (see `audit`): its unknown `keys` (the model's columns,
    in that order), the indices `line_ids` of the sums through them and the relations on them."""
    import highspy
    import numpy as np

    n = len(keys)
    true = [int(values[k]) for k in keys]
    # -- no completion needs an entry above this: a reader's alternative within the system's own size is
    #    enough to keep a count hidden, and a cap only makes the audit stricter (fewer completions) --
    cap = 2 * sum(true) + 2 * min_count + 2
    lo = [max(0.0, bounds[k][0]) for k in keys]
    hi = [min(float(cap), bounds[k][1]) for k in keys]
    h, exact_rows = _model(values, lines, unknown, keys, line_ids, lo, hi, min_count, cap, relations)
    ncol = h.getNumCol()
    kinds = [unknown[k] for k in keys]

    def valid(x: list[int]) -> bool:
        # -- the witness in whole numbers: every domain and every sum, exactly --
        for j, v in enumerate(x):
            if v < 0 or (kinds[j] == SMALL and not 0 < v < min_count) or (kinds[j] == GAP and 0 < v < min_count):
                return False
        if not all(sum(c * x[j] for j, c in terms) == rhs for rhs, terms in exact_rows):
            return False
        filled = {k: x[j] for j, k in enumerate(keys)}
        return all(rel.holds({k: filled.get(k, values[k]) for k, _ in rel.terms}) for rel in relations)

    moved = [False] * n
    column = {k: j for j, k in enumerate(keys)}
    tpos = [column[k] for k in targets]

    def witness() -> bool:
        # -- any completion the solver reports (optimal or merely feasible), checked in whole numbers; the
        #    targets it moves off their true values are safe --
        h.run()
        if h.getInfo().primal_solution_status != highspy.SolutionStatus.kSolutionStatusFeasible:
            return False
        x = [int(round(v)) for v in list(h.getSolution().col_value)[:n]]
        if not valid(x):
            return False
        for q in range(n):
            moved[q] = moved[q] or x[q] != true[q]
        return True

    # -- first a few completions that pull every open target up or down at once (the first improving
    #    solution is enough): in a big system they clear most targets in a handful of solves --
    cols = np.arange(ncol, dtype=np.int32)
    for rnd in range(6):
        open_ = [j for j in tpos if not moved[j]]
        if not open_:
            break
        cost = np.zeros(ncol)
        for m, j in enumerate(open_):
            cost[j] = 1.0 if (m + rnd) % 2 else -1.0
        h.changeColsCost(ncol, cols, cost)
        before = sum(moved)
        cache.solves += 1
        if not witness() or sum(moved) == before:
            break
    h.changeColsCost(ncol, cols, np.zeros(ncol))
    # -- then each target still open on its own: a completion with it above its true value, else below --
    for j in tpos:
        if moved[j]:
            continue
        for side in (1, -1):
            a, b = (true[j] + 1, hi[j]) if side > 0 else (lo[j], true[j] - 1)
            if a > b:
                continue
            h.changeColBounds(j, float(a), float(b))
            cache.solves += 1
            witness()
            h.changeColBounds(j, lo[j], hi[j])
            if moved[j]:
                break
    return [k for k, j in zip(targets, tpos, strict=True) if not moved[j]]


def unknown_kinds(values: Mapping[Key, int], printed: set[Key], hidden: set[Key], min_count: int,
                  withheld: frozenset[Key] = frozenset()) -> dict[Key, str]:
    """The reader's domain of every entry not printed as a number: `<N`, `–` (0 or >= N), or free."""
    out: dict[Key, str] = {}
    for k, v in values.items():
        if k in printed and k not in hidden:
            continue
        if k in hidden and k not in withheld:
            out[k] = SMALL if 0 < v < min_count else GAP
        else:
            out[k] = FREE
    return out


