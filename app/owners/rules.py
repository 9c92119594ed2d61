"""Rules of owners' decisions as plain Python: the art. 278 items, windows, extension, ballots.

No Flask and no database here; the views call these and commit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction

from app.models.statuses import Choice, DecisionStatus, Matter

#: Civil Code art. 278, first paragraph: the matters owners decide together. Items 6–8 are the
#: major ones that need 3/4 of the participating area and owners.
ARTICLE_278_ITEMS = {
    1: "制定和修改业主大会议事规则",
    2: "制定和修改管理规约",
    3: "选举业主委员会或者更换业主委员会成员",
    4: "选聘和解聘物业服务企业或者其他管理人",
    5: "使用建筑物及其附属设施的维修资金",
    6: "筹集建筑物及其附属设施的维修资金",
    7: "改建、重建建筑物及其附属设施",
    8: "改变共有部分的用途或者利用共有部分从事经营活动",
    9: "有关共有和共同管理权利的其他重大事项",
}
MAJOR_ITEMS = frozenset({6, 7, 8})
LEGAL_BASIS = "《中华人民共和国民法典》第二百七十八条"


def matter_of(item: int) -> Matter:
    """The matter class follows from the art. 278 item: items 6–8 are major, the rest ordinary."""
    if item not in ARTICLE_278_ITEMS:
        raise ValueError(f"art. 278 has no item {item}")
    return Matter.MAJOR if item in MAJOR_ITEMS else Matter.ORDINARY


class Phase(StrEnum):
    """Where a decision stands by the clock: in its notice period, voting, due to close, closed."""

    NOTICE = "notice"
    VOTING = "voting"
    DUE = "due"
    CLOSED = "closed"


def phase(status: str, opens_at: datetime, closes_at: datetime, now: datetime) -> Phase:
    """Where a decision stands: notice before ``opens_at``, voting until ``closes_at``.

    ``closes_at`` itself is excluded; after it the decision is due until someone closes it.
    """
    if status == DecisionStatus.CLOSED:
        return Phase.CLOSED
    if now < opens_at:
        return Phase.NOTICE
    if now < closes_at:
        return Phase.VOTING
    return Phase.DUE


def window_problems(
    announced_at: datetime, opens_at: datetime, closes_at: datetime, notice_days: int
) -> dict[str, str]:
    """Check a voting window's problems, keyed by field.

    It opens at least ``notice_days`` after the announcement (公示期) and closes after it opens.
    """
    problems = {}
    if opens_at < announced_at + timedelta(days=notice_days):
        problems["opens_at"] = "notice"
    if closes_at <= opens_at:
        problems["closes_at"] = "order"
    return problems


@dataclass(frozen=True)
class ExtensionCheck:
    """Whether a window may be extended, and if not, why (a key the labels module words)."""

    allowed: bool
    reason: str = ""


def may_extend(
    status: str,
    already_extended: bool,
    participation_met: bool,
    old_close: datetime,
    new_close: datetime,
    max_days: int,
) -> ExtensionCheck:
    """Whether the committee may extend a window.

    Once only, only while participation is below the rule, to a later end no more than the
    body's ``max_days`` after the original end.
    """
    if status == DecisionStatus.CLOSED:
        return ExtensionCheck(False, "closed")
    if already_extended:
        return ExtensionCheck(False, "twice")
    if participation_met:
        return ExtensionCheck(False, "enough")
    if new_close <= old_close:
        return ExtensionCheck(False, "earlier")
    if new_close > old_close + timedelta(days=max_days):
        return ExtensionCheck(False, "too_long")
    return ExtensionCheck(True)


def may_vote(phase_now: Phase, in_scope: bool, has_ballot: bool) -> str:
    """Why an owner may not vote now ("" when they may).

    Outside the window, not in scope, or already voted (co-owners share one ballot: the first
    one counts).
    """
    if phase_now == Phase.NOTICE:
        return "not_open"
    if phase_now != Phase.VOTING:
        return "closed"
    if not in_scope:
        return "out_of_scope"
    if has_ballot:
        return "already"
    return ""


def parse_choice(value: str | None) -> Choice | None:
    """A submitted choice, or None when it is not 同意 / 反对 / 弃权."""
    try:
        return Choice(value or "")
    except ValueError:
        return None


def paper_outcome(entered_by: int, confirmer: int, owner_has_ballot: bool) -> str:
    """What confirming a paper ballot (复核) does.

    Refused when the confirmer entered it ("same_person"); a conflict when the owner already
    voted (the first ballot counts); else "counted".
    """
    if entered_by == confirmer:
        return "same_person"
    return "conflict" if owner_has_ballot else "counted"


#: The law's participation bound, used to tell whether an extension is needed.
TWO_THIRDS = Fraction(2, 3)


def area_text(value: str | Fraction) -> str:
    """An area ("1083/2" or a Fraction) as m² with two decimals ("541.50"); areas are cents."""
    exact = Fraction(value)
    return f"{Decimal(exact.numerator) / Decimal(exact.denominator):.2f}"


def notice_rows(result: dict) -> list[dict]:
    """The rows of the 公示 table from a frozen result: counts, exact shares, for each line.

    Participating figures are shares of the totals; yes/no/abstain are shares of the
    participating ones (None when nobody took part).
    """
    owners, area = result["owners"], result["area"]
    rows = [
        {
            "key": "total",
            "owners": owners["total"],
            "area": area["total"],
            "owners_share": None,
            "area_share": None,
        }
    ]
    rows.append(
        {
            "key": "participating",
            "owners": owners["participating"],
            "area": area["participating"],
            "owners_share": result["ratios"]["participation_owners"],
            "area_share": result["ratios"]["participation_area"],
        }
    )
    for choice in Choice:
        taking_part = owners["participating"]
        rows.append(
            {
                "key": str(choice),
                "owners": owners[choice],
                "area": area[choice],
                "owners_share": str(Fraction(owners[choice], taking_part)) if taking_part else None,
                "area_share": (
                    str(Fraction(area[choice]) / Fraction(area["participating"]))
                    if taking_part
                    else None
                ),
            }
        )
    return rows


def may_record_resolution(passed: bool | None, existing_resolution_id: int | None) -> bool:
    """A decision becomes a resolution (for follow-up tasks) once, and only when it passed."""
    return bool(passed) and existing_resolution_id is None
