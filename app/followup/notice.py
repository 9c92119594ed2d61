"""The public notice period (公示期) of a resolution and its objections (异议): plain Python.

Rules:

- publishing starts the notice period: it runs ``notice_days`` calendar days (the body's
  setting, 7 by default) from the community's date of publication, that day included in the
  count after it — published on 1 March with 7 days, it is 公示中 to 8 March and 已生效 from
  9 March;
- during the period anyone may file an objection with a receipt number; after it, none;
- the convener answers each objection publicly, once.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

from app.models import Objection, Resolution


class NoticeError(ValueError):
    """A step the notice period does not allow; the message says why."""


def start(resolution: Resolution, published_on: date, notice_days: int) -> None:
    """Fix the last day of the notice period when the resolution is published."""
    resolution.notice_ends_on = published_on + timedelta(days=notice_days)


def in_force_from(resolution: Resolution) -> date | None:
    """The first day the resolution is in force (已生效), or None before it is published."""
    return resolution.notice_ends_on + timedelta(days=1) if resolution.notice_ends_on else None


def new_receipt_no() -> str:
    """A receipt number for an objection: "YY-" and 8 hex digits, hard to guess."""
    return f"YY-{secrets.token_hex(4).upper()}"


def object_to(
    resolution: Resolution, text: str, name: str = "", *, today: date, now: datetime
) -> Objection:
    """File an objection during the notice period (the caller adds it to the session)."""
    if not resolution.in_notice(today):
        raise NoticeError("the notice period is over")
    if not text.strip():
        raise NoticeError("an objection needs words")
    return Objection(
        resolution_id=resolution.id,
        receipt_no=new_receipt_no(),
        name=name.strip(),
        text=text.strip(),
        created_at=now,
    )


def answer(objection: Objection, text: str, *, actor_id=None, now: datetime) -> None:
    """The convener answers an objection publicly; an answer is given once."""
    if objection.answered_at is not None:
        raise NoticeError("already answered")
    if not text.strip():
        raise NoticeError("an answer needs words")
    objection.answer = text.strip()
    objection.answered_at = now
    objection.answered_by_id = actor_id
