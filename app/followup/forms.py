"""Forms of the follow-up pages: resolutions, tasks, their progress and ratings."""

from datetime import date
from fractions import Fraction

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    DateField,
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget

from app.clock import today
from app.followup import labels, rates
from app.followup.workdays import MAX_WORKDAYS
from app.models import ResponsibleUnit, Topic, UnitStaff

REQUIRED = _l("这一项必须填写。")


def not_before_today(form, field):
    """A deadline may be today or later, never in the past."""
    if field.data and field.data < today():
        raise ValidationError(_l("截止日期不能早于今天。"))


def after_today(form, field):
    """A new deadline after reopening must leave time: tomorrow or later."""
    if field.data and field.data <= today():
        raise ValidationError(_l("新的截止日期要晚于今天。"))


def phone_visit_choices(task) -> list[tuple[int, str]]:
    """The residents' topics a task answers, as choices for a phone return visit."""
    return [(t.id, f"{t.receipt_no} {t.submitter_name or t.title}") for t in task.resolution.topics]


def topic_choices(topics: list[Topic]) -> list[tuple[int, str]]:
    """Topics as check-box choices: receipt number and title."""
    return [(t.id, f"{t.receipt_no} {t.title}") for t in topics]


def unit_choices(units: list[ResponsibleUnit]) -> list[tuple[int, str]]:
    """Responsible units as choices, in the order given."""
    return [(u.id, u.name) for u in units]


def assignee_choices(staff: list[UnitStaff]) -> list[tuple[int, str]]:
    """The people who may be put in charge ("unit · name"), after "nobody in particular" (0)."""
    return [(0, labels.NO_ASSIGNEE)] + [
        (s.user_id, f"{s.unit.name} · {s.user.name}") for s in staff
    ]


class MultiCheckboxField(SelectMultipleField):
    """Several choices as a list of check boxes (big, each with its label)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


#: The longest resolution text (or corrected wording) accepted: ample, yet not unbounded.
TEXT_MAX = 20000
#: The longest corrected wording per corrected part: what its column holds.
CORRECTION_MAX = {"title": 160, "text": TEXT_MAX}


class ResolutionForm(FlaskForm):
    """The decided text of a resolution, its date and the topics it answers."""

    title = StringField(_l("决议标题"), validators=[InputRequired(REQUIRED), Length(max=160)])
    text = TextAreaField(_l("决议内容"), validators=[InputRequired(REQUIRED), Length(max=TEXT_MAX)])
    decided_on = DateField(_l("决议日期"), validators=[InputRequired(REQUIRED)])
    topics = MultiCheckboxField(_l("这项决议回应的议题"), coerce=int, validators=[Optional()])


class CorrectionForm(FlaskForm):
    """A correction of a published resolution: which part, the new wording and why."""

    field = SelectField(_l("要更正的内容"), choices=list(labels.FIELD.items()))
    value = TextAreaField(
        _l("更正后的内容"), validators=[InputRequired(REQUIRED), Length(max=TEXT_MAX)]
    )
    reason = TextAreaField(
        _l("更正理由（会公开显示）"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )

    def for_draft(self) -> None:
        """A draft is simply edited: no reason is asked for."""
        self.reason.validators = [Optional()]

    def typed_value(self) -> str | date | None:
        """The new value in the field's type, or None with the problem said next to it.

        A date that does not parse, or a wording longer than the corrected part holds (a title
        holds 160 characters), is refused.
        """
        text = self.value.data.strip()
        if self.field.data != "decided_on":
            longest = CORRECTION_MAX.get(self.field.data, TEXT_MAX)
            if len(text) > longest:
                self.value.errors = [_("最多 %(max)d 个字。", max=longest)]
                return None
            return text
        try:
            return date.fromisoformat(text)
        except ValueError:
            self.value.errors = [labels.DATE_FORMAT]
            return None


class TaskForm(FlaskForm):
    """A task (督办事项) assigned to a responsible unit (派单)."""

    title = StringField(_l("事项名称"), validators=[InputRequired(REQUIRED), Length(max=160)])
    #: The body's units only; a unit of another body is refused by the view, next to the field.
    unit = SelectField(
        _l("主办单位"), coerce=int, validate_choice=False, validators=[InputRequired(REQUIRED)]
    )
    assignee = SelectField(_l("具体负责人（可不选）"), coerce=int, validators=[Optional()])
    description = TextAreaField(_l("要做什么"), validators=[Optional(), Length(max=4000)])
    done_definition = TextAreaField(
        _l("怎样算办完"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )
    workdays = IntegerField(
        _l("办理时限（工作日）"),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_WORKDAYS, message=_l("请填 1 到 250。")),
        ],
    )
    deadline = DateField(_l("或者：截止日期"), validators=[Optional(), not_before_today])
    co_unit = SelectField(
        _l("协办单位（可不选）"), coerce=int, validate_choice=False, validators=[Optional()]
    )
    co_part = TextAreaField(_l("协办单位要做的事"), validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None) -> bool:
        """Exactly one of the two: N 工作日 or a date; a co-unit comes with its part."""
        if not super().validate(extra_validators):
            return False
        if (self.workdays.data is None) == (self.deadline.data is None):
            self.workdays.errors.append(_l("请填写工作日数，或者选一个截止日期（二选一）。"))
            return False
        if self.co_unit.data and not (self.co_part.data or "").strip():
            self.co_part.errors.append(_l("请写明协办单位要做的事。"))
            return False
        if self.co_unit.data and self.co_unit.data == self.unit.data:
            self.co_unit.errors.append(labels.LEAD_IS_NOT_CO_UNIT)
            return False
        return True


class DeclineForm(FlaskForm):
    """A unit declines an assignment, saying why (退回召集人)."""

    reason = TextAreaField(_l("退回理由"), validators=[InputRequired(REQUIRED), Length(max=2000)])


class ProgressForm(FlaskForm):
    """A dated progress note, with a photo if there is one."""

    note = TextAreaField(_l("进展情况"), validators=[InputRequired(REQUIRED), Length(max=4000)])
    photo = FileField(_l("现场照片（可不传；JPG、PNG 或 WebP，不超过 5 MB）"))


class CompleteForm(FlaskForm):
    """The completion report (办结报告)."""

    report = TextAreaField(
        _l("办结报告：做了什么、结果如何"), validators=[InputRequired(REQUIRED), Length(max=4000)]
    )


class ContactForm(FlaskForm):
    """联系诉求人: when and how the unit reached the resident who raised the matter."""

    contact_method = RadioField(
        _l("联系方式"),
        choices=[("phone", _l("电话")), ("visit", _l("上门")), ("message", _l("短信或微信"))],
        validators=[InputRequired(REQUIRED)],
    )
    contacted_at = DateTimeLocalField(
        _l("联系时间"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(REQUIRED)]
    )
    contact_note = TextAreaField(
        _l("沟通情况"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )


class ExtensionForm(FlaskForm):
    """延期申请: a later deadline and the reason for it."""

    extend_to = DateField(_l("申请延至"), validators=[InputRequired(REQUIRED), after_today])
    extend_reason = TextAreaField(
        _l("延期理由"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )


class ExtensionAnswerForm(FlaskForm):
    """The convener's answer to an extension request: grant, or refuse with a reason."""

    answer = TextAreaField(_l("答复（不同意时必填）"), validators=[Optional(), Length(max=2000)])


class ExcludeForm(FlaskForm):
    """核减: leave an unreasonable request out of the unit's rates, with a public reason."""

    exclude_reason = TextAreaField(
        _l("核减理由（将公开）"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )


class ReassignForm(FlaskForm):
    """The convener assigns a declined task again."""

    unit = SelectField(
        _l("承办单位"), coerce=int, validate_choice=False, validators=[InputRequired(REQUIRED)]
    )
    deadline = DateField(_l("截止日期"), validators=[InputRequired(REQUIRED), not_before_today])
    note = TextAreaField(
        _l("给承办单位的说明（可不填）"), validators=[Optional(), Length(max=2000)]
    )


class PartForm(FlaskForm):
    """The convener gives a co-unit (协办单位) a part of the task."""

    part_unit = SelectField(
        _l("协办单位"), coerce=int, validate_choice=False, validators=[InputRequired(REQUIRED)]
    )
    part_description = TextAreaField(
        _l("协办单位要做的事"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )


class PartDeclineForm(FlaskForm):
    """A co-unit hands its part back, saying why (回退)."""

    part_reason = TextAreaField(
        _l("回退理由"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )


class PartProgressForm(FlaskForm):
    """A co-unit's progress note on its part."""

    part_note = TextAreaField(
        _l("进展情况"), validators=[InputRequired(REQUIRED), Length(max=4000)]
    )


class PartFinishForm(FlaskForm):
    """A co-unit reports its part done (完成)."""

    part_report = TextAreaField(
        _l("完成情况：做了什么"), validators=[InputRequired(REQUIRED), Length(max=4000)]
    )


class ReopenForm(FlaskForm):
    """The convener reopens a completed task with a new deadline."""

    deadline = DateField(_l("新的截止日期"), validators=[InputRequired(REQUIRED), after_today])
    note = TextAreaField(
        _l("需要继续办理的地方"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )


class CloseForm(FlaskForm):
    """The convener closes (销号) a task, with an optional note."""

    note = TextAreaField(_l("销号说明（可不填）"), validators=[Optional(), Length(max=2000)])


YES_NO = [("yes", _l("是")), ("no", _l("否"))]


class RatingForm(FlaskForm):
    """A return visit (回访): 是否联系, 是否解决, the five-level rating and an optional comment.

    On a phone it takes three taps: 是/否, 是/否, then one of the five rating buttons, which
    submits the form.
    """

    contacted = RadioField(
        _l("承办单位联系过您吗？"),
        choices=YES_NO,
        validators=[InputRequired(_l("请选择“是”或“否”。"))],
    )
    solved = RadioField(
        _l("问题解决了吗？"), choices=YES_NO, validators=[InputRequired(_l("请选择“是”或“否”。"))]
    )
    value = RadioField(
        _l("您对办理结果的评价"),
        choices=list(labels.RATING.items()),
        validators=[InputRequired(_l("请选择一个评价。"))],
    )
    comment = TextAreaField(_l("想说的话（可不填）"), validators=[Optional(), Length(max=2000)])


class PhoneVisitForm(RatingForm):
    """A return visit by phone the convener records for a resident without a phone of their own."""

    topic = SelectField(_l("诉求人（议题）"), coerce=int, validators=[InputRequired(REQUIRED)])


def _fraction(form, field):
    """A weight typed as 0.9 or 9/10, between 0 and 1."""
    try:
        value = Fraction(str(field.data).strip())
    except (ValueError, ZeroDivisionError):
        raise ValidationError(_l("请写成 0.9 或 9/10 这样的数。")) from None
    if not 0 <= value <= 1:
        raise ValidationError(_l("要在 0 到 1 之间。"))


class FollowupSettingsForm(FlaskForm):
    """The body's follow-up limits and the definitions of the units' rates."""

    notice_days = IntegerField(
        _l("决议公示期（天）"), validators=[InputRequired(REQUIRED), NumberRange(0, 60)]
    )
    sign_hours = IntegerField(
        _l("签收时限（小时）"), validators=[InputRequired(REQUIRED), NumberRange(1, 720)]
    )
    rectify_workdays = IntegerField(
        _l("差评后整改期限（工作日）"), validators=[InputRequired(REQUIRED), NumberRange(1, 60)]
    )
    remind_workdays = IntegerField(
        _l("提前几个工作日提醒"), validators=[InputRequired(REQUIRED), NumberRange(0, 20)]
    )
    escalate_workdays = IntegerField(
        _l("逾期几个工作日提交联席会议（吹哨报到）"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 60)],
    )
    basic_weight = StringField(
        _l("满意率中“基本满意”的权重"),
        validators=[InputRequired(REQUIRED), Length(max=20), _fraction],
    )
    response_weight = StringField(
        _l("综合得分中响应率的权重"),
        validators=[InputRequired(REQUIRED), Length(max=20), _fraction],
    )
    resolution_weight = StringField(
        _l("综合得分中解决率的权重"),
        validators=[InputRequired(REQUIRED), Length(max=20), _fraction],
    )
    satisfaction_weight = StringField(
        _l("综合得分中满意率的权重"),
        validators=[InputRequired(REQUIRED), Length(max=20), _fraction],
    )

    @classmethod
    def for_body(cls, body) -> "FollowupSettingsForm":
        """A fresh form showing the body's settings."""
        definitions = rates.Definitions.parse(body.rate_definitions)
        form = cls(formdata=None, obj=body)
        form.basic_weight.data = str(definitions.basic_weight)
        form.response_weight.data = str(definitions.response_weight)
        form.resolution_weight.data = str(definitions.resolution_weight)
        form.satisfaction_weight.data = str(definitions.satisfaction_weight)
        return form

    def validate_satisfaction_weight(self, field) -> None:
        """The three weights of 综合 add up to exactly 1."""
        try:
            parts = [
                Fraction(str(f.data).strip())
                for f in (self.response_weight, self.resolution_weight, field)
            ]
        except (ValueError, ZeroDivisionError):
            return
        if sum(parts) != 1:
            raise ValidationError(_l("三个权重加起来要正好等于 1。"))

    def settings(self) -> dict:
        """The typed values as ``rules.change_followup_settings`` takes them."""

        def exact(field) -> str:
            return str(Fraction(str(field.data).strip()))

        return {
            "notice_days": self.notice_days.data,
            "sign_hours": self.sign_hours.data,
            "rectify_workdays": self.rectify_workdays.data,
            "remind_workdays": self.remind_workdays.data,
            "escalate_workdays": self.escalate_workdays.data,
            "rate_definitions": {
                "basic_weight": exact(self.basic_weight),
                "weights": {
                    "response": exact(self.response_weight),
                    "resolution": exact(self.resolution_weight),
                    "satisfaction": exact(self.satisfaction_weight),
                },
            },
        }


class ObjectionForm(FlaskForm):
    """An objection (异议) to a resolution in its notice period; the name may be left out."""

    text = TextAreaField(
        _l("您的异议和理由"), validators=[InputRequired(REQUIRED), Length(max=2000)]
    )
    name = StringField(_l("称呼（可不填，会公开）"), validators=[Optional(), Length(max=64)])


class ObjectionAnswerForm(FlaskForm):
    """The convener's public answer to an objection."""

    answer = TextAreaField(_l("公开答复"), validators=[InputRequired(REQUIRED), Length(max=2000)])


class BodyUnitForm(FlaskForm):
    """Add a responsible unit to the body: an existing one, or a new one by name."""

    existing = SelectField(_l("已有的单位"), coerce=int, default=0)
    name = StringField(_l("或者：新单位的名称"), validators=[Optional(), Length(max=80)])
    description = TextAreaField(_l("简介（可不填）"), validators=[Optional(), Length(max=2000)])

    def validate(self, extra_validators=None) -> bool:
        """Exactly one of the two: an existing unit or a new name."""
        if not super().validate(extra_validators):
            return False
        if bool(self.existing.data) == bool((self.name.data or "").strip()):
            self.name.errors.append(_l("请选一个已有的单位，或者填写新单位的名称（二选一）。"))
            return False
        return True


class InviteStaffForm(FlaskForm):
    """Invite a person to a unit's staff: a new account that signs in by personal link."""

    unit = SelectField(_l("承办单位"), coerce=int, validators=[InputRequired(REQUIRED)])
    name = StringField(_l("姓名"), validators=[InputRequired(REQUIRED), Length(max=64)])
    phone = StringField(
        _l("手机号（可不填）"),
        validators=[
            Optional(),
            Length(max=20),
            Regexp(r"^1\d{10}$", message=_l("请填写 11 位手机号。")),
        ],
    )
