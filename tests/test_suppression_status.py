"""A goal status printed beside a hidden value is part of what a reader knows (report/counts.py registers
each as a relation of the ledger; xlpy/core/audit.py and secondary.py honour them)."""

from __future__ import annotations

import copy

import pytest

from xlpy import jobs
from xlpy.core import suppress
from xlpy.core.compute import compute
from xlpy.core.suppress import WITHHELD, Ledger, computable, decide
from xlpy.report import context, counts


def test_uppfyllt_of_minst_40_procent_pins_a_hidden_numerator_of_4_in_10() -> None:
    led = Ledger()
    led.add("num", 4)
    led.add("den", 10)
    assert computable(led, {"num"}, 5) == []  # -- `<5`: 1..4 --
    led.relate({"num": 5, "den": -2}, 0, None)  # -- 4/10 >= 40 %: "Uppfyllt" --
    assert computable(led, {"num"}, 5) == ["num"]
    d = decide(led, 5)
    assert d.hidden("num")
    withheld = frozenset(k for k, s in d.states.items() if s == WITHHELD)
    assert not computable(led, set(d.states), 5, withheld)


def test_a_relation_the_true_counts_do_not_fit_is_not_registered() -> None:
    led = Ledger()
    led.add("size", 12)
    led.relate({"size": 1}, 5, 10)  # -- "Uppfyllt" of 5–10 for a group of 12: a hand-made status --
    led.relate({"size": 1}, 5, 10, inside=False)
    assert len(led.relations) == 1 and not led.relations[0].inside


def _decided(results: dict, n_min: int) -> tuple[Ledger, suppress.Decision]:
    """The report's ledger and decision for `results` at `n_min` (captured from build_context)."""
    r = copy.deepcopy(results)
    r["parameters"]["min_count"] = n_min
    seen: dict[str, object] = {}
    original = suppress.decide

    def spy(led: Ledger, n: int) -> suppress.Decision:
        d = original(led, n)
        if len(led.values) > 100:
            seen.update(led=led, d=d)
        return d

    counts.decide = spy  # type: ignore[assignment]
    try:
        context.build_context(r)
    finally:
        counts.decide = original  # type: ignore[assignment]
    led, d = seen["led"], seen["d"]
    assert isinstance(led, Ledger) and isinstance(d, suppress.Decision)
    return led, d


def _open_without(results: dict, n_min: int, module: object, name: str, replacement: object) -> list:
    """The leaks of the decision made without `module.name` (replaced), audited against the full ledger;
    and asserts the full ledger's own decision is clean."""
    led, d = _decided(results, n_min)
    withheld = frozenset(k for k, s in d.states.items() if s == WITHHELD)
    assert not computable(led, set(d.states), n_min, withheld)
    real = getattr(module, name)
    setattr(module, name, replacement)
    try:
        _, blind = _decided(results, n_min)
    finally:
        setattr(module, name, real)
    blind_withheld = frozenset(k for k, s in blind.states.items() if s == WITHHELD)
    return computable(led, set(blind.states), n_min, blind_withheld)


def test_the_example_at_8_statuses_would_give_a_hidden_count_away_without_them_in_the_ledger() -> None:
    """At 8 the goal statuses of M6 (handlingsplan, minst 75 %) pinned Perstorp grupp 2's hidden numerator
    when the decision did not know them; with them, the report's one decision audits clean."""
    results = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    led, d = _decided(results, 8)
    assert led.relations
    withheld = frozenset(k for k, s in d.states.items() if s == WITHHELD)
    assert not computable(led, set(d.states), 8, withheld)
    blind = decide(Ledger(values=led.values, printed=led.printed, lines=led.lines), 8)
    blind_withheld = frozenset(k for k, s in blind.states.items() if s == WITHHELD)
    leaks = computable(led, set(blind.states), 8, blind_withheld)
    assert leaks and all(k[0] == "num" for k in leaks), leaks


def test_follow_up_counts_are_bounded_by_the_resultat_counts_in_the_ledger() -> None:
    """A reader knows kvar + förlorat <= Vidare at exit, due <= Startade and due at 6 months <= due at 3
    (report/counts_followup.py ties them with unprinted rests). A decision that did not know them is open:
    at 3 Kvar = 5 followed from Klippan grupp 1's printed Vidare 5; with them, the report's decision audits
    clean."""
    from xlpy.report import counts_followup

    results = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    led, _ = _decided(results, 3)
    assert any(isinstance(k, tuple) and k[0] == "fu_rest" for k in led.values)
    leaks = _open_without(results, 3, counts_followup, "_bounds_by_rests", lambda *a: None)
    assert any(k[0] == "fu" for k in leaks), leaks


@pytest.fixture(scope="module")
def later(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from xlpy.example import build_next_year

    path = tmp_path_factory.mktemp("later") / "exempel_2020.xlsx"
    build_next_year(path)
    return compute(jobs.load(jobs.open_file(path)))


def test_m6_basis_is_at_most_fullfoljde(later: dict) -> None:
    """M6's denominator (completers without Ohälsa) is at most Fullföljde: at 11 the next-year report's
    "19 av 21" over both groups with Perstorp's 11 gave Klippan grupp 3's hidden Fullföljde 10 away."""
    leaks = _open_without(later, 11, counts, "SUBSET_OF_COMPLETERS", counts.COMPLETION_METRICS)
    assert leaks, "the tie should matter at 11"


def test_survey_answers_are_at_most_the_respondents() -> None:
    """Every alternative with Vet ej is at most the respondents: at 5 "Vet ej <5" beside 24 valid answers and
    25 respondents gave Vet ej = 1 away."""
    from xlpy.report import counts_surveys

    results = compute(jobs.load(jobs.open_file(jobs.EXAMPLE_WORKBOOK)))
    leaks = _open_without(results, 5, counts_surveys, "_answered_within_responded", lambda *a: None)
    assert any(k[0] == "sv" for k in leaks), leaks


def test_follow_up_of_earlier_omgangar_is_bounded_in_the_next_years_report(later: dict) -> None:
    """The follow-up of omgångar that ended before the period is bounded by Över tid's counts (the ledger
    registers them first; a one-group omgång by its group): at 3 Kvar = 5 followed before."""
    from xlpy.report import counts_followup

    led, _ = _decided(later, 3)
    assert any(isinstance(k, tuple) and k[:2] == ("fu_rest", 3) and k[-1] == "not_due" for k in led.values)
    leaks = _open_without(later, 3, counts_followup, "_bounds_by_rests", lambda *a: None)
    assert any(k[0] == "fu" for k in leaks), leaks
