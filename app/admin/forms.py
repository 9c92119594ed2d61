"""Forms of the administrator pages: bodies, their conveners, responsible units and staff."""

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, Regexp, ValidationError

from app.bodies import setup
from app.bodies.setup import SetupError
from app.extensions import db
from app.followup import calendar_table
from app.models import Body, ResponsibleUnit, User

SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]{0,39}$"
USERNAME_PATTERN = r"^[A-Za-z0-9_.]{3,64}$"
SLUG_MESSAGE = _l("只能用英文小写字母、数字和 -，例如 huaxing")


class BodyForm(FlaskForm):
    """A new body (联席会议): its address, names and description."""

    slug = StringField(
        _l("网址代号"),
        validators=[
            InputRequired(_l("请填写网址代号")),
            Regexp(SLUG_PATTERN, message=SLUG_MESSAGE),
            Length(max=40),
        ],
    )
    name = StringField(_l("全称"), validators=[InputRequired(_l("请填写全称")), Length(max=120)])
    short_name = StringField(
        _l("简称"), validators=[InputRequired(_l("请填写简称")), Length(max=40)]
    )
    description = TextAreaField(_l("简介（可不填）"), validators=[Optional(), Length(max=2000)])

    def validate_slug(self, field) -> None:
        """Two bodies cannot share an address."""
        if db.session.scalar(sa.select(Body.id).where(Body.slug == field.data)) is not None:
            raise ValidationError(_("这个网址代号已经被别的会议用了，请换一个。"))


class UnitForm(FlaskForm):
    """A new responsible unit (承办单位)."""

    slug = StringField(
        _l("网址代号"),
        validators=[
            InputRequired(_l("请填写网址代号")),
            Regexp(SLUG_PATTERN, message=SLUG_MESSAGE),
            Length(max=40),
        ],
    )
    name = StringField(
        _l("单位名称"), validators=[InputRequired(_l("请填写单位名称")), Length(max=80)]
    )
    description = TextAreaField(_l("简介（可不填）"), validators=[Optional(), Length(max=2000)])

    def validate_slug(self, field) -> None:
        """Two units cannot share an address."""
        query = sa.select(ResponsibleUnit.id).where(ResponsibleUnit.slug == field.data)
        if db.session.scalar(query) is not None:
            raise ValidationError(_("这个网址代号已经被别的单位用了，请换一个。"))


class PersonForm(FlaskForm):
    """Pick an existing person, or create one: name, phone, and optionally username/password."""

    person = SelectField(_l("选择已有人员"), coerce=int, default=0)
    name = StringField(_l("姓名"), validators=[Length(max=64)])
    phone = StringField(_l("手机号"), validators=[Length(max=20)])
    # No "-" or space: signing in ignores both in what is typed (phone numbers are typed with
    # them), so a username holding one could never sign in.
    username = StringField(
        _l("用户名（可不填）"),
        validators=[
            Optional(),
            Regexp(
                USERNAME_PATTERN,
                message=_l("用户名用 3 个以上英文字母、数字、下划线或点，不能有“-”或空格"),
            ),
            Length(max=64),
        ],
    )
    password = PasswordField(
        _l("密码（可不填，至少 8 位）"),
        validators=[Optional(), Length(min=8, max=128, message=_l("密码至少 8 位"))],
    )

    def fill_people(self, people) -> None:
        """Offer these people, after the choice of creating a new one."""
        self.person.choices = [SelectChoice(0, _("— 新建一位 —"))] + [
            SelectChoice(p.id, p.name + _("（%(text)s）", text=p.phone or p.username or p.id))
            for p in people
        ]

    def validate_name(self, field) -> None:
        """A new person needs a name."""
        if not self.person.data and not (field.data or "").strip():
            raise ValidationError(_("新建人员时请填写姓名。"))

    def validate_phone(self, field) -> None:
        """A new person needs a phone number nobody else has."""
        if self.person.data:
            return
        if not (field.data or "").strip():
            raise ValidationError(_("新建人员时请填写手机号。"))
        try:
            field.data = setup.normalize_phone(field.data)
        except SetupError as error:
            raise ValidationError(error.say(_)) from None
        if db.session.scalar(sa.select(User.id).where(User.phone == field.data)) is not None:
            raise ValidationError(_("这个手机号已经登记过了，请在上面“选择已有人员”里选这个人。"))

    def validate_username(self, field) -> None:
        """Usernames are unique."""
        if field.data and db.session.scalar(sa.select(User.id).where(User.username == field.data)):
            raise ValidationError(_("这个用户名已经有人用了，请换一个。"))


class CalendarYearForm(FlaskForm):
    """A year's 法定节假日 and 调休 working days, one day a line, as the official notice says."""

    holidays = TextAreaField(
        _l("放假的日子（法定节假日）"), validators=[Optional(), Length(max=5000)]
    )
    workdays = TextAreaField(
        _l("调休上班的日子（周末补班）"), validators=[Optional(), Length(max=5000)]
    )
    note = StringField(_l("依据（例如国务院办公厅的通知文号）"), validators=[Length(max=200)])

    def days(self, year: int):
        """The two lists as ``{day: name}``; None with the problem said next to the field."""
        parsed = {}
        for field in (self.holidays, self.workdays):
            try:
                parsed[field.name] = calendar_table.parse_days(field.data or "", year)
            except calendar_table.DayLineError as error:
                message = (
                    _(
                        "“%(line)s”不是日期。请写成 2027-02-11 春节 这样，一行一天。",
                        line=error.line,
                    )
                    if error.reason == "not_a_date"
                    else _("“%(line)s”不在 %(year)s 年里。", line=error.line, year=year)
                )
                field.errors = [*field.errors, message]
        if len(parsed) < 2:
            return None
        clash = calendar_table.both_ways(parsed["holidays"], parsed["workdays"])
        if clash:
            self.workdays.errors = [
                *self.workdays.errors,
                _(
                    "这些日子不能既放假又上班：%(days)s。",
                    days=", ".join(d.isoformat() for d in clash),
                ),
            ]
            return None
        return parsed["holidays"], parsed["workdays"]
