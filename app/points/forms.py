"""Forms of the service points: recording service, reversing an entry, shops, offers, redeeming."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, SelectField, StringField
from wtforms.validators import DataRequired, InputRequired, NumberRange

from app.topics.forms import Length


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class ServiceForm(FlaskForm):
    """An organiser records a volunteer's service: who (by phone), when, how many hours."""

    phone = StringField(
        _l("志愿者手机号"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请填写志愿者的手机号。")),
            Length(max=20, message=_l("手机号最多 20 位。")),
        ],
    )
    served_on = DateField(_l("服务日期"), validators=[InputRequired(_l("请选择服务日期。"))])
    hours = DecimalField(
        _l("服务时长（小时）"),
        places=2,
        validators=[
            InputRequired(_l("请填写服务时长。")),
            NumberRange(
                min=Decimal("0.25"), max=Decimal("24"), message=_l("时长在 0.25 到 24 小时之间。")
            ),
        ],
    )
    description = StringField(
        _l("服务内容"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写明服务内容。")),
            Length(max=160, message=_l("最多 160 个字。")),
        ],
    )


class ReverseForm(FlaskForm):
    """Reverse a mistaken entry, with a reason."""

    reason = StringField(
        _l("冲正原因"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写明冲正原因。")),
            Length(max=160, message=_l("最多 160 个字。")),
        ],
    )


class ShopForm(FlaskForm):
    """Certify a unit as a shop whose staff redeem points."""

    unit = SelectField(_l("认证商户"), coerce=int, validate_choice=False)


class OfferForm(FlaskForm):
    """What points buy at the shop."""

    title = StringField(
        _l("积分可兑换"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写明积分能换什么，例如：茶饮九折。")),
            Length(max=120, message=_l("最多 120 个字。")),
        ],
    )
    points = DecimalField(
        _l("所需积分"),
        places=2,
        validators=[
            InputRequired(_l("请填写所需积分。")),
            NumberRange(min=Decimal("0.01"), max=Decimal("100000"), message=_l("积分要大于 0。")),
        ],
    )


class RedeemForm(FlaskForm):
    """The shop redeems one of its offers from the volunteer's points."""

    offer = SelectField(_l("兑换"), coerce=int, validate_choice=False)


class RateForm(FlaskForm):
    """The body's rate: points per hour of confirmed service."""

    points_per_hour = DecimalField(
        _l("每小时服务积分"),
        places=2,
        validators=[
            InputRequired(_l("请填写每小时积分。")),
            NumberRange(min=Decimal("0.01"), max=Decimal("1000"), message=_l("积分要大于 0。")),
        ],
    )
