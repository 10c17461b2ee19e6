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

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

Key = Hashable
Line = tuple[Key, tuple[Key, ...]]

# -- the kinds of unknown entries: `<N` (1..N−1), `–` (0 or >= N), free (>= 0: unprinted, or a withheld
#    `–` that says nothing about its value) --
SMALL, GAP, FREE = "small", "gap", "free"


@dataclass
class AuditCache:
    """Verdicts of systems already audited, by the system's unknown entries and their domains."""

    verdicts: dict[tuple[object, ...], tuple[Key, ...]] = field(default_factory=dict)
    solves: int = 0


@dataclass
class _System:
    keys: list[Key]
    lines: list[int]  # -- indices into the ledger's lines --
    pos: dict[Key, int] = field(default_factory=dict)


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


def audit(values: Mapping[Key, int], lines: Sequence[Line], unknown: Mapping[Key, str],
          bounds: Mapping[Key, tuple[float, float]], targets: Iterable[Key], min_count: int,
          cache: AuditCache | None = None) -> list[Key]:
    """The `targets` (hidden entries) that have exactly one feasible whole value.

    values: the true counts (printed entries are known to the reader at these values). lines: the sums
    (total, parts). unknown: every entry the reader does not see as a number, with its kind (SMALL, GAP,
    FREE); every other entry of `values` is printed. bounds: a valid interval per unknown entry (interval
    reasoning, sound for every completion; inf for none). min_count: N.
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
    members: dict[Key, list[Key]] = {}
    for k in unknown:
        if k in through:
            members.setdefault(find(k), []).append(k)
    out: list[Key] = []
    for keys in members.values():
        if not targets.intersection(keys):
            continue
        keys.sort(key=repr)
        sig = tuple((repr(k), unknown[k], bounds[k]) for k in keys)
        if sig not in cache.verdicts:
            system = _System(keys, sorted({i for k in keys for i in through[k]}), {k: j for j, k in enumerate(keys)})
            cache.verdicts[sig] = tuple(_audit_system(values, lines, unknown, bounds, system,
                                                      [k for k in keys if k in targets], min_count, cache))
        out += [k for k in cache.verdicts[sig] if k in targets]
    return sorted(out, key=repr)


def _audit_system(values: Mapping[Key, int], lines: Sequence[Line], unknown: Mapping[Key, str],
                  bounds: Mapping[Key, tuple[float, float]], system: _System, targets: list[Key],
                  min_count: int, cache: AuditCache) -> list[Key]:
    """The computable targets of one connected system (see `audit`)."""
    import highspy
    import numpy as np

    keys = system.keys
    n = len(keys)
    true = [int(values[k]) for k in keys]
    # -- no completion needs an entry above this: a reader's alternative within the system's own size is
    #    enough to keep a count hidden, and a cap only makes the audit stricter (fewer completions) --
    cap = 2 * sum(true) + 2 * min_count + 2
    lo = [max(0.0, bounds[k][0]) for k in keys]
    hi = [min(float(cap), bounds[k][1]) for k in keys]
    gaps = [j for j, k in enumerate(keys) if unknown[k] == GAP]
    h = _highs()
    inf = highspy.kHighsInf
    # -- columns: the entries, then one binary per `–` (1 when it is at least N) --
    ncol = n + len(gaps)
    h.addVars(ncol, np.array(lo + [0.0] * len(gaps)), np.array(hi + [1.0] * len(gaps)))
    h.changeColsIntegrality(ncol, np.arange(ncol, dtype=np.int32), np.ones(ncol, dtype=np.uint8))
    rows_lo, rows_hi, starts, index, value = [], [], [], [], []
    exact_rows: list[tuple[int, list[tuple[int, int]]]] = []
    for i in system.lines:
        t, ps = lines[i]
        const = 0
        coef: dict[int, int] = {}
        for k, sign in ((t, 1), *((p, -1) for p in ps)):
            if k in unknown:
                j = system.pos[k]
                coef[j] = coef.get(j, 0) + sign
            else:
                const += sign * int(values[k])
        terms = [(j, c) for j, c in sorted(coef.items()) if c]
        exact_rows.append((-const, terms))
        if not terms:
            continue
        starts.append(len(index))
        index += [j for j, _ in terms]
        value += [float(c) for _, c in terms]
        rows_lo.append(float(-const))
        rows_hi.append(float(-const))
    for g, j in enumerate(gaps):
        # -- x >= N·b and x <= cap·b: 0 when b = 0, at least N when b = 1 --
        for coefs, rlo, rhi in (((1.0, -float(min_count)), 0.0, inf), ((1.0, -float(cap)), -inf, 0.0)):
            starts.append(len(index))
            index += [j, n + g]
            value += list(coefs)
            rows_lo.append(rlo)
            rows_hi.append(rhi)
    if starts:
        h.addRows(len(starts), np.array(rows_lo), np.array(rows_hi), len(index), np.array(starts, dtype=np.int32),
                  np.array(index, dtype=np.int32), np.array(value))
    kinds = [unknown[k] for k in keys]

    def valid(x: list[int]) -> bool:
        # -- the witness in whole numbers: every domain and every sum, exactly --
        for j, v in enumerate(x):
            if v < 0 or (kinds[j] == SMALL and not 0 < v < min_count) or (kinds[j] == GAP and 0 < v < min_count):
                return False
        return all(sum(c * x[j] for j, c in terms) == rhs for rhs, terms in exact_rows)

    moved = [False] * n
    tpos = [system.pos[k] for k in targets]
    for j in tpos:
        if moved[j]:
            continue
        for side in (1, -1):
            a, b = (true[j] + 1, hi[j]) if side > 0 else (lo[j], true[j] - 1)
            if a > b:
                continue
            h.changeColBounds(j, float(a), float(b))
            cache.solves += 1
            h.run()
            # -- anything but a found completion (infeasible, or the solver unsure) counts as computable;
            #    read before the bounds go back, which clears the solver's status --
            found = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            x = [int(round(v)) for v in list(h.getSolution().col_value)[:n]] if found else []
            h.changeColBounds(j, lo[j], hi[j])
            if found and valid(x) and x[j] != true[j]:
                for q in range(n):
                    moved[q] = moved[q] or x[q] != true[q]
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


