"""Forms for meetings: the meeting itself, agenda items, notes, substitutes and proxies."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from flask import request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import to_user_timezone, to_utc
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.meetings.labels import KIND_LABELS
from app.models import ItemKind, Meeting, Seat, Topic, User

#: A meeting's length when none is given.
DEFAULT_DURATION = timedelta(hours=2)


def seat_choices(seats: Iterable[Seat]) -> list[tuple[str, str]]:
    """The seats as select choices, each with its constituency, number and holder."""
    return [("", _l("请选择"))] + [
        (str(s.id), f"{s.constituency.name} {s.number} {s.holder.name if s.holder else ''}")
        for s in seats
    ]


def person_label(person: User, seats: Iterable[Seat]) -> str:
    """A person as a choice, told apart from namesakes: 吴秀英 · 商户 3 · 尾号 0213."""
    parts = [person.name]
    parts += [f"{s.constituency.name} {s.number}" for s in seats]
    if person.phone:
        parts.append(_("尾号 %(digits)s", digits=person.phone[-4:]))
    return " · ".join(parts)


class MeetingForm(FlaskForm):
    """A meeting's title, start (local time), length, place and notice period."""

    title = StringField(
        _l("会议名称"),
        validators=[
            InputRequired(_l("请填写会议名称")),
            Length(max=120, message=_l("最多 %(max)d 个字")),
        ],
    )
    starts_at = DateTimeLocalField(
        _l("开始时间"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(_l("请填写开始时间，例如 2026-12-01 14:30"))],
    )
    duration = IntegerField(
        _l("预计时长（分钟）"),
        default=120,
        validators=[
            Optional(),
            NumberRange(min=10, max=720, message=_l("时长请填 10 到 720 分钟")),
        ],
    )
    place = StringField(_l("地点"), validators=[Length(max=120, message=_l("最多 %(max)d 个字"))])
    chair = StringField(_l("主持人"), validators=[Length(max=64, message=_l("最多 %(max)d 个字"))])
    recorder = StringField(
        _l("记录人"), validators=[Length(max=64, message=_l("最多 %(max)d 个字"))]
    )
    notice_days = IntegerField(
        _l("提前通知天数"),
        default=3,
        validators=[
            InputRequired(_l("请填写提前几天通知")),
            NumberRange(min=0, max=60, message=_l("请填 0 到 60 之间的天数")),
        ],
    )

    @classmethod
    def filled_from(cls, meeting: Meeting) -> MeetingForm:
        """The form showing ``meeting``'s details in local time; a submission is read as sent."""
        if request.method == "POST":
            return cls()
        length = (meeting.ends_at - meeting.starts_at) if meeting.ends_at else DEFAULT_DURATION
        return cls(
            title=meeting.title,
            starts_at=to_user_timezone(meeting.starts_at).replace(tzinfo=None),
            duration=int(length.total_seconds() // 60),
            place=meeting.place,
            chair=meeting.chair,
            recorder=meeting.recorder,
            notice_days=meeting.notice_days,
        )

    def details(self) -> dict:
        """The meeting's details as entered: the local start in UTC, the end from the length."""
        starts = to_utc(self.starts_at.data)
        length = timedelta(minutes=self.duration.data) if self.duration.data else DEFAULT_DURATION
        return {
            "title": self.title.data.strip(),
            "starts_at": starts,
            "ends_at": starts + length,
            "place": (self.place.data or "").strip(),
            "chair": (self.chair.data or "").strip(),
            "recorder": (self.recorder.data or "").strip(),
            "notice_days": self.notice_days.data,
        }


class ItemForm(FlaskForm):
    """An agenda item: from an accepted topic or free text, its kind, presenter and time."""

    topic_id = SelectField(_l("来自已受理的议题"), coerce=str, validators=[Optional()])
    title = StringField(
        _l("议程名称"), validators=[Length(max=120, message=_l("最多 %(max)d 个字"))]
    )
    kind = SelectField(_l("类型"), choices=list(KIND_LABELS.items()), default=ItemKind.DISCUSSION)
    presenter = StringField(
        _l("汇报人"), validators=[Length(max=64, message=_l("最多 %(max)d 个字"))]
    )
    minutes_allotted = IntegerField(
        _l("时长（分钟）"),
        default=10,
        validators=[
            InputRequired(_l("请填写时长")),
            NumberRange(min=0, max=480, message=_l("请填 0 到 480 分钟")),
        ],
    )
    description = TextAreaField(
        _l("说明"), validators=[Length(max=4000, message=_l("最多 %(max)d 个字"))]
    )

    def __init__(self, topics: Iterable[Topic] = (), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.topics = list(topics)
        self.topic_id.choices = [("", _l("不选，自己填写名称"))] + [
            (str(t.id), f"{t.receipt_no} {t.title}") for t in self.topics
        ]

    def chosen_topic(self) -> Topic | None:
        """The accepted topic the item is taken from, if one was chosen."""
        return next((t for t in self.topics if str(t.id) == self.topic_id.data), None)

    def item_fields(self, topic: Topic | None = None) -> dict:
        """The item as entered; an item from ``topic`` takes its title and description if blank."""
        title = (self.title.data or "").strip()
        description = self.description.data or ""
        return {
            "title": title or (topic.title if topic else ""),
            "description": description or (topic.description if topic else ""),
            "kind": self.kind.data,
            "presenter": self.presenter.data,
            "minutes_allotted": self.minutes_allotted.data,
        }

    def validate(self, extra_validators=None) -> bool:
        """A free-text item needs a title; an item taken from a topic may use the topic's."""
        valid = super().validate(extra_validators)
        from_topic = "topic_id" in self._fields and self.topic_id.data
        if not from_topic and not (self.title.data or "").strip():
            self.title.errors.append(_l("请填写议程名称，或在上面选一个议题"))
            return False
        return valid


class NotesForm(FlaskForm):
    """The convener's notes on an item, for the minutes (会议纪要)."""

    notes = TextAreaField(
        _l("纪要记录"), validators=[Length(max=8000, message=_l("最多 %(max)d 个字"))]
    )


class CorrectionForm(FlaskForm):
    """A correction (更正) appended to closed minutes: what is corrected, and why."""

    text = TextAreaField(
        _l("更正内容"),
        validators=[
            InputRequired(_l("请写明更正的内容")),
            Length(max=4000, message=_l("最多 %(max)d 个字")),
        ],
    )
    reason = StringField(
        _l("更正理由"),
        validators=[
            InputRequired(_l("请写明更正的理由")),
            Length(max=400, message=_l("最多 %(max)d 个字")),
        ],
    )


class SubstituteForm(FlaskForm):
    """Who takes a seat in place of its holder for this meeting (替补)."""

    seat_id = SelectField(_l("席位"), coerce=str, validators=[InputRequired(_l("请选择席位"))])
    user_id = SelectField(
        _l("替补人员"), coerce=str, validators=[InputRequired(_l("请选择替补人员"))]
    )

    def __init__(self, seats: Iterable[Seat] = (), people: Iterable = (), *args, **kwargs):
        """``people`` are (person, their seats in this body) pairs."""
        super().__init__(*args, **kwargs)
        self.seat_id.choices = seat_choices(seats)
        self.user_id.choices = [("", _l("请选择"))] + [
            (str(person.id), person_label(person, held)) for person, held in people
        ]


class ProxyForm(FlaskForm):
    """A seat hands its vote to a present member for this meeting (委托)."""

    # Its own id: the substitute form on the same page has a field named seat_id too.
    seat_id = SelectField(
        _l("委托的席位"),
        coerce=str,
        validators=[InputRequired(_l("请选择席位"))],
        id="proxy_seat_id",
    )
    holder_id = SelectField(
        _l("受托人（须已签到）"), coerce=str, validators=[InputRequired(_l("请选择受托人"))]
    )

    def __init__(
        self,
        seats: Iterable[Seat] = (),
        people: Iterable[User] = (),
        present: set[int] = frozenset(),
        *args,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.seat_id.choices = seat_choices(seats)
        # Everyone is listed, saying who has checked in (only they qualify), those present first.
        listed = sorted(people, key=lambda u: u.id not in present)
        self.holder_id.choices = [("", _l("请选择已签到的成员"))] + [
            (
                str(u.id),
                _l("%(name)s（已签到）", name=u.name)
                if u.id in present
                else _l("%(name)s（未签到）", name=u.name),
            )
            for u in listed
        ]


class MoveForm(FlaskForm):
    """Move an agenda item up or down."""

    direction = HiddenField(validators=[InputRequired()])
