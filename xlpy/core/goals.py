"""Goal evaluation: a goal row of the Mål sheet against a metric value, giving one of four statuses."""

from __future__ import annotations

from typing import Any

from xlpy.spec import STATUS_MET, STATUS_NO_BASIS, STATUS_NOT_MET, STATUS_ONGOING

# -- shares like 16/21 must compare exactly against 0.75 etc.; guard against float noise only --
EPS = 1e-9

# Goals about each group as a whole (size, survey): above group level they are met only when every
# group meets them, because a pooled count of 21 says nothing about "groups of 5–10".
PER_GROUP_METRICS = ("gruppstorlek", "enkat")


def is_met(value: float, comparison: str, target: float, target_max: float | None) -> bool:
    """Whether `value` meets the goal. comparison is ">=", "<=" or "mellan" (inclusive bounds)."""
    if comparison == ">=":
        return value >= target - EPS
    if comparison == "<=":
        return value <= target + EPS
    if comparison == "mellan":
        return target - EPS <= value <= (target_max if target_max is not None else target) + EPS
    raise ValueError(f"unknown comparison {comparison!r}")


def status(value: float | None, goal: dict[str, Any], ongoing: bool) -> str:
    """Uppfyllt if met (even while ongoing); else Pågår for an ongoing unit; else Underlag saknas when
    the value has no basis; else Ej uppfyllt."""
    if value is not None and is_met(value, goal["comparison"], goal["target"], goal["target_max"]):
        return STATUS_MET
    if ongoing:
        return STATUS_ONGOING
    if value is None:
        return STATUS_NO_BASIS
    return STATUS_NOT_MET


def combine(statuses: list[str]) -> str:
    """A unit's status for a per-group goal from its groups' statuses: any failure fails it, then any
    ongoing group keeps it open, then all met is met; no basis anywhere means no basis."""
    if not statuses:
        return STATUS_NO_BASIS
    if STATUS_NOT_MET in statuses:
        return STATUS_NOT_MET
    if STATUS_ONGOING in statuses:
        return STATUS_ONGOING
    if all(s == STATUS_MET for s in statuses):
        return STATUS_MET
    return STATUS_NO_BASIS


def groups_met(statuses: list[str]) -> int:
    """How many of a unit's groups meet a per-group goal (the k of "k av n grupper")."""
    return sum(1 for s in statuses if s == STATUS_MET)
