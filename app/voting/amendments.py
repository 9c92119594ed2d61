"""Motions moved from the floor, seconds and amendments (动议、附议、修正案); no Flask here.

The rules (simplified Robert's Rules, 南塘十三条: 先动议后讨论):

* a member who is present moves a motion (its text) on a decision item of a sitting meeting;
  another present member seconds it (the mover cannot second their own); the convener then
  admits it to the floor — it becomes a draft motion put to the vote under the body's default
  rule — or rules it out of order with a reason; the mover may withdraw it until then;
* an amendment proposes a new text for a main motion that has not been opened; it is moved,
  seconded and admitted the same way, and is voted before the main motion: the main motion
  cannot be opened while an amendment to it waits or is being voted;
* when the amendment's vote passes, the main motion's text becomes the amended text (the old
  text is kept, so the change shows as a difference); when it fails, nothing changes;
* mover and seconder are recorded, and the minutes name them.
"""

from __future__ import annotations

import difflib
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import (
    AgendaItem,
    Attendance,
    FloorMotion,
    FloorMotionStatus,
    ItemKind,
    Motion,
    MotionKind,
    MotionStatus,
)
from app.voting import rules

#: Longest motion or amendment text, in characters.
TEXT_MAX = 2000
#: An amendment's vote is put as this text followed by the amended text.
AMENDMENT_PREFIX = "修正案："
#: Floor motions that still wait for the chair (they hold the main motion back if amendments).
WAITING = (FloorMotionStatus.MOVED, FloorMotionStatus.SECONDED)


class FloorError(ValueError):
    """A step the rules refuse; ``code`` names the reason (the view says it in words)."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def move_refusal(
    *,
    in_session: bool,
    decision_item: bool,
    present: bool,
    text: str,
    amends_status: str | None = None,
    amends_text: str | None = None,
) -> str | None:
    """Why a motion (or, with ``amends_*``, an amendment) may not be moved, or None.

    In order: "not_in_session", "not_decision" (only a decision item carries motions),
    "not_present" (only people in the room move), "no_text", "too_long"; for an amendment
    "main_not_draft" (the main motion was already opened) and "same_text" (nothing changes).
    """
    if not in_session:
        return "not_in_session"
    if not decision_item:
        return "not_decision"
    if not present:
        return "not_present"
    if not text.strip():
        return "no_text"
    if len(text) > TEXT_MAX:
        return "too_long"
    if amends_status is not None:
        if amends_status != MotionStatus.DRAFT:
            return "main_not_draft"
        if text.strip() == (amends_text or "").strip():
            return "same_text"
    return None


def second_refusal(*, status: str, mover_id: int, seconder_id: int, present: bool) -> str | None:
    """Why this person may not second: "not_waiting", "own_motion", "not_present"; else None."""
    if status != FloorMotionStatus.MOVED:
        return "not_waiting"
    if mover_id == seconder_id:
        return "own_motion"
    if not present:
        return "not_present"
    return None


def diff(old: str, new: str) -> list[tuple[str, str]]:
    """The change from ``old`` to ``new`` as (op, text) runs: op is equal, delete or insert.

    Compared character by character, since Chinese text has no spaces between words.
    """
    runs: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("equal", old[a1:a2]))
        else:
            if a2 > a1:
                runs.append(("delete", old[a1:a2]))
            if b2 > b1:
                runs.append(("insert", new[b1:b2]))
    return runs


# --- on the database -----------------------------------------------------------------------------


def _present(session: Session, item: AgendaItem, user_id: int) -> bool:
    return (
        session.scalar(
            sa.select(Attendance.id)
            .where(Attendance.meeting_id == item.meeting_id, Attendance.user_id == user_id)
            .limit(1)
        )
        is not None
    )


def move(
    session: Session, item: AgendaItem, user_id: int, text: str, amends: Motion | None = None
) -> FloorMotion:
    """A member moves a motion, or an amendment to ``amends``; raises FloorError."""
    if amends is not None and amends.agenda_item_id != item.id:
        raise FloorError("not_this_item")
    code = move_refusal(
        in_session=item.meeting.in_session,
        decision_item=item.kind == ItemKind.DECISION,
        present=_present(session, item, user_id),
        text=text,
        amends_status=amends.status if amends is not None else None,
        amends_text=amends.text if amends is not None else None,
    )
    if code:
        raise FloorError(code)
    floor_motion = FloorMotion(
        agenda_item_id=item.id,
        amends_id=amends.id if amends is not None else None,
        text=text.strip(),
        moved_by_id=user_id,
        status=FloorMotionStatus.MOVED,
    )
    session.add(floor_motion)
    return floor_motion


def second(session: Session, floor_motion: FloorMotion, user_id: int) -> None:
    """Another present member seconds (附议); of two at once, one wins (a guarded UPDATE)."""
    item = session.get(AgendaItem, floor_motion.agenda_item_id)
    code = second_refusal(
        status=floor_motion.status,
        mover_id=floor_motion.moved_by_id,
        seconder_id=user_id,
        present=_present(session, item, user_id),
    )
    if code:
        raise FloorError(code)
    done = session.execute(
        sa.update(FloorMotion)
        .where(FloorMotion.id == floor_motion.id, FloorMotion.status == FloorMotionStatus.MOVED)
        .values(status=FloorMotionStatus.SECONDED, seconded_by_id=user_id)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise FloorError("not_waiting")
    session.refresh(floor_motion)


def admit(session: Session, floor_motion: FloorMotion, convener_id: int, now: datetime) -> Motion:
    """The convener admits a seconded motion: a draft roll-call motion under the body's rule."""
    if floor_motion.status != FloorMotionStatus.SECONDED:
        raise FloorError("not_seconded")
    item = session.get(AgendaItem, floor_motion.agenda_item_id)
    if floor_motion.amends_id is not None:
        main = session.get(Motion, floor_motion.amends_id)
        if main.status != MotionStatus.DRAFT:
            raise FloorError("main_not_draft")
        text = AMENDMENT_PREFIX + floor_motion.text
    else:
        text = floor_motion.text
    try:
        motion = rules.create_motion(
            session,
            item,
            text=text,
            kind=MotionKind.ROLL_CALL,
            rule=dict(item.meeting.body.default_rule),
            created_by_id=convener_id,
        )
    except rules.MotionRuleError:
        raise FloorError("not_in_session") from None
    session.flush()
    floor_motion.status = FloorMotionStatus.ADMITTED
    floor_motion.motion_id = motion.id
    floor_motion.decided_at = now
    return motion


def rule_out(floor_motion: FloorMotion, reason: str, now: datetime) -> None:
    """The convener rules the motion out of order (不予受理) with a reason."""
    if floor_motion.status not in WAITING:
        raise FloorError("not_waiting")
    if not reason.strip():
        raise FloorError("no_reason")
    floor_motion.status = FloorMotionStatus.RULED_OUT
    floor_motion.ruling_reason = reason.strip()
    floor_motion.decided_at = now


def withdraw(floor_motion: FloorMotion, user_id: int, now: datetime) -> None:
    """The mover withdraws their motion before the convener admits it."""
    if floor_motion.moved_by_id != user_id:
        raise FloorError("not_mover")
    if floor_motion.status not in WAITING:
        raise FloorError("not_waiting")
    floor_motion.status = FloorMotionStatus.WITHDRAWN
    floor_motion.decided_at = now


def open_refusal(session: Session, motion: Motion) -> str | None:
    """Why ``motion`` may not be opened yet ("amendment_pending"), or None.

    An amendment to it still waits for a second or the chair, or its own vote is not closed:
    amendments are voted first.
    """
    amendments = session.scalars(
        sa.select(FloorMotion).where(FloorMotion.amends_id == motion.id)
    ).all()
    for amendment in amendments:
        if amendment.status in WAITING:
            return "amendment_pending"
        if amendment.status == FloorMotionStatus.ADMITTED and amendment.motion is not None:
            if amendment.motion.status in (MotionStatus.DRAFT, MotionStatus.OPEN):
                return "amendment_pending"
    return None


def apply_if_adopted(session: Session, closed: Motion) -> FloorMotion | None:
    """After a vote closes: if it was an amendment's and it passed, change the main motion's text.

    Returns the amendment when it was applied (its ``previous_text`` keeps the old text).
    """
    amendment = session.scalar(sa.select(FloorMotion).where(FloorMotion.motion_id == closed.id))
    if amendment is None or amendment.amends_id is None or not closed.passed:
        return None
    main = session.get(Motion, amendment.amends_id)
    if main.status != MotionStatus.DRAFT:
        return None
    amendment.previous_text = main.text
    main.text = amendment.text
    return amendment


def floor_motions_of_meeting(session: Session, meeting_id: int) -> dict[int, list[FloorMotion]]:
    """Every floor motion of the meeting, by item id, oldest first."""
    rows = session.scalars(
        sa.select(FloorMotion)
        .join(AgendaItem, FloorMotion.agenda_item_id == AgendaItem.id)
        .where(AgendaItem.meeting_id == meeting_id)
        .order_by(FloorMotion.id)
    )
    by_item: dict[int, list[FloorMotion]] = {}
    for row in rows:
        by_item.setdefault(row.agenda_item_id, []).append(row)
    return by_item


def origin_of(session: Session, motion_id: int) -> FloorMotion | None:
    """The floor motion a voted motion came from (its mover and seconder), if any."""
    return session.scalar(sa.select(FloorMotion).where(FloorMotion.motion_id == motion_id))


def origin_line(session: Session, motion_id: int) -> str | None:
    """The line a resolution of a motion moved from the floor carries: 动议人 and 附议人."""
    origin = origin_of(session, motion_id)
    if origin is None or origin.seconded_by is None:
        return None
    return f"（动议人：{origin.moved_by.name}；附议人：{origin.seconded_by.name}）"
