"""Forms for raising a topic and for the convener's triage actions."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Optional, ValidationError
from wtforms.validators import Length as _Length

from app.topics.labels import DECLINE_LABELS
from app.topics.submission import normalize_mobile

TITLE_MAX = 60
DESCRIPTION_MAX = 2000
LOCATION_MAX = 100
NAME_MAX = 30
NOTE_MAX = 500


class Length(_Length):
    """A length limit the server checks and states in words, with no ``maxlength`` in the HTML.

    A browser's maxlength silently cuts pasted text and stops typing without saying why; an
    older resident would lose words without noticing.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.field_flags = {}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


class TopicForm(FlaskForm):
    """A problem or proposal raised by anyone (群众点单); ``categories`` come from the body."""

    title = StringField(
        _l("一句话说清是什么事"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写一个标题，一句话说清是什么事。")),
            Length(max=TITLE_MAX, message=_l("标题最多 %(max)d 个字，现在有 %(length)d 个字。")),
        ],
    )
    description = TextAreaField(
        _l("详细说说"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请说说具体情况：在哪里、什么时候、影响了谁。")),
            Length(
                max=DESCRIPTION_MAX,
                message=_l("详细说明最多 %(max)d 个字，现在有 %(length)d 个字，请删减一些。"),
            ),
        ],
    )
    category = SelectField(_l("属于哪一类"), validate_choice=False)
    location = StringField(
        _l("地点（可不填）"),
        filters=[_strip],
        validators=[
            Length(max=LOCATION_MAX, message=_l("地点最多 %(max)d 个字。")),
        ],
    )
    name = StringField(
        _l("怎么称呼您（可不填）"),
        filters=[_strip],
        validators=[Length(max=NAME_MAX, message=_l("称呼最多 %(max)d 个字。"))],
    )
    phone = StringField(
        _l("手机号（可不填）"),
        filters=[_strip],
        validators=[Optional(), Length(max=20, message=_l("手机号太长了。"))],
    )
    #: A honeypot: hidden from people and screen readers, so only a bot fills it in.
    website = StringField(_l("网址（请留空）"), validators=[Length(max=200)])

    def __init__(self, categories: list[str], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice("", _l("请选择"))] + [
            SelectChoice(c, c) for c in categories
        ]
        self.category.validators = [
            DataRequired(_l("请选择议题属于哪一类。")),
            AnyOf(categories, message=_l("请从列表里选择一类。")),
        ]

    def validate_phone(self, field):
        """A Chinese mobile number, typed any common way."""
        if field.data and normalize_mobile(field.data) is None:
            raise ValidationError(_l("手机号好像不对，请填写 11 位手机号，例如 13812345678。"))

    def topic_fields(self) -> dict:
        """The topic's columns as typed (the phone stored as 11 digits)."""
        return {
            "title": self.title.data,
            "description": self.description.data,
            "category": self.category.data,
            "location": self.location.data or "",
            "submitter_name": self.name.data or "",
            "submitter_phone": normalize_mobile(self.phone.data or "") or "",
        }


class AddInfoForm(FlaskForm):
    """The submitter's answer when the convener asked for more information."""

    info = TextAreaField(
        _l("补充说明"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写下要补充的内容。")),
            Length(max=DESCRIPTION_MAX, message=_l("补充说明最多 %(max)d 个字。")),
        ],
    )


class NeedsInfoForm(FlaskForm):
    """Ask the submitter for more information, saying what is missing."""

    note = TextAreaField(
        _l("需要对方补充什么"),
        filters=[_strip],
        validators=[
            DataRequired(_l("请写明需要补充什么，提交人会在跟进页面看到。")),
            Length(max=NOTE_MAX, message=_l("最多 %(max)d 个字。")),
        ],
    )


class DeclineForm(FlaskForm):
    """Decline a topic with a public reason from the list, and optional words of explanation."""

    reason = SelectField(
        _l("不予受理的理由（会公开显示）"),
        choices=[SelectChoice("", _l("请选择理由"))]
        + [SelectChoice(code, label) for code, label in DECLINE_LABELS.items()],
        validate_choice=False,
        validators=[
            DataRequired(_l("请选择一个理由，理由会公开显示。")),
            AnyOf(list(DECLINE_LABELS), message=_l("请从列表里选择理由。")),
        ],
    )
    note = TextAreaField(
        _l("补充说明（会公开显示）"),
        filters=[_strip],
        validators=[Length(max=NOTE_MAX, message=_l("最多 %(max)d 个字。"))],
    )


class MergeForm(FlaskForm):
    """Merge a topic into another open topic of the same body."""

    into = SelectField(_l("合并到哪个议题"), coerce=int, validate_choice=False)
    note = TextAreaField(
        _l("说明（可不填）"),
        filters=[_strip],
        validators=[Length(max=NOTE_MAX, message=_l("最多 %(max)d 个字。"))],
    )

    def __init__(self, candidates, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.into.choices = [SelectChoice(0, _l("请选择"))] + [
            SelectChoice(t.id, f"{t.receipt_no} {t.title}") for t in candidates
        ]
        self._ids = [t.id for t in candidates]

    def validate_into(self, field):
        """The survivor must be one of the offered topics."""
        if not field.data:
            raise ValidationError(_l("请选择要合并到的议题。"))
        if field.data not in self._ids:
            raise ValidationError(_l("只能合并到本联席会议仍在处理中的其他议题。"))
