"""Seat apportionment by largest remainder, minimum quotas and the roster check."""

import math
from fractions import Fraction as F

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.counting.apportion import (
    ApportionmentError,
    BrokenMinimum,
    Quota,
    apportion,
    broken_minimums,
    largest_remainder,
)


def quotas(merchant_minimum: bool = False) -> list[Quota]:
    """Return docs/counting.md's quotas: merchants 2/5, residents 7/20, officials 1/4."""
    return [
        Quota("merchant", F(2, 5), minimum=merchant_minimum),
        Quota("residents", F(7, 20)),
        Quota("officials", F(1, 4)),
    ]


def test_largest_remainder_example():
    """Quotas 9.2 / 8.05 / 5.75 of 23 seats give 9 / 8 / 6."""
    assert apportion(23, quotas()) == {"merchant": 9, "residents": 8, "officials": 6}


def test_minimum_is_served_first_by_ceiling():
    """Merchants at least 2/5 of 23 get ⌈9.2⌉ = 10; 13 seats at 35 : 25 give 8 / 5."""
    assert apportion(23, quotas(merchant_minimum=True)) == {
        "merchant": 10,
        "residents": 8,
        "officials": 5,
    }


def test_result_keeps_listing_order():
    """The suggestion lists the constituencies in the order they were given."""
    assert list(apportion(23, quotas()[::-1])) == ["officials", "residents", "merchant"]


def test_infeasible_minimums_are_an_error_said_plainly():
    """Minimums whose ceilings add up to more than the seats cannot all be met."""
    minimums = [
        Quota("merchant", F(1, 2), minimum=True),
        Quota("residents", F(7, 20), minimum=True),
        Quota("officials", F(3, 20), minimum=True),
    ]
    with pytest.raises(ApportionmentError) as raised:
        apportion(10, minimums)
    assert str(raised.value) == (
        "the minimum quotas cannot all be met: merchant needs 5, residents needs 4, "
        "officials needs 2, 11 seats in all, but there are only 10"
    )


def test_minimums_that_fit_exactly_take_every_seat():
    """Minimums whose ceilings add up to exactly the seats are feasible."""
    minimums = [Quota("a", F(1, 2), minimum=True), Quota("b", F(1, 2), minimum=True)]
    assert apportion(10, minimums) == {"a": 5, "b": 5}


def test_equal_remainders_are_broken_by_listing_order():
    """Three equal shares of 10 seats leave one seat, which goes to the first listed."""
    thirds = [Quota(cid, F(1, 3)) for cid in ("a", "b", "c")]
    assert apportion(10, thirds) == {"a": 4, "b": 3, "c": 3}
    assert apportion(10, thirds[::-1]) == {"c": 4, "b": 3, "a": 3}


def test_largest_remainder_shares_in_proportion():
    """The seats left after minimums are shared in proportion to the other shares."""
    assert largest_remainder(13, quotas()[1:]) == {"residents": 8, "officials": 5}


def test_eight_of_twenty_keeps_a_two_fifths_minimum():
    """8 merchant seats of 20 are exactly 2/5: no minimum is broken."""
    filled = {"merchant": 8, "residents": 7, "officials": 5}
    assert broken_minimums(quotas(merchant_minimum=True), filled) == []


def test_eight_of_twenty_one_breaks_a_two_fifths_minimum():
    """8 merchant seats of 21 are less than 2/5: the merchant minimum is broken."""
    filled = {"merchant": 8, "residents": 8, "officials": 5}
    assert broken_minimums(quotas(merchant_minimum=True), filled) == [
        BrokenMinimum("merchant", 8, 21, F(2, 5))
    ]


def test_only_minimums_are_checked_on_the_roster():
    """A share that is not a minimum is never reported, however few seats it holds."""
    filled = {"merchant": 8, "residents": 1, "officials": 1}
    assert broken_minimums(quotas(), filled) == []
    assert broken_minimums(quotas(merchant_minimum=True), {"residents": 3}) == [
        BrokenMinimum("merchant", 0, 3, F(2, 5))
    ]


@pytest.mark.parametrize(
    ("seats", "given_quotas", "message"),
    [
        (0, quotas(), "the number of seats must be a whole number ≥ 1, got 0"),
        (23, [], "there are no constituencies to share the seats"),
        (23, quotas()[:2], "the shares add up to 3/4, not 1"),
        (23, [*quotas(), Quota("merchant", F(1, 10))], "constituency 'merchant' is listed twice"),
    ],
)
def test_bad_apportionment_input_is_refused(seats, given_quotas, message):
    """Bad seats or quotas raise ApportionmentError with a plain message."""
    with pytest.raises(ApportionmentError) as raised:
        apportion(seats, given_quotas)
    assert str(raised.value) == message


def test_bad_quota_and_roster_are_refused():
    """A share of 0, a float share and an unknown roster constituency are refused."""
    with pytest.raises(ApportionmentError, match="more than 0"):
        Quota("a", F(0))
    with pytest.raises(ApportionmentError, match="more than 0"):
        Quota("a", 0.4)
    with pytest.raises(ApportionmentError, match="unknown constituency 'x'"):
        broken_minimums(quotas(), {"x": 1})


@st.composite
def quota_lists(draw):
    """Draw 1 to 5 quotas with shares adding up to 1, some of them minimums."""
    parts = draw(st.lists(st.integers(1, 20), min_size=1, max_size=5))
    return [
        Quota(f"c{i}", F(part, sum(parts)), minimum=draw(st.booleans()))
        for i, part in enumerate(parts)
    ]


@given(quota_lists(), st.integers(1, 60))
def test_every_seat_is_given_and_minimums_hold(given_quotas, seats):
    """Every seat is given out, minimums get their ceiling and then no minimum is broken."""
    try:
        suggested = apportion(seats, given_quotas)
    except ApportionmentError:
        assert sum(math.ceil(q.share * seats) for q in given_quotas if q.minimum) > seats
        return
    assert sum(suggested.values()) == seats
    for q in given_quotas:
        if q.minimum:
            assert suggested[q.id] == math.ceil(q.share * seats)
    assert broken_minimums(given_quotas, suggested) == []


@given(quota_lists(), st.integers(1, 60))
def test_hamilton_stays_within_one_of_the_exact_quota(given_quotas, seats):
    """Without minimums every constituency gets the floor or the ceiling of its exact quota."""
    plain = [Quota(q.id, q.share) for q in given_quotas]
    for q, n in zip(plain, apportion(seats, plain).values(), strict=True):
        assert math.floor(q.share * seats) <= n <= math.ceil(q.share * seats)
