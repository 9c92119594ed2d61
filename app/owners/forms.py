"""Forms of the owners' pages: the registry upload, a new decision, a ballot, a paper ballot."""

from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired, MultipleFileField
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.owners.labels import ARTICLE_278, CHOICES


class RegistryUploadForm(FlaskForm):
    """The property company's spreadsheet (CSV or XLSX) to preview."""

    sheet = FileField(
        _l("台账文件（.csv 或 .xlsx）"), validators=[FileRequired(_l("请选择文件。"))]
    )


class RegistrySaveForm(FlaskForm):
    """The checked rows, carried from the preview to the save (checked again on save)."""

    rows = HiddenField(validators=[DataRequired()])


class DecisionForm(FlaskForm):
    """A new owners' decision: matter, proposal, scope and window."""

    title = StringField(
        _l("表决事项"), validators=[DataRequired(_l("请填写表决事项。")), Length(max=200)]
    )
    text = TextAreaField(
        _l("方案内容"), validators=[DataRequired(_l("请填写方案内容。")), Length(max=10000)]
    )
    item = SelectField(
        _l("属于《民法典》第二百七十八条的哪一项"),
        choices=[],
        validators=[DataRequired()],
    )
    whole_compound = BooleanField(_l("全体业主（整个小区）"), default=True)
    buildings = SelectMultipleField(_l("或只限这些楼栋"), choices=[], validators=[Optional()])
    opens_at = DateTimeLocalField(
        _l("投票开始"), format="%Y-%m-%dT%H:%M", validators=[DataRequired(_l("请填写开始时间。"))]
    )
    resolution = SelectField(_l("来自议事会的决议（可不选）"), choices=[], validators=[Optional()])
    attachments = MultipleFileField(_l("附件（图片或 PDF，每个不超过 10 MB，可不传）"))
    closes_at = DateTimeLocalField(
        _l("投票截止"), format="%Y-%m-%dT%H:%M", validators=[DataRequired(_l("请填写截止时间。"))]
    )

    def __init__(self, *args, **kwargs):
        """Number the items of art. 278 in the reader's language: （1）… to （9）…."""
        super().__init__(*args, **kwargs)
        self.item.choices = [
            (str(n), gettext("（%(n)s）%(label)s", n=n, label=label))
            for n, label in ARTICLE_278.items()
        ]


class ChoiceForm(FlaskForm):
    """An owner's choice, first to confirm (confirm empty), then to record (confirm = 1)."""

    choice = HiddenField()
    confirm = HiddenField()


class ExtendForm(FlaskForm):
    """Extending the window once, with the reason shown on the board."""

    closes_at = DateTimeLocalField(
        _l("新的截止时间"),
        format="%Y-%m-%dT%H:%M",
        validators=[DataRequired(_l("请填写新的截止时间。"))],
    )
    reason = TextAreaField(
        _l("延长理由（会在公示栏显示）"),
        validators=[DataRequired(_l("请填写延长理由。")), Length(max=1000)],
    )


class PaperForm(FlaskForm):
    """A paper ballot as entered by the first committee member (录入)."""

    serial = StringField(
        _l("表决票编号"), validators=[DataRequired(_l("请填写编号。")), Length(max=40)]
    )
    unit = StringField(
        _l("房号（楼栋-单元-房号）"), validators=[DataRequired(_l("请填写房号。")), Length(max=40)]
    )
    choice = SelectField(_l("表决意见"), choices=list(CHOICES.items()), validators=[DataRequired()])


class CodeForm(FlaskForm):
    """The short code printed on the owner's notice."""

    code = StringField(
        _l("表决码"), validators=[DataRequired(_l("请输入通知书上的表决码。")), Length(max=20)]
    )


class SettingsForm(FlaskForm):
    """The compound's rules of procedure for owners' decisions (业主大会议事规则)."""

    notice_days = IntegerField(
        _l("公示期（天）"),
        validators=[
            InputRequired(_l("请填写天数。")),
            NumberRange(0, 90, _l("请填写 0 到 90 天。")),
        ],
    )
    max_extension_days = IntegerField(
        _l("投票期最多延长（天）"),
        validators=[
            InputRequired(_l("请填写天数。")),
            NumberRange(0, 90, _l("请填写 0 到 90 天。")),
        ],
    )
