"""Forms of the meeting's floor (会场): standing aside (回避) and raising a hand (举手)."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, NumberRange, Optional

from app.meetings.forms import seat_choices
from app.meetings.recusal import REASON_MAX
from app.models import AgendaItem, Seat
from app.voting.amendments import TEXT_MAX


class RecusalForm(FlaskForm):
    """A seat stands aside on an agenda item, with its reason (回避及理由)."""

    item_id = SelectField(
        _l("议程"), coerce=str, validators=[InputRequired(_l("请选择议程"))], id="recusal_item_id"
    )
    seat_id = SelectField(
        _l("回避的席位"),
        coerce=str,
        validators=[InputRequired(_l("请选择席位"))],
        id="recusal_seat_id",
    )
    reason = StringField(
        _l("回避理由"),
        validators=[
            InputRequired(_l("请写明回避理由，纪要里会记下。")),
            Length(max=REASON_MAX, message=_l("理由最多 %(max)d 个字。")),
        ],
        id="recusal_reason",
    )

    def __init__(
        self, items: Iterable[AgendaItem] = (), seats: Iterable[Seat] = (), *args, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.item_id.choices = [("", _l("请选择"))] + [
            (str(i.id), f"{i.position}. {i.title}") for i in items
        ]
        self.seat_id.choices = seat_choices(seats)


class HandForm(FlaskForm):
    """A raised hand (举手): for or against on a decision item, or a point of order."""

    side = SelectField(
        _l("发言立场"),
        choices=[
            ("none", _l("发言")),
            ("for", _l("正方（赞成）")),
            ("against", _l("反方（反对）")),
        ],
        default="none",
    )
    point_of_order = BooleanField(_l("程序问题"))


class MyRecusalForm(FlaskForm):
    """A member declares that a seat whose vote they cast stands aside on the current item."""

    #: The item the member saw when they filled the form in (the floor may have moved on).
    item_id = HiddenField()

    seat_id = SelectField(
        _l("回避的席位"),
        coerce=str,
        validators=[InputRequired(_l("请选择席位"))],
        id="my_recusal_seat",
    )
    reason = StringField(
        _l("回避理由"),
        validators=[
            InputRequired(_l("请写明回避理由，纪要里会记下。")),
            Length(max=REASON_MAX, message=_l("理由最多 %(max)d 个字。")),
        ],
        id="my_recusal_reason",
    )

    def __init__(self, seats: Iterable[Seat] = (), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.seat_id.choices = [(str(s.id), f"{s.constituency.name} {s.number}") for s in seats]


class CallForm(FlaskForm):
    """The chair gives the floor: to the head of the queue, or to the hand named."""

    request_id = IntegerField(validators=[Optional()])


class HandProxyForm(FlaskForm):
    """A member hands a seat's vote to a present member (委托), for the convener to approve."""

    seat_id = SelectField(
        _l("委托的席位"), coerce=str, validators=[InputRequired(_l("请选择席位"))], id="hand_seat"
    )
    holder_id = SelectField(
        _l("受托人（须已签到）"),
        coerce=str,
        validators=[InputRequired(_l("请选择受托人"))],
        id="hand_holder",
    )

    def __init__(
        self,
        seats: Iterable[Seat] = (),
        people: Iterable = (),
        present: Collection[int] = frozenset(),
        *args,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.seat_id.choices = [(str(s.id), f"{s.constituency.name} {s.number}") for s in seats]
        self.holder_id.choices = [("", _l("请选择已签到的成员"))] + [
            (
                str(u.id),
                _l("%(name)s（已签到）", name=u.name)
                if u.id in present
                else _l("%(name)s（未签到）", name=u.name),
            )
            for u in people
        ]


class RequestForm(FlaskForm):
    """Names one proxy request (to take back, approve or decline)."""

    request_id = IntegerField(validators=[InputRequired()])
    decision = SelectField(choices=[("approve", ""), ("decline", "")], validate_choice=False)


class MoveForm(FlaskForm):
    """A member moves a motion (动议) on the current decision item."""

    text = TextAreaField(
        _l("动议内容"),
        validators=[
            InputRequired(_l("请写下动议的内容。")),
            Length(max=TEXT_MAX, message=_l("最多 %(max)d 个字。")),
        ],
        id="move_text",
    )


class AmendForm(FlaskForm):
    """A member moves an amendment: which motion, and its whole text as amended."""

    amends_id = SelectField(
        _l("要修改的动议"), coerce=str, validators=[InputRequired()], id="amend_of"
    )
    text = TextAreaField(
        _l("修改后的动议全文"),
        validators=[
            InputRequired(_l("请写下修改后的动议全文。")),
            Length(max=TEXT_MAX, message=_l("最多 %(max)d 个字。")),
        ],
        id="amend_text",
    )

    def __init__(self, motions: Iterable = (), *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.amends_id.choices = [(str(m.id), m.text[:40]) for m in motions]


class FloorMotionForm(FlaskForm):
    """Names one floor motion (to second, withdraw, admit or rule out with a reason)."""

    floor_motion_id = IntegerField(validators=[InputRequired()])
    reason = StringField(_l("不予受理的理由"), validators=[Length(max=200)])


class FloorRulesForm(FlaskForm):
    """A body's rules of debate and of members' proxies (议事规则), with a preset to start from."""

    preset = SelectField(
        _l("套用规则"),
        choices=[
            ("", _l("不套用，按下面填写的")),
            ("nantang", _l("南塘十三条：每次2分钟、每人2次、正反方轮流、未发言者优先")),
            ("relaxed", _l("宽松：每次3分钟、每人3次、不强制轮流")),
        ],
        default="",
    )
    speeches_per_item = IntegerField(
        _l("每人对同一动议最多发言次数"),
        validators=[InputRequired(_l("请填写次数")), NumberRange(1, 10, _l("请填 1 到 10"))],
    )
    minutes_per_speech = IntegerField(
        _l("每次发言最多分钟数"),
        validators=[InputRequired(_l("请填写分钟数")), NumberRange(1, 30, _l("请填 1 到 30"))],
    )
    alternate = BooleanField(_l("正方、反方轮流发言"))
    unspoken_first = BooleanField(_l("没发过言的人优先"))
    proxy_scope = SelectField(
        _l("成员可以委托给"),
        choices=[("any", _l("任何已签到的成员")), ("constituency", _l("同一界别的已签到成员"))],
    )
    proxy_limit = IntegerField(
        _l("每人最多接受委托数"),
        validators=[InputRequired(_l("请填写数目")), NumberRange(1, 10, _l("请填 1 到 10"))],
    )
    hide_running_totals = BooleanField(_l("记名表决结束前不显示实时票数"))


class NudgeForm(FlaskForm):
    """Names the open vote a nudge is about."""

    motion_id = IntegerField(validators=[InputRequired()])
