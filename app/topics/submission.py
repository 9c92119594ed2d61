"""Receipt numbers, follow links and phone numbers of submitted topics (plain functions).

Numbering rule: a receipt number is ``{SLUG}-{year}-{n:04d}`` (e.g. ``HUAXING-2026-0007``),
counted per prefix (body and year) from 1, in the order topics are stored. The column is
UNIQUE, so two submissions that pick the same number at the same moment cannot both be stored:
the one that loses retries with the next free number, and nothing typed is lost.
"""

from __future__ import annotations

import re
import secrets

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models.accounts import hash_token
from app.models.bodies import Body
from app.models.statuses import TopicStatus
from app.models.topics import Topic
from app.topics import rules

#: The receipt column holds 32 characters: a long slug is cut so "-2026-0007" still fits.
PREFIX_MAX = 20
MAX_ATTEMPTS = 50
_MOBILE = re.compile(r"1[3-9]\d{9}")


def receipt_prefix(slug: str, year: int) -> str:
    """The part of a receipt number shared by one body's topics of one year."""
    return f"{slug.upper()[:PREFIX_MAX]}-{year}-"


def receipt_number(slug: str, year: int, n: int) -> str:
    """The ``n``-th receipt number of a body in ``year``: ``HUAXING-2026-0007``."""
    return f"{receipt_prefix(slug, year)}{n:04d}"


def last_number(session: Session, prefix: str) -> int:
    """The highest number already given under ``prefix`` (0 when none).

    Longer numbers sort after shorter ones, so 10000 comes after 9999.
    """
    last = session.scalar(
        sa.select(Topic.receipt_no)
        .where(Topic.receipt_no.startswith(prefix, autoescape=True))
        .order_by(sa.func.length(Topic.receipt_no).desc(), Topic.receipt_no.desc())
        .limit(1)
    )
    if last is None:
        return 0
    suffix = last[len(prefix) :]
    return int(suffix) if suffix.isdigit() else 0


def new_device_token() -> str:
    """A random token naming one phone or browser for "我也遇到过"; only its SHA-256 is stored."""
    return secrets.token_urlsafe(16)


def new_follow_token() -> str:
    """A random token for a private follow link; only its SHA-256 is stored."""
    return secrets.token_urlsafe(24)


def normalize_mobile(raw: str) -> str | None:
    """A Chinese mobile number as 11 digits, or None when it is not one.

    Loose on purpose: spaces, dashes, brackets and a +86 / 0086 prefix are accepted.
    """
    digits = re.sub(r"[\s\-()（）]", "", raw or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix) :]
            break
    return digits if _MOBILE.fullmatch(digits) else None


def submit(
    session: Session, body: Body, fields: dict, *, year: int, submitter=None
) -> tuple[Topic, str]:
    """Store a new topic of ``body`` with the next free receipt number; return it and its token.

    ``fields`` are the topic's columns as typed (title, description, category, location,
    submitter_name, submitter_phone). Each attempt runs in a savepoint, so a lost race on the
    receipt number only undoes that attempt. The caller records the audit event and commits.
    """
    token = new_follow_token()
    prefix = receipt_prefix(body.slug, year)
    n = last_number(session, prefix) + 1
    for _ in range(MAX_ATTEMPTS):
        topic = Topic(
            body_id=body.id,
            receipt_no=receipt_number(body.slug, year, n),
            follow_token_hash=hash_token(token),
            submitter_id=getattr(submitter, "id", None),
            seconds_count=0,
            **fields,
        )
        rules.start(topic, actor=submitter)
        try:
            with session.begin_nested():
                session.add(topic)
        except IntegrityError:
            n = max(n, last_number(session, prefix)) + 1
            continue
        return topic, token
    raise RuntimeError(f"no free receipt number under {prefix!r} after {MAX_ATTEMPTS} tries")


def decoy(session: Session, body: Body, title: str, *, year: int) -> Topic:
    """A topic that looks stored, with the next receipt number, for a bot to be shown; not added.

    A bot that filled the honeypot field sees the usual receipt, so it has no reason to retry.
    """
    prefix = receipt_prefix(body.slug, year)
    return Topic(
        body_id=body.id,
        receipt_no=receipt_number(body.slug, year, last_number(session, prefix) + 1),
        title=title or "",
        status=TopicStatus.SUBMITTED,
        seconds_count=0,
    )


def topic_for_token(session: Session, token: str) -> Topic | None:
    """The topic whose private follow link carries ``token``, or None."""
    return session.scalar(sa.select(Topic).where(Topic.follow_token_hash == hash_token(token)))
