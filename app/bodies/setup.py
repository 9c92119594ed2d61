"""The rules of setting up a body (联席会议): shares, seats per constituency and the roster.

Plain functions with no Flask import. They change the models; the caller records the audit
event and commits. Messages meant for people are Chinese msgids marked with ``N_`` and carried by
:class:`SetupError` (with their ``%(name)s`` parameters), so the view translates them.

The rules:

* a share is an exact fraction greater than 0 and at most 1, typed as "2/5", "0.4" or "40%";
* the seat suggestion is docs/counting.md's apportionment (Hamilton, minimums first by ceiling), and
  needs every constituency to have a share, the shares adding up to exactly 1;
* a constituency grows by adding vacant seats at the end and shrinks by removing its last seats,
  which must be vacant and never have been used (no ballot, count or check-in);
* a constituency is removed only when none of its seats was ever used at a meeting;
* the roster is warned whenever the seats actually filled break a minimum quota.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from dataclasses import dataclass, field
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.counting.apportion import BrokenMinimum, Quota, apportion, broken_minimums
from app.counting.presets import N_
from app.models import (
    Attendance,
    Ballot,
    Body,
    Constituency,
    HandCount,
    Seat,
    SecretCount,
    SignInLink,
    User,
)

_DECIMAL = re.compile(r"\d+(\.\d+)?|\.\d+", re.ASCII)
_RATIO = re.compile(r"(\d+)/(\d+)", re.ASCII)


class SetupError(ValueError):
    """A set-up step that is not allowed; ``msgid`` % ``params`` says why in plain words.

    A list among ``params`` (names, seat numbers) is joined in the reader's language when said:
    "商户、居民" in Chinese, "商户, 居民" in English.
    """

    def __init__(self, msgid: str, **params) -> None:
        super().__init__(msgid % _joined(params, "、") if params else msgid)
        self.msgid = msgid
        self.params = params

    def say(self, gettext) -> str:
        """The reason, translated by ``gettext``."""
        text = gettext(self.msgid)
        return text % _joined(self.params, gettext("、")) if self.params else text


def _joined(params: dict, separator: str) -> dict:
    """``params`` with every list joined by ``separator`` (the language's list comma)."""
    return {
        key: separator.join(str(v) for v in value) if isinstance(value, list) else value
        for key, value in params.items()
    }


def parse_fraction_text(text: str) -> Fraction:
    """Read an exact fraction as people type it: "2/5", "0.4", "40%", "４０％" are all 2/5.

    Full-width digits and signs are read as their ASCII forms. Raise SetupError otherwise.
    """
    cleaned = unicodedata.normalize("NFKC", text or "").strip().replace(" ", "")
    percent = cleaned.endswith("%")
    number = cleaned.removesuffix("%")
    if _DECIMAL.fullmatch(number):
        value = Fraction(number)
    elif (ratio := _RATIO.fullmatch(number)) and not percent:
        if int(ratio.group(2)) == 0:
            raise SetupError(N_("分母不能是 0。"))
        value = Fraction(int(ratio.group(1)), int(ratio.group(2)))
    else:
        raise SetupError(N_("请写成分数、小数或百分数，例如 2/5、0.4 或 40%。"))
    return value / 100 if percent else value


def parse_share(text: str) -> Fraction:
    """Read a share of the body: an exact fraction more than 0 and at most 1."""
    value = parse_fraction_text(text)
    if not 0 < value <= 1:
        raise SetupError(N_("份额要大于 0，且不超过 1（100%）。"))
    return value


def percent_text(value: Fraction | str) -> str:
    """Show a fraction as a percentage for people: 2/5 → "40%", 7/20 → "35%", 1/3 → "33.3%"."""
    percent = Fraction(str(value)) * 100
    if percent.denominator == 1:
        return f"{percent.numerator}%"
    return f"{float(percent):.1f}%"


# --- apportionment ----------------------------------------------------------------------------


def quotas(constituencies: list[Constituency]) -> list[Quota]:
    """The constituencies' quotas for apportionment; SetupError if they cannot be used.

    Every constituency needs a share and the shares must add up to exactly 1.
    """
    missing = [c.name for c in constituencies if not c.share]
    if not constituencies:
        raise SetupError(N_("请先添加界别。"))
    if missing:
        raise SetupError(
            N_("按配额分配席位需要每个界别都填写份额，“%(names)s”还没有填写。"),
            names=missing,
        )
    total = sum((Fraction(c.share) for c in constituencies), Fraction(0))
    if total != 1:
        raise SetupError(
            N_("各界别的份额加起来是 %(total)s（%(percent)s），要正好等于 1（100%%）。"),
            total=str(total),
            percent=percent_text(total),
        )
    return [Quota(c.key, Fraction(c.share), c.share_is_minimum) for c in constituencies]


@dataclass
class Suggestion:
    """Suggested whole seats per constituency for ``total`` seats, in listing order."""

    total: int
    rows: list[tuple[Constituency, int]] = field(default_factory=list)


def suggest_seats(constituencies: list[Constituency], total: int) -> Suggestion:
    """Suggest seats per constituency for ``total`` seats (docs/counting.md's seat apportionment).

    Minimum quotas are served first with the ceiling, the rest by largest remainder. When the
    minimums cannot all be met, SetupError says how many seats each needs and how many exist.
    """
    if total < 1:
        raise SetupError(N_("总席位数至少是 1。"))
    listed = quotas(constituencies)
    needed = {q.id: math.ceil(q.share * total) for q in listed if q.minimum}
    if sum(needed.values()) > total:
        by_key = {c.key: c.name for c in constituencies}
        wanted = [f"{by_key[key]} {n}" for key, n in needed.items()]
        raise SetupError(
            N_(
                "最低配额无法同时满足：%(wanted)s 席，合计要 %(needed)s 席，"
                "但总共只有 %(total)s 席。请增加总席位，或降低最低配额。"
            ),
            wanted=wanted,
            needed=sum(needed.values()),
            total=total,
        )
    seats = apportion(total, listed)
    return Suggestion(total, [(c, seats[c.key]) for c in constituencies])


def apply_suggestion(session: Session, suggestion: Suggestion) -> dict[str, tuple[int, int]]:
    """Give every constituency its suggested seats; return key → (before, after) for changes."""
    changed = {}
    for constituency, seats in suggestion.rows:
        before = constituency.seats
        if seats != before:
            resize(session, constituency, seats)
            changed[constituency.key] = (before, seats)
    return changed


# --- seats ------------------------------------------------------------------------------------


def seat_used(session: Session, seat_ids: list[int]) -> bool:
    """Whether any of these seats was used at a meeting: a ballot or a check-in."""
    if not seat_ids:
        return False
    for model in (Ballot, Attendance):
        query = sa.select(model.id).where(model.seat_id.in_(seat_ids)).limit(1)
        if session.scalar(query) is not None:
            return True
    return False


def resize(session: Session, constituency: Constituency, seats: int) -> None:
    """Give the constituency ``seats`` seats: add vacant ones at the end or drop the last ones.

    Seats are dropped from the end only when they are vacant and were never used; otherwise
    SetupError names the seats to free first.
    """
    if seats < 1:
        raise SetupError(N_("席位数至少是 1。"))
    existing = list(constituency.seat_list)
    if seats < len(existing):
        dropped = existing[seats:]
        held = [s.number for s in dropped if s.holder_id is not None]
        if held:
            raise SetupError(
                N_("要减少到 %(seats)s 席，需要先腾出第 %(numbers)s 席。"),
                seats=seats,
                numbers=held,
            )
        if seat_used(session, [s.id for s in dropped]):
            raise SetupError(
                N_("第 %(first)s 席以后的席位已经在会议中签到或投过票，不能减少。"),
                first=seats + 1,
            )
        for seat in dropped:
            constituency.seat_list.remove(seat)
    else:
        for number in range(len(existing) + 1, seats + 1):
            constituency.seat_list.append(Seat(number=number))
    constituency.seats = seats


def add_constituency(body: Body, *, key: str, name: str, seats: int, **fields) -> Constituency:
    """Add a constituency with ``seats`` vacant seats; the key must be new in the body."""
    if any(c.key == key for c in body.constituencies):
        raise SetupError(N_("这个代号已经用过了，请换一个。"))
    constituency = Constituency(key=key, name=name, seats=seats, **fields)
    constituency.seat_list = [Seat(number=n) for n in range(1, seats + 1)]
    body.constituencies.append(constituency)
    return constituency


def next_position(body: Body) -> int:
    """The place after the body's last constituency (0 for the first)."""
    return max((c.position for c in body.constituencies), default=-1) + 1


def share_text(text: str | None) -> str | None:
    """A share as stored ("2/5"), read from what was typed; None when nothing was typed."""
    return str(parse_share(text)) if text and text.strip() else None


def update_constituency(
    session: Session,
    constituency: Constituency,
    *,
    name: str,
    seats: int,
    share: str | None,
    share_is_minimum: bool,
    position: int | None = None,
) -> None:
    """Change a constituency: its seats first (see :func:`resize`), then its other fields.

    A ``position`` of None keeps its place in the order.
    """
    resize(session, constituency, seats)
    constituency.name = name.strip()
    constituency.share = share
    constituency.share_is_minimum = share_is_minimum
    if position is not None:
        constituency.position = position


def constituency_state(constituency: Constituency) -> dict:
    """What the audit log keeps of a constituency before and after a change."""
    return {
        "body_id": constituency.body_id,
        "key": constituency.key,
        "name": constituency.name,
        "seats": constituency.seats,
        "share": constituency.share,
        "share_is_minimum": constituency.share_is_minimum,
        "position": constituency.position,
    }


def remove_constituency(session: Session, body: Body, constituency: Constituency) -> None:
    """Remove a constituency unless any of its seats was used at a meeting.

    Used seats carry ballots, counts and check-ins that the minutes and resolutions rely on.
    A constituency named in the body's default rule (concurrent) cannot be removed either.
    """
    seat_ids = [s.id for s in constituency.seat_list]
    counted = any(
        session.scalar(sa.select(model.motion_id).where(model.constituency_id == constituency.id))
        is not None
        for model in (SecretCount, HandCount)
    )
    if counted or seat_used(session, seat_ids):
        raise SetupError(
            N_("“%(name)s”的席位已经在会议中签到或投过票，这些记录要保留，所以不能删除这个界别。"),
            name=constituency.name,
        )
    concurrent = (body.default_rule or {}).get("concurrent")
    if isinstance(concurrent, list) and constituency.key in concurrent:
        raise SetupError(
            N_("表决规则要求“%(name)s”界别单独通过，请先修改表决规则再删除。"),
            name=constituency.name,
        )
    body.constituencies.remove(constituency)


# --- the roster -------------------------------------------------------------------------------


def filled_seats(body: Body) -> dict[str, int]:
    """How many seats of each constituency have a holder, by constituency key."""
    return {
        c.key: sum(1 for seat in c.seat_list if seat.holder_id is not None)
        for c in body.constituencies
    }


@dataclass(frozen=True)
class RosterWarning:
    """A minimum quota broken by the filled seats, with the constituency's name."""

    name: str
    broken: BrokenMinimum

    @property
    def percent(self) -> str:
        """The minimum as a percentage."""
        return percent_text(self.broken.minimum)

    @property
    def actual_percent(self) -> str:
        """The constituency's part of the filled seats as a percentage."""
        return percent_text(Fraction(self.broken.filled, self.broken.total))


def roster_warnings(body: Body) -> list[RosterWarning]:
    """Every minimum quota the seats actually filled break (docs/counting.md: 8 of 20 is fine).

    Only constituencies with a share take part; a body without minimums has no warning.
    """
    listed = [c for c in body.constituencies if c.share]
    if not any(c.share_is_minimum for c in listed):
        return []
    filled = filled_seats(body)
    quota_list = [Quota(c.key, Fraction(c.share), c.share_is_minimum) for c in listed]
    names = {c.key: c.name for c in listed}
    counted = {c.key: filled[c.key] for c in listed}
    return [RosterWarning(names[b.id], b) for b in broken_minimums(quota_list, counted)]


def assign_holder(session: Session, seat: Seat, *, name: str, phone: str, represents: str):
    """Give the seat to the person with this phone, creating them when the phone is new.

    A phone already registered under another name is refused (it would give the seat to
    someone else); the message names the registered person so the convener can check.
    Return the holder.
    """
    person = session.scalar(sa.select(User).where(User.phone == phone))
    if person is None:
        person = User(name=name.strip(), phone=phone)
        session.add(person)
    elif person.name != name.strip():
        raise SetupError(
            N_("这个手机号已登记为“%(name)s”。如果是同一个人，请把姓名改为“%(name)s”。"),
            name=person.name,
        )
    seat.holder = person
    seat.represents = represents.strip()
    return person


def vacate(seat: Seat) -> None:
    """Leave the seat without a holder; the person keeps their account."""
    seat.holder = None
    seat.represents = ""


def seat_state(seat: Seat) -> dict:
    """What the audit log keeps of a seat before and after it changes hands."""
    return {"holder_id": seat.holder_id, "represents": seat.represents}


def normalize_phone(text: str) -> str:
    """A phone number as stored: full-width digits read, spaces and dashes dropped."""
    phone = re.sub(r"[\s\-()]", "", unicodedata.normalize("NFKC", text or ""))
    if not re.fullmatch(r"\+?\d{5,20}", phone, re.ASCII):
        raise SetupError(N_("手机号只能是数字，例如 13800001234。"))
    return phone


# --- other settings ---------------------------------------------------------------------------

_PLACEHOLDERS = ("short_name", "year", "number")


def parse_categories(text: str) -> list[str]:
    """Topic categories typed one per line: blank lines dropped, each at most 20 characters."""
    categories = [line.strip() for line in (text or "").splitlines() if line.strip()]
    if not categories:
        raise SetupError(N_("请至少填写一个类别。"))
    for category in categories:
        if len(category) > 20:
            raise SetupError(N_("“%(category)s”太长了，每个类别最多 20 个字。"), category=category)
        if categories.count(category) > 1:
            raise SetupError(N_("“%(category)s”写了两次。"), category=category)
    return categories


def change_settings(
    body: Body,
    *,
    seconds_needed: int,
    allow_multiple_proxies: bool,
    confirm_ballots: bool,
    resolution_number_format: str,
    rating_rule: str,
    topic_categories: str,
    minutes_members_only: bool = False,
) -> None:
    """Save the body's other settings; the categories are typed one per line.

    ``minutes_members_only`` keeps the minutes of closed meetings to members (off by default:
    minutes are public once the meeting is closed).
    """
    body.seconds_needed = seconds_needed
    body.allow_multiple_proxies = allow_multiple_proxies
    body.minutes_members_only = minutes_members_only
    body.confirm_ballots = confirm_ballots
    body.resolution_number_format = resolution_number_format
    body.rating_rule = rating_rule
    body.topic_categories = parse_categories(topic_categories)


def settings_state(body: Body) -> dict:
    """What the audit log keeps of the body's other settings before and after a change."""
    return {
        "seconds_needed": body.seconds_needed,
        "allow_multiple_proxies": body.allow_multiple_proxies,
        "minutes_members_only": body.minutes_members_only,
        "confirm_ballots": body.confirm_ballots,
        "topic_categories": list(body.topic_categories or []),
        "resolution_number_format": body.resolution_number_format,
        "rating_rule": body.rating_rule,
    }


def resolution_number(fmt: str, *, short_name: str, year: int, number: int) -> str:
    """Render a resolution number: "{short_name}〔{year}〕{number}号" → 华兴街联席〔2026〕3号.

    The format must contain {number} and may use only {short_name}, {year} and {number}.
    """
    if "{number}" not in (fmt or ""):
        raise SetupError(N_("编号格式里要有 {number}（决议的序号）。"))
    try:
        names = [name for _, name, _, _ in string.Formatter().parse(fmt) if name is not None]
        if any(name not in _PLACEHOLDERS for name in names):
            raise ValueError(names)
        return fmt.format(short_name=short_name, year=year, number=number)
    except ValueError:
        raise SetupError(
            N_("编号格式只能用 {short_name}（简称）、{year}（年份）和 {number}（序号）。")
        ) from None


def seats_without_link(session: Session, body: Body, at) -> list[Seat]:
    """The filled seats whose holder has no valid personal sign-in link at ``at``.

    One seat per person (the first in listing order), so a person holding two seats gets one card.
    """
    valid = sa.select(SignInLink.user_id).where(
        SignInLink.revoked_at.is_(None), SignInLink.expires_at > at
    )
    covered = set(session.scalars(valid))
    seats, seen = [], set()
    for constituency in body.constituencies:
        for seat in constituency.seat_list:
            holder_id = seat.holder_id
            if holder_id is not None and holder_id not in covered and holder_id not in seen:
                seen.add(holder_id)
                seats.append(seat)
    return seats


def issue_missing_links(
    session: Session, body: Body, issued_by: User, *, days: int, at
) -> list[tuple[Seat, SignInLink, str]]:
    """A personal sign-in link for each member of :func:`seats_without_link`, valid ``days``.

    Return each seat with its new link and the link's one-time token (only its hash is stored).
    """
    issued = []
    for seat in seats_without_link(session, body, at):
        link, token = SignInLink.issue(seat.holder, issued_by, days=days)
        session.add(link)
        issued.append((seat, link, token))
    return issued
