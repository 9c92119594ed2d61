"""Recusal (回避): a seat stands aside on one agenda item (no Flask here).

The rules (docs/counting.md, "Recusal"):

* a seat stands aside on an item because it has an interest in it (the property company on the
  closing of its own task, a shop on its own case). The member declares it from their phone for
  a seat whose vote they cast, or the convener records it for any seat of the body; a reason is
  always given, and the minutes print it;
* it is recorded or withdrawn only while the meeting has not closed and no vote on the item is
  open (a seat cannot stand aside in the middle of a vote it may already have cast);
* a recused seat that is present counts towards the quorum but casts no ballot on the item's
  motions and is left out of their ``present`` and ``entitled`` bases: the count receives
  ``recused`` per constituency, the present seats that stand aside.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.meetings.rules import MeetingError
from app.models import AgendaItem, Constituency, Motion, MotionStatus, Recusal, Seat, User

#: Longest reason kept, in characters.
REASON_MAX = 200


def change_refusal(item: AgendaItem, *, vote_open: bool) -> str | None:
    """Why no recusal may be recorded or withdrawn on ``item`` now, or None when it may.

    "closed": the meeting is closed (its record is final); "item_vote_open": a vote on the item is
    open.
    """
    if item.meeting.is_closed:
        return "closed"
    if vote_open:
        return "item_vote_open"
    return None


def item_vote_is_open(session: Session, item: AgendaItem) -> bool:
    """Whether a vote on the item is open now."""
    return bool(
        session.scalar(
            sa.select(sa.func.count()).where(
                Motion.agenda_item_id == item.id, Motion.status == MotionStatus.OPEN
            )
        )
    )


def stand_aside(
    session: Session,
    item: AgendaItem,
    seat: Seat,
    reason: str,
    *,
    recorded_by_id: int,
    by_convener: bool,
) -> Recusal:
    """Record that ``seat`` stands aside on ``item``; refused with ``MeetingError`` codes.

    "closed" / "item_vote_open" (see ``change_refusal``), "no_reason" (a blank reason),
    "already" (the seat already stands aside on this item: the database's UNIQUE
    (agenda_item_id, seat_id) decides, so two taps at once record it once).
    """
    if code := change_refusal(item, vote_open=item_vote_is_open(session, item)):
        raise MeetingError(code)
    reason = reason.strip()
    if not reason:
        raise MeetingError("no_reason")
    recusal = Recusal(
        agenda_item_id=item.id,
        seat_id=seat.id,
        reason=reason[:REASON_MAX],
        recorded_by_id=recorded_by_id,
        by_convener=by_convener,
    )
    try:
        with session.begin_nested():
            session.add(recusal)
    except IntegrityError:
        raise MeetingError("already") from None
    return recusal


def recusal_of(session: Session, item_id: int, seat_id: int) -> Recusal | None:
    """The seat's recusal on the item, if it stands aside."""
    return session.scalar(
        sa.select(Recusal).where(Recusal.agenda_item_id == item_id, Recusal.seat_id == seat_id)
    )


def withdraw(session: Session, recusal: Recusal) -> None:
    """Take a recusal back (the seat votes on the item again); same refusals as recording."""
    item = session.get(AgendaItem, recusal.agenda_item_id)
    if code := change_refusal(item, vote_open=item_vote_is_open(session, item)):
        raise MeetingError(code)
    session.delete(recusal)


def recused_seat_ids(session: Session, item_id: int | None) -> set[int]:
    """The seats that stand aside on the item (none when there is no item)."""
    if item_id is None:
        return set()
    return set(session.scalars(sa.select(Recusal.seat_id).where(Recusal.agenda_item_id == item_id)))


def recused_per_constituency(
    seat_constituency: dict[int, str], recused: Iterable[int], present: Iterable[int]
) -> dict[str, int]:
    """The count's ``recused`` input: present seats that stand aside, per constituency key.

    ``seat_constituency`` maps each seat id of the body to its constituency key. A seat that
    stands aside but is absent is not counted (recused ≤ present in every constituency).
    """
    counts = dict.fromkeys(dict.fromkeys(seat_constituency.values()), 0)
    for seat_id in set(recused) & set(present):
        counts[seat_constituency[seat_id]] += 1
    return counts


@dataclass(frozen=True)
class StoodAside:
    """One recusal as the pages and the minutes show it."""

    id: int
    item_id: int
    seat_id: int
    seat: str
    holder: str
    reason: str
    by_convener: bool


def recusals_of_meeting(session: Session, meeting_id: int) -> dict[int, list[StoodAside]]:
    """Every recusal of the meeting's items, by item id, in the body's seat order."""
    rows = session.execute(
        sa.select(Recusal, Seat.number, Constituency.name, User.name)
        .join(AgendaItem, Recusal.agenda_item_id == AgendaItem.id)
        .join(Seat, Recusal.seat_id == Seat.id)
        .join(Constituency, Seat.constituency_id == Constituency.id)
        .outerjoin(User, Seat.holder_id == User.id)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(AgendaItem.position, Constituency.position, Seat.number)
    ).all()
    by_item: dict[int, list[StoodAside]] = {}
    for recusal, number, constituency, holder in rows:
        by_item.setdefault(recusal.agenda_item_id, []).append(
            StoodAside(
                id=recusal.id,
                item_id=recusal.agenda_item_id,
                seat_id=recusal.seat_id,
                seat=f"{constituency} {number}",
                holder=holder or "",
                reason=recusal.reason,
                by_convener=recusal.by_convener,
            )
        )
    return by_item
