"""Pledged vs delivered, from the data: per project, per batch and per category.

Plain functions with no Flask import. Money is summed in yuan as exact decimals; every other
kind is summed per (kind, unit), since 300 ㎡ and 40 小时 do not add up. A project counts as
delivered (落地) when every one of its pledges has fully arrived (and it has at least one).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from app.models import Project
from app.models.statuses import ProjectStatus, ResourceKind

ZERO = Decimal("0.00")


@dataclass
class Totals:
    """Totals of a group of projects (a batch, a category, the whole body)."""

    projects: int = 0
    approved: int = 0
    delivered_projects: int = 0
    money_pledged: Decimal = ZERO
    money_delivered: Decimal = ZERO
    #: (kind, unit) → [pledged, delivered] for every kind other than money.
    other: dict = field(default_factory=dict)

    def add(self, project: Project) -> None:
        """Count one project and its pledges."""
        self.projects += 1
        if project.status == ProjectStatus.APPROVED:
            self.approved += 1
        if is_delivered(project):
            self.delivered_projects += 1
        for item in project.pledges:
            if item.kind == ResourceKind.FUNDS:
                self.money_pledged += item.amount
                self.money_delivered += item.delivered
            else:
                pair = self.other.setdefault((item.kind, item.unit), [ZERO, ZERO])
                pair[0] += item.amount
                pair[1] += item.delivered


def is_delivered(project: Project) -> bool:
    """Delivered (落地): approved, with pledges, each of them fully arrived."""
    return (
        project.status == ProjectStatus.APPROVED
        and bool(project.pledges)
        and all(p.delivered == p.amount for p in project.pledges)
    )


def of_projects(projects) -> Totals:
    """The totals of these projects."""
    totals = Totals()
    for project in projects:
        totals.add(project)
    return totals


def by_batch(projects) -> dict[int | None, Totals]:
    """Totals per batch number (None: not yet in a batch), in batch order."""
    groups: dict[int | None, Totals] = defaultdict(Totals)
    for project in projects:
        groups[project.batch.number if project.batch else None].add(project)
    return dict(sorted(groups.items(), key=lambda kv: (kv[0] is None, kv[0] or 0)))


def by_category(projects) -> dict[str, Totals]:
    """Totals per category of the project's need (the topic categories of the body)."""
    groups: dict[str, Totals] = defaultdict(Totals)
    for project in projects:
        groups[project.need.category or ""].add(project)
    return dict(sorted(groups.items()))


def wan(amount: Decimal) -> Decimal:
    """Yuan in 万元 (ten thousands), exactly, to two places: 1,900,000 → 190.00."""
    return (amount / Decimal(10000)).quantize(Decimal("0.01"))


def yuan(amount: Decimal) -> str:
    """Money as people read it: 1,900,000.00."""
    return f"{Decimal(amount):,.2f}"


def quantity(amount: Decimal) -> str:
    """A quantity without needless decimals or exponent: 20, 2.5, 1,200."""
    value = Decimal(amount)
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"
