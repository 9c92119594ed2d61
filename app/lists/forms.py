"""Forms of the three lists: a need, a resource offered, a project, a pledge, a batch's steps."""

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, NumberRange, Optional

from app.lists.labels import KIND_LABELS, OWNER_LABELS
from app.topics.forms import Length

MAX_AMOUNT = Decimal("999999999999.99")


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _amount(label, message):
    return DecimalField(
        label,
        places=2,
        validators=[
            InputRequired(message),
            NumberRange(min=Decimal("0.01"), max=MAX_AMOUNT, message=message),
        ],
    )


class NeedForm(FlaskForm):
    """A need entered directly by the convener."""

    title = StringField(
        _l("需求"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写明需求。")),
            Length(max=160, message=_l("最多 160 个字。")),
        ],
    )
    category = SelectField(_l("类别"), validate_choice=False)
    description = TextAreaField(
        _l("说明（可不填）"), filters=[_strip], validators=[Length(max=2000)]
    )


class ResourceForm(FlaskForm):
    """A resource offered to the body (资源清单)."""

    owner_name = StringField(
        _l("提供方（单位、商户或个人）"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写明谁提供。")),
            Length(max=80, message=_l("最多 80 个字。")),
        ],
    )
    owner_kind = SelectField(_l("提供方类型"), choices=list(OWNER_LABELS.items()))
    kind = SelectField(_l("资源类型"), choices=list(KIND_LABELS.items()))
    title = StringField(
        _l("资源内容"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写明提供什么。")),
            Length(max=160, message=_l("最多 160 个字。")),
        ],
    )
    quantity = _amount(_l("数量或金额"), _l("请填写大于 0 的数量或金额。"))
    unit = StringField(
        _l("单位（资金一律按元计）"),
        filters=[_strip],
        validators=[Optional(), Length(max=12, message=_l("最多 12 个字。"))],
    )
    conditions = TextAreaField(
        _l("使用条件（可不填）"), filters=[_strip], validators=[Length(max=2000)]
    )
    contact = StringField(
        _l("联系人和电话"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请留下联系方式。")),
            Length(max=80, message=_l("最多 80 个字。")),
        ],
    )
    public = BooleanField(_l("允许在公开页面展示（联系方式不公开）"))


class ProjectForm(FlaskForm):
    """A project binding a need to resources, with a budget, lead unit and plan."""

    need = SelectField(_l("对应的需求"), coerce=int, validate_choice=False)
    title = StringField(
        _l("项目名称"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写项目名称。")),
            Length(max=160, message=_l("最多 160 个字。")),
        ],
    )
    lead_unit = SelectField(_l("牵头单位"), coerce=int, validate_choice=False)
    budget = DecimalField(
        _l("预算（元）"),
        places=2,
        validators=[
            InputRequired(_l("请填写预算，没有就填 0。")),
            NumberRange(min=0, max=MAX_AMOUNT, message=_l("预算不能为负数。")),
        ],
    )
    deadline = DateField(_l("计划完成日期"), validators=[InputRequired(_l("请选择完成日期。"))])
    plan = TextAreaField(
        _l("实施方案"),
        filters=[_strip],
        validators=[DataRequired(_l("请写实施方案。")), Length(max=4000)],
    )


class PledgeForm(FlaskForm):
    """A pledge (认捐) to a project, from a listed resource or written in."""

    resource = SelectField(_l("来自资源清单（可不选）"), coerce=int, validate_choice=False)
    pledger = StringField(
        _l("认捐方"),
        filters=[_strip],
        validators=[Length(max=80, message=_l("最多 80 个字。"))],
    )
    kind = SelectField(_l("资源类型"), choices=list(KIND_LABELS.items()))
    amount = _amount(_l("认捐数量或金额"), _l("请填写大于 0 的数量或金额。"))
    unit = StringField(
        _l("单位（资金一律按元计）"),
        filters=[_strip],
        validators=[Optional(), Length(max=12, message=_l("最多 12 个字。"))],
    )


class DeliveredForm(FlaskForm):
    """How much of a pledge has arrived."""

    delivered = DecimalField(
        _l("已落地"),
        places=2,
        validators=[
            InputRequired(_l("请填写已落地的数量或金额。")),
            NumberRange(min=0, max=MAX_AMOUNT, message=_l("不能为负数。")),
        ],
    )


class BatchProjectForm(FlaskForm):
    """Put a proposed project into a batch."""

    project = SelectField(_l("加入项目"), coerce=int, validate_choice=False)


class BatchVoteForm(FlaskForm):
    """Put a batch to the vote at a meeting in session."""

    meeting = IntegerField(_l("会议"), validators=[InputRequired(_l("请选择正在召开的会议。"))])
