"""Members hand their own proxy (委托) from the phone; the convener approves (no Flask here).

The rules:

* a member hands the vote of a seat they would vote themselves (their own seat, or one they
  took as a substitute) to a member who is present at the meeting — any member of the body, or
  only one of the seat's own constituency, as the body's floor rules say (``proxy_scope``);
* a seat has at most one proxy and one pending request; a holder carries at most the body's
  ``proxy_limit`` proxies (1 by default), checked when asked and again when approved;
* the convener approves (the proxy is recorded and the seat's vote passes to the holder, who
  sees it on their 会场 and ballot pages) or declines; while the proxy stands the principal
  cannot vote that seat (``app.meetings.presence.seats_of_person`` leaves it out);
* the principal takes it back (收回) — a pending request at any time, an approved proxy only
  while no vote of the meeting is open.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.meetings import presence
from app.meetings.rules import MeetingError
from app.meetings.speakers import FloorRules
from app.models import (
    Constituency,
    Meeting,
    Motion,
    MotionStatus,
    Proxy,
    ProxyRequest,
    ProxyRequestStatus,
    Seat,
    User,
)


def hand_refusal(
    *,
    principal_id: int,
    holder_id: int,
    holder_present: bool,
    holder_constituencies: Collection[int],
    seat_constituency: int,
    seat_taken: bool,
    holder_holds: int,
    rules: FloorRules,
) -> str | None:
    """Why a proxy may not be handed (or approved) as asked, or None when it may.

    In order: "self" (to oneself); "seat_taken" (the seat already has a proxy or a pending
    request); "not_member" (the holder holds no seat of the body); "not_present" (the holder
    has not checked in); "other_constituency" (the body keeps proxies within a constituency);
    "holder_full" (the holder already carries ``proxy_limit`` proxies).
    """
    if holder_id == principal_id:
        return "self"
    if seat_taken:
        return "seat_taken"
    if not holder_constituencies:
        return "not_member"
    if not holder_present:
        return "not_present"
    if rules.proxy_scope == "constituency" and seat_constituency not in holder_constituencies:
        return "other_constituency"
    if holder_holds >= rules.proxy_limit:
        return "holder_full"
    return None


def withdraw_refusal(status: str, *, vote_open: bool) -> str | None:
    """Why the principal may not take the proxy back now: "done" or "vote_open"; else None."""
    if status not in (ProxyRequestStatus.PENDING, ProxyRequestStatus.APPROVED):
        return "done"
    if status == ProxyRequestStatus.APPROVED and vote_open:
        return "vote_open"
    return None


def _check(
    session: Session,
    meeting: Meeting,
    seat: Seat,
    principal_id: int,
    holder_id: int,
    *,
    pending_ok: int | None = None,
) -> None:
    """Raise MeetingError unless ``hand_refusal`` allows handing ``seat`` to ``holder_id``."""
    rules = FloorRules.from_json(meeting.body.floor_rules)
    has_proxy = session.scalar(
        sa.select(Proxy.id).where(Proxy.meeting_id == meeting.id, Proxy.seat_id == seat.id)
    )
    pending = session.scalar(
        sa.select(ProxyRequest.id).where(
            ProxyRequest.meeting_id == meeting.id,
            ProxyRequest.seat_id == seat.id,
            ProxyRequest.status == ProxyRequestStatus.PENDING,
        )
    )
    holder_constituencies = set(
        session.scalars(
            sa.select(Seat.constituency_id)
            .join(Constituency)
            .where(Constituency.body_id == meeting.body_id, Seat.holder_id == holder_id)
        )
    )
    holds = session.scalar(
        sa.select(sa.func.count()).where(
            Proxy.meeting_id == meeting.id, Proxy.holder_id == holder_id
        )
    )
    code = hand_refusal(
        principal_id=principal_id,
        holder_id=holder_id,
        holder_present=holder_id in presence.present_people(session, meeting.id),
        holder_constituencies=holder_constituencies,
        seat_constituency=seat.constituency_id,
        seat_taken=bool(has_proxy) or (pending is not None and pending != pending_ok),
        holder_holds=holds,
        rules=rules,
    )
    if code:
        raise MeetingError(code)


def hand(
    session: Session, meeting: Meeting, seat: Seat, principal_id: int, holder_id: int
) -> ProxyRequest:
    """The member asks to hand ``seat``'s vote to ``holder_id``: a pending request.

    The caller checks that the seat is one the member votes themselves. Two taps at once make
    one request (the unique index on the pending request decides).
    """
    if meeting.is_closed:
        raise MeetingError("closed")
    _check(session, meeting, seat, principal_id, holder_id)
    request = ProxyRequest(
        meeting_id=meeting.id,
        seat_id=seat.id,
        holder_id=holder_id,
        requested_by_id=principal_id,
        status=ProxyRequestStatus.PENDING,
    )
    try:
        with session.begin_nested():
            session.add(request)
    except IntegrityError:
        raise MeetingError("seat_taken") from None
    return request


def approve(session: Session, request: ProxyRequest, convener_id: int, now: datetime) -> Proxy:
    """The convener approves: the checks run again and the proxy is recorded."""
    meeting = session.get(Meeting, request.meeting_id)
    if request.status != ProxyRequestStatus.PENDING:
        raise MeetingError("done")
    seat = session.get(Seat, request.seat_id)
    _check(
        session, meeting, seat, request.requested_by_id, request.holder_id, pending_ok=request.id
    )
    proxy = Proxy(
        meeting_id=meeting.id, seat_id=seat.id, holder_id=request.holder_id, set_by_id=convener_id
    )
    request.status = ProxyRequestStatus.APPROVED
    request.decided_by_id, request.decided_at = convener_id, now
    try:
        with session.begin_nested():
            session.add(proxy)
    except IntegrityError:
        raise MeetingError("seat_taken") from None
    return proxy


def decline(request: ProxyRequest, convener_id: int, now: datetime) -> None:
    """The convener declines a pending request."""
    if request.status != ProxyRequestStatus.PENDING:
        raise MeetingError("done")
    request.status = ProxyRequestStatus.DECLINED
    request.decided_by_id, request.decided_at = convener_id, now


def vote_is_open(session: Session, meeting_id: int) -> bool:
    """Whether any vote of the meeting is open."""
    return bool(
        session.scalar(
            sa.select(sa.func.count()).where(
                Motion.meeting_id == meeting_id, Motion.status == MotionStatus.OPEN
            )
        )
    )


def take_back(session: Session, request: ProxyRequest, now: datetime) -> None:
    """The principal takes the proxy back (see ``withdraw_refusal``); the proxy row goes too."""
    code = withdraw_refusal(request.status, vote_open=vote_is_open(session, request.meeting_id))
    if code:
        raise MeetingError(code)
    if request.status == ProxyRequestStatus.APPROVED:
        session.execute(
            sa.delete(Proxy).where(
                Proxy.meeting_id == request.meeting_id,
                Proxy.seat_id == request.seat_id,
                Proxy.holder_id == request.holder_id,
            )
        )
    request.status = ProxyRequestStatus.WITHDRAWN
    request.decided_at = now


def requests_of_meeting(session: Session, meeting_id: int, *, status: str | None = None):
    """The meeting's proxy requests, oldest first (only those of ``status`` when given)."""
    query = sa.select(ProxyRequest).where(ProxyRequest.meeting_id == meeting_id)
    if status:
        query = query.where(ProxyRequest.status == status)
    return list(session.scalars(query.order_by(ProxyRequest.id)))


def requests_of_principal(session: Session, meeting_id: int, user_id: int):
    """The person's own live requests (pending or approved) at the meeting."""
    return list(
        session.scalars(
            sa.select(ProxyRequest)
            .where(
                ProxyRequest.meeting_id == meeting_id,
                ProxyRequest.requested_by_id == user_id,
                ProxyRequest.status.in_([ProxyRequestStatus.PENDING, ProxyRequestStatus.APPROVED]),
            )
            .order_by(ProxyRequest.id)
        )
    )


def seats_held(session: Session, meeting_id: int, user_id: int) -> list[Seat]:
    """The seats whose vote the person holds by proxy at the meeting."""
    return list(
        session.scalars(
            sa.select(Seat)
            .join(Proxy, Proxy.seat_id == Seat.id)
            .where(Proxy.meeting_id == meeting_id, Proxy.holder_id == user_id)
            .order_by(Seat.id)
        )
    )


def holder_candidates(
    session: Session, meeting: Meeting, user_id: int
) -> tuple[list[User], set[int]]:
    """The body's other members, those present first, and who of them is present.

    Everyone is offered (saying who has checked in), so a choice of someone absent is refused
    in words rather than missing from the list.
    """
    present = presence.present_people(session, meeting.id)
    people = session.scalars(
        sa.select(User)
        .join(Seat, Seat.holder_id == User.id)
        .join(Constituency)
        .where(Constituency.body_id == meeting.body_id, User.id != user_id)
        .distinct()
    ).all()
    return sorted(people, key=lambda u: (u.id not in present, u.name)), present
