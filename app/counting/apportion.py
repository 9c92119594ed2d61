"""Whole seat numbers from quotas (按比例分配席位), as docs/counting.md "Seat apportionment" states.

Largest remainder (Hamilton): each constituency first gets the whole part of its exact quota
seats × share, then the seats still free go one each to the largest remainders; equal remainders
are served in the order the constituencies were listed. A quota marked as a minimum ("merchants
at least 40%") is served first, with the ceiling of its exact quota, and the seats left are shared
among the other constituencies by the same method. Pure Python, exact fractions throughout.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction


class ApportionmentError(ValueError):
    """The quotas cannot be turned into seats; the message says why in one line."""


@dataclass(frozen=True)
class Quota:
    """A constituency's quota of the seats: its share, and whether that share is a minimum."""

    id: str
    share: Fraction
    minimum: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise ApportionmentError(f"a constituency id must be a non-empty string: {self.id!r}")
        if not isinstance(self.share, Fraction) or self.share <= 0:
            raise ApportionmentError(f"share of {self.id!r} must be more than 0, got {self.share}")
        if not isinstance(self.minimum, bool):
            raise ApportionmentError(f"minimum of {self.id!r} must be true or false")


@dataclass(frozen=True)
class BrokenMinimum:
    """A minimum quota the filled seats break: ``filled`` of ``total`` is less than ``minimum``."""

    id: str
    filled: int
    total: int
    minimum: Fraction


def apportion(seats: int, quotas: Sequence[Quota]) -> dict[str, int]:
    """Return the suggested seats per constituency id, in listing order.

    Minimums are served first with ⌈share × seats⌉; if their ceilings add up to more than the
    seats, ApportionmentError says so. The other constituencies share the seats left by largest
    remainder, in proportion to their shares. Example: 23 seats at 2/5 (minimum), 7/20, 1/4 give
    10, then 13 seats at 7/20 : 1/4 (quotas 91/12 and 65/12) give 8 and 5.
    """
    _check(seats, quotas)
    given = {q.id: math.ceil(q.share * seats) for q in quotas if q.minimum}
    needed = sum(given.values())
    if needed > seats:
        wanted = ", ".join(f"{cid} needs {n}" for cid, n in given.items())
        raise ApportionmentError(
            f"the minimum quotas cannot all be met: {wanted}, {needed} seats in all, "
            f"but there are only {seats}"
        )
    # The shares add up to 1, so with no constituency left the minimums took every seat.
    given |= largest_remainder(seats - needed, [q for q in quotas if not q.minimum])
    return {q.id: given[q.id] for q in quotas}


def largest_remainder(seats: int, quotas: Sequence[Quota]) -> dict[str, int]:
    """Share ``seats`` in proportion to the shares by largest remainder (Hamilton).

    Each gets the whole part of seats × share / (sum of shares); the seats still free go one
    each to the largest remainders, equal remainders in listing order. Quotas 46/5, 161/20, 23/4
    (9.2, 8.05, 5.75) give 9, 8, 6.
    """
    if not quotas:
        return {}
    total = sum(q.share for q in quotas)
    exact = {q.id: seats * q.share / total for q in quotas}
    given = {cid: math.floor(quota) for cid, quota in exact.items()}
    free = seats - sum(given.values())
    # sorted() is stable, so equal remainders keep the listing order.
    by_remainder = sorted(exact, key=lambda cid: exact[cid] - given[cid], reverse=True)
    for cid in by_remainder[:free]:
        given[cid] += 1
    return given


def broken_minimums(quotas: Sequence[Quota], filled: Mapping[str, int]) -> list[BrokenMinimum]:
    """List every minimum quota that the seats actually filled break, in listing order.

    A minimum is broken when the constituency's filled seats are less than its share of all
    filled seats: 8 of 20 is exactly 2/5 and keeps a 2/5 minimum, 8 of 21 breaks it. A
    constituency missing from ``filled`` has no seat filled.
    """
    known = {q.id for q in quotas}
    for cid, n in filled.items():
        if cid not in known:
            raise ApportionmentError(f"filled seats name an unknown constituency {cid!r}")
        if type(n) is not int or n < 0:
            raise ApportionmentError(f"filled seats of {cid!r} must be a whole number ≥ 0: {n!r}")
    total = sum(filled.values())
    return [
        BrokenMinimum(q.id, filled.get(q.id, 0), total, q.share)
        for q in quotas
        if q.minimum and filled.get(q.id, 0) < q.share * total
    ]


def _check(seats: int, quotas: Sequence[Quota]) -> None:
    if type(seats) is not int or seats < 1:
        raise ApportionmentError(f"the number of seats must be a whole number ≥ 1, got {seats!r}")
    if not quotas:
        raise ApportionmentError("there are no constituencies to share the seats")
    ids = [q.id for q in quotas]
    for cid in ids:
        if ids.count(cid) > 1:
            raise ApportionmentError(f"constituency {cid!r} is listed twice")
    total = sum(q.share for q in quotas)
    if total != 1:
        raise ApportionmentError(f"the shares add up to {total}, not 1")
