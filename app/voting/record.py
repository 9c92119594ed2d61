"""The official record of a counted vote: seats per constituency, roll-call names, sentences.

Every place that shows a result — the convener's page, the projector, the resolution page, the
minutes and open data — reads it through :func:`record_of`, from the facts frozen when the
motion closed (rule, constituencies, presence, counts and, for a roll-call vote, who voted
what). Nothing here is recounted from later data, and no Flask is imported.

The rules:

* a result is said in seats first (赞成 5 席、反对 4 席、弃权 1 席), then by the rule's weights;
* per constituency the seats are 应到 (its seats), 实到 (present), 赞成 / 反对 / 弃权 and 未投票
  (present but cast no ballot), so every row adds up: 赞成 + 反对 + 弃权 + 未投票 = 实到;
* the sentence is rendered in the reader's language from the frozen facts, whatever language
  the convener used when closing;
* who voted what is kept and shown only for a roll-call (记名) vote, one row per seat; never
  for a secret (无记名) vote or a show of hands.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.counting import tally
from app.meetings.presence import present_seat_ids
from app.models import Ballot, Constituency, Motion, Proxy, Seat, Substitute, User
from app.models.statuses import MotionKind
from app.voting import ballots

#: What a seat did in a roll-call vote, besides its choice.
NOT_VOTED = "not_voted"
ABSENT = "absent"


@dataclass(frozen=True)
class SeatRow:
    """One constituency's seats in a result: 应到 / 实到 / 赞成 / 反对 / 弃权 / 未投票."""

    key: str
    name: str
    seats: int
    present: int
    yes: int
    no: int
    abstain: int

    @property
    def not_voted(self) -> int:
        """Present seats that cast no ballot (未投票)."""
        return self.present - self.yes - self.no - self.abstain

    @property
    def absent(self) -> int:
        """Seats that were not present (缺席)."""
        return self.seats - self.present


@dataclass(frozen=True)
class RollRow:
    """One seat in a roll-call vote: whose seat, who cast its ballot and how (or why not)."""

    constituency: str
    seat: int
    member: str
    voter: str
    via: str
    choice: str

    @property
    def voted(self) -> bool:
        """Whether the seat cast a ballot."""
        return self.choice not in (NOT_VOTED, ABSENT)


@dataclass(frozen=True)
class Record:
    """A counted vote as the record shows it (see the module docstring)."""

    kind: str
    passed: bool
    rows: list[SeatRow]
    total: SeatRow
    yes: str
    no: str
    abstain: str
    base: str
    ratio: str | None
    explanation: str
    rule: dict
    #: One row per seat for a roll-call vote (None otherwise, or when not recorded).
    roll: list[RollRow] | None


def seat_rows(frozen: dict) -> list[SeatRow]:
    """The per-constituency seat table of a frozen count, in the body's order."""
    rows = []
    for c in frozen.get("constituencies", []):
        votes = frozen.get("votes", {}).get(c["id"], {})
        rows.append(
            SeatRow(
                key=c["id"],
                name=c.get("name") or c["id"],
                seats=int(c["seats"]),
                present=int(frozen.get("present", {}).get(c["id"], 0)),
                yes=int(votes.get("yes", 0)),
                no=int(votes.get("no", 0)),
                abstain=int(votes.get("abstain", 0)),
            )
        )
    return rows


def total_row(rows: list[SeatRow], name: str = "") -> SeatRow:
    """The seats of all constituencies together."""
    return SeatRow(
        key="",
        name=name,
        seats=sum(r.seats for r in rows),
        present=sum(r.present for r in rows),
        yes=sum(r.yes for r in rows),
        no=sum(r.no for r in rows),
        abstain=sum(r.abstain for r in rows),
    )


def explanation_in(frozen: dict, locale: str) -> str:
    """The frozen result's sentence in ``locale``, rendered from the frozen facts.

    The facts (rule, constituencies, presence, counts) are what was frozen at close; saying
    them in another language changes no figure. A frozen case the engine can no longer read
    keeps the sentence it was frozen with.
    """
    language = locale if locale in tally.LOCALES else "zh"
    try:
        case = {key: frozen[key] for key in ("constituencies", "present", "votes", "rule")}
        return tally.tally_case(case, language).explanation
    except (tally.TallyInputError, KeyError, ValueError):
        return frozen.get("result", {}).get("explanation", "")


def record_of(motion: Motion, locale: str) -> Record | None:
    """The record of a counted motion, in the reader's ``locale``; None if it was not counted."""
    frozen = motion.frozen
    if not frozen:
        return None
    result = frozen.get("result", {})
    rows = seat_rows(frozen)
    roll = None
    if motion.kind == MotionKind.ROLL_CALL and "roll" in frozen:
        roll = [RollRow(**row) for row in frozen["roll"]]
    return Record(
        kind=motion.kind,
        passed=bool(result.get("passed")),
        rows=rows,
        total=total_row(rows),
        yes=result.get("yes", ""),
        no=result.get("no", ""),
        abstain=result.get("abstain", ""),
        base=result.get("base", ""),
        ratio=result.get("ratio"),
        explanation=explanation_in(frozen, locale),
        rule=frozen.get("rule", {}),
        roll=roll,
    )


def seats_words(record: Record, _: Callable[..., str]) -> str:
    """The seats first: 赞成 5 席、反对 4 席、弃权 1 席（未投票 1 席）."""
    total = record.total
    words = _(
        "赞成 %(yes)s 席、反对 %(no)s 席、弃权 %(abstain)s 席",
        yes=total.yes,
        no=total.no,
        abstain=total.abstain,
    )
    if total.not_voted:
        words += _("（出席未投票 %(n)s 席）", n=total.not_voted)
    return words


def sentence(record: Record, _: Callable[..., str]) -> str:
    """The whole sentence of a result: in seats first, then the rule's verdict."""
    return _("%(seats)s；%(verdict)s", seats=seats_words(record, _), verdict=record.explanation)


def choice_key(choice: str | None, present: bool) -> str:
    """A roll-call row's choice: yes / no / abstain, or not_voted (present) / absent."""
    if choice:
        return choice
    return NOT_VOTED if present else ABSENT


def roll_call(session: Session, motion: Motion) -> list[dict]:
    """Who voted what in a roll-call motion, one row per seat of the body, as frozen at close.

    A row names the seat's constituency and number, its holder (member), who cast the ballot
    (the holder, a substitute or a proxy holder, with ``via`` saying which) and the choice, or
    ``not_voted`` for a present seat without a ballot and ``absent`` for a seat not present.
    """
    if motion.kind != MotionKind.ROLL_CALL:
        raise ValueError("only a roll-call vote has names")
    meeting_id = motion.meeting_id
    cast = {
        b.seat_id: b
        for b in session.scalars(sa.select(Ballot).where(Ballot.motion_id == motion.id))
    }
    proxies = dict(
        session.execute(
            sa.select(Proxy.seat_id, Proxy.holder_id).where(Proxy.meeting_id == meeting_id)
        ).all()
    )
    substitutes = dict(
        session.execute(
            sa.select(Substitute.seat_id, Substitute.user_id).where(
                Substitute.meeting_id == meeting_id
            )
        ).all()
    )
    present = present_seat_ids(session, meeting_id) | set(cast)
    seats = session.execute(
        sa.select(Seat.id, Seat.number, Seat.holder_id, Constituency.name)
        .join(Constituency)
        .where(Constituency.body_id == motion.meeting.body_id)
        .order_by(Constituency.position, Constituency.id, Seat.number)
    ).all()
    people = {s.holder_id for s in seats} | {b.cast_by_id for b in cast.values()}
    people.discard(None)
    names = dict(session.execute(sa.select(User.id, User.name).where(User.id.in_(people))).all())
    rows = []
    for seat_id, number, holder_id, constituency in seats:
        ballot = cast.get(seat_id)
        voter_id = ballot.cast_by_id if ballot else None
        via = ""
        if voter_id is not None and voter_id != holder_id:
            if proxies.get(seat_id) == voter_id:
                via = "proxy"
            elif substitutes.get(seat_id) == voter_id:
                via = "substitute"
        rows.append(
            {
                "constituency": constituency,
                "seat": number,
                "member": names.get(holder_id, "") if holder_id else "",
                "voter": names.get(voter_id, "") if voter_id else "",
                "via": via,
                "choice": choice_key(ballot.choice if ballot else None, seat_id in present),
            }
        )
    return rows


def close(session: Session, motion: Motion, now: datetime, locale: str) -> dict:
    """Close and count the motion (``ballots.freeze``) and, for a roll-call vote, keep the names.

    What the web page and the demo both call: the frozen facts are the record from then on.
    """
    frozen = ballots.freeze(session, motion, now, locale)
    if motion.kind == MotionKind.ROLL_CALL:
        motion.frozen = {**frozen, "roll": roll_call(session, motion)}
    return motion.frozen
