"""Forms for setting up a body: constituencies, seat suggestion, settings, rule and roster."""

from types import SimpleNamespace

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    IntegerField,
    RadioField,
    SelectChoice,
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

from app.bodies import setup
from app.bodies.setup import SetupError
from app.counting import presets
from app.counting.presets import PRESETS, PresetError
from app.models import Body, Seat

KEY_PATTERN = r"^[a-z0-9_-]{1,40}$"


def _choices(pairs) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]


RATING_RULES = _choices(
    [
        ("majority_basic", _l("多数评价为基本满意及以上即销号")),
        ("all_basic", _l("全部评价为基本满意及以上才销号")),
    ]
)
WEIGHTINGS = _choices(
    [
        ("seat", _l("每个席位一票")),
        ("quota", _l("按界别配额计票（每个界别全部出席时正好占它的份额）")),
        ("bloc", _l("按界别整体计票（每个界别按它的份额算，不论出席多少）")),
    ]
)
BASES = _choices(
    [
        ("cast", _l("赞成票与反对票合计（弃权不计）")),
        ("voted", _l("全部投票（弃权算作不赞成）")),
        ("present", _l("出席的席位（不投票也算作不赞成）")),
        ("entitled", _l("全体席位")),
    ]
)
OPS = _choices([(">", _l("超过")), (">=", _l("达到"))])
OPTIONAL_OPS = _choices([("", _l("不要求")), (">", _l("超过")), (">=", _l("达到"))])
CONCURRENT_MODES = _choices(
    [
        ("none", _l("不要求")),
        ("all", _l("每个界别都要各自通过")),
        ("list", _l("下面勾选的界别要各自通过")),
    ]
)


def _share(form, field) -> None:
    if field.data and field.data.strip():
        try:
            setup.parse_share(field.data)
        except SetupError as error:
            raise ValidationError(error.say(_)) from None


def _fraction(form, field) -> None:
    if field.data and field.data.strip():
        try:
            value = setup.parse_fraction_text(field.data)
        except SetupError as error:
            raise ValidationError(error.say(_)) from None
        if not 0 <= value <= 1:
            raise ValidationError(_("比例要在 0 到 1（100%）之间。"))


class ConstituencyForm(FlaskForm):
    """A constituency (界别): its name, seats, share and whether the share is a minimum."""

    name = StringField(
        _l("界别名称"), validators=[InputRequired(_l("请填写界别名称")), Length(max=60)]
    )
    seats = IntegerField(
        _l("席位数"),
        validators=[
            InputRequired(_l("请填写席位数（整数）")),
            NumberRange(1, 999, _l("席位数要在 1 到 999 之间")),
        ],
    )
    share = StringField(_l("份额（可不填）"), validators=[Optional(), Length(max=32), _share])
    share_is_minimum = BooleanField(_l("这是最低配额（席位不能少于这个比例）"))
    position = IntegerField(
        _l("排列顺序"), validators=[Optional(), NumberRange(0, 999, _l("顺序要在 0 到 999 之间"))]
    )

    def validate_share_is_minimum(self, field) -> None:
        """A minimum quota needs a share to be a minimum of."""
        if field.data and not (self.share.data or "").strip():
            raise ValidationError(_("勾选最低配额时，请同时填写份额。"))


class NewConstituencyForm(ConstituencyForm):
    """A new constituency also gets a short code that rules and exports refer to."""

    key = StringField(
        _l("代号（英文小写字母或数字，建好后不能改）"),
        validators=[
            InputRequired(_l("请填写代号")),
            Regexp(KEY_PATTERN, message=_l("代号只能用英文小写字母、数字、- 和 _")),
            Length(max=40),
        ],
    )


class ApportionForm(FlaskForm):
    """How many seats the body has in all, to share by the quotas."""

    class Meta:
        """A GET that changes nothing needs no CSRF token."""

        csrf = False

    total = IntegerField(
        _l("总席位数"),
        validators=[
            InputRequired(_l("请填写总席位数（整数）")),
            NumberRange(1, 999, _l("总席位数要在 1 到 999 之间")),
        ],
    )


class ApplyApportionForm(FlaskForm):
    """Apply the suggestion for this many seats."""

    total = IntegerField(validators=[InputRequired(), NumberRange(1, 999)])


class SettingsForm(FlaskForm):
    """Other settings of a body: seconds, proxies, topic categories, numbering, rating."""

    seconds_needed = IntegerField(
        _l("议题需要几位成员附议"),
        validators=[
            InputRequired(_l("请填写人数（整数，0 表示不需要附议）")),
            NumberRange(0, 99, _l("人数要在 0 到 99 之间")),
        ],
    )
    allow_multiple_proxies = BooleanField(_l("允许一位成员同时接受几个席位的委托"))
    minutes_members_only = BooleanField(_l("会议纪要只对本会议成员公开"))
    confirm_ballots = BooleanField(_l("投票时再点一次“确认”，防止点错"))
    topic_categories = TextAreaField(
        _l("议题类别（每行一个）"),
        validators=[InputRequired(_l("请至少填写一个类别")), Length(max=2000)],
    )
    resolution_number_format = StringField(
        _l("决议编号格式"),
        validators=[InputRequired(_l("请填写决议编号格式")), Length(max=80)],
    )
    rating_rule = SelectField(_l("评单销号规则"), choices=RATING_RULES)

    @classmethod
    def for_body(cls, body: Body) -> "SettingsForm":
        """A fresh form showing the body's settings, its categories one per line."""
        form = cls(formdata=None, obj=body)
        form.topic_categories.data = "\n".join(body.topic_categories or [])
        return form

    def validate_topic_categories(self, field) -> None:
        """Each category is short; no category appears twice."""
        try:
            setup.parse_categories(field.data)
        except SetupError as error:
            raise ValidationError(error.say(_)) from None

    def validate_resolution_number_format(self, field) -> None:
        """The format must name {number} and render with the known placeholders."""
        try:
            setup.resolution_number(field.data, short_name="联席", year=2026, number=1)
        except SetupError as error:
            raise ValidationError(error.say(_)) from None


class MultiCheckboxField(SelectMultipleField):
    """A list of checkboxes, each with its own label."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RuleForm(FlaskForm):
    """The body's default voting rule: a named preset, or the advanced fields."""

    preset = RadioField(
        _l("表决规则"),
        choices=_choices([(key, p.label) for key, p in PRESETS.items()] + [("advanced", "")]),
        validators=[InputRequired(_l("请选择一种表决规则"))],
    )
    weighting = RadioField(_l("怎样计票"), choices=WEIGHTINGS, default="seat")
    base = SelectField(_l("赞成票和什么比"), choices=BASES, default="cast")
    threshold_op = SelectField(_l("赞成票要"), choices=OPS, default=">")
    threshold_value = StringField(
        _l("比例"),
        default="1/2",
        validators=[InputRequired(_l("请填写比例")), Length(max=32), _fraction],
    )
    quorum_op = SelectField(_l("出席人数要"), choices=OPTIONAL_OPS, default="")
    quorum_value = StringField(_l("占全体席位的比例"), validators=[Length(max=32), _fraction])
    bloc_quorum_op = SelectField(_l("每个界别的出席人数要"), choices=OPTIONAL_OPS, default="")
    bloc_quorum_value = StringField(
        _l("占本界别席位的比例"), validators=[Length(max=32), _fraction]
    )
    concurrent_mode = RadioField(_l("界别单独通过"), choices=CONCURRENT_MODES, default="none")
    concurrent = MultiCheckboxField(_l("要单独通过的界别"), choices=[])
    headcount_too = BooleanField(_l("按人数计也要达到同样比例（双重多数）"))

    def validate_quorum_value(self, field) -> None:
        """A quorum test needs its proportion."""
        if self.quorum_op.data and not (field.data or "").strip():
            raise ValidationError(_("要求出席人数时，请填写比例，例如 1/2。"))

    def validate_bloc_quorum_value(self, field) -> None:
        """A bloc quorum test needs its proportion."""
        if self.bloc_quorum_op.data and not (field.data or "").strip():
            raise ValidationError(_("要求每个界别出席人数时，请填写比例，例如 1/2。"))

    @classmethod
    def for_body(cls, body: Body) -> "RuleForm":
        """A fresh form filled from the body's current rule."""
        current = presets.normalize_rule(body.default_rule or {})
        concurrent = current["concurrent"]
        return cls(
            formdata=None,
            preset=presets.match_preset(current, body) or "advanced",
            weighting=current["weighting"],
            base=current["base"],
            threshold_op=current["threshold"]["op"],
            threshold_value=current["threshold"]["value"],
            quorum_op=(current["quorum"] or {}).get("op", ""),
            quorum_value=(current["quorum"] or {}).get("value", ""),
            bloc_quorum_op=(current["bloc_quorum"] or {}).get("op", ""),
            bloc_quorum_value=(current["bloc_quorum"] or {}).get("value", ""),
            concurrent_mode="list" if isinstance(concurrent, list) else concurrent,
            concurrent=concurrent if isinstance(concurrent, list) else [],
            headcount_too=current["headcount_too"],
        )

    def rule_for(self, body: Body) -> dict | None:
        """The rule the form asks for, or None with the problem put next to its field."""
        if self.preset.data != "advanced":
            try:
                new_rule = presets.rule_for_preset(self.preset.data, body)
            except PresetError as error:
                self.preset.errors.append(_(error.msgid))
                return None
        else:
            new_rule = self._advanced_rule()
        problem = presets.check_rule(new_rule, body.constituencies)
        if problem is not None:
            advanced = self.preset.data == "advanced"
            field = getattr(self, problem.field) if advanced else self.preset
            field.errors.append(problem.say(_))
            return None
        return new_rule

    def _advanced_rule(self) -> dict:
        """The rule written in the advanced fields."""

        def test(op, value):
            return {"op": op, "value": str(setup.parse_fraction_text(value))}

        new_rule = {
            "weighting": self.weighting.data,
            "base": self.base.data,
            "threshold": test(self.threshold_op.data, self.threshold_value.data),
        }
        if self.quorum_op.data:
            new_rule["quorum"] = test(self.quorum_op.data, self.quorum_value.data)
        if self.bloc_quorum_op.data:
            new_rule["bloc_quorum"] = test(self.bloc_quorum_op.data, self.bloc_quorum_value.data)
        mode = self.concurrent_mode.data
        if mode == "list":
            new_rule["concurrent"] = list(self.concurrent.data or [])
        elif mode == "all":
            new_rule["concurrent"] = "all"
        if self.headcount_too.data:
            new_rule["headcount_too"] = True
        return new_rule


class SeatForm(FlaskForm):
    """Who holds a seat: a person by name and phone, and whom they represent."""

    name = StringField(_l("姓名"), validators=[InputRequired(_l("请填写姓名")), Length(max=64)])
    phone = StringField(
        _l("手机号"), validators=[InputRequired(_l("请填写手机号")), Length(max=20)]
    )
    represents = StringField(_l("代表（单位或店铺，可不填）"), validators=[Length(max=80)])

    @classmethod
    def for_seat(cls, seat: Seat) -> "SeatForm":
        """The form for a seat, showing its holder (the request's data wins on a POST)."""
        holder = seat.holder
        return cls(
            obj=SimpleNamespace(
                name=holder.name if holder else "",
                phone=(holder.phone or "") if holder else "",
                represents=seat.represents or "",
            )
        )

    def validate_phone(self, field) -> None:
        """A phone number is 5 to 20 digits, perhaps with a leading +."""
        try:
            field.data = setup.normalize_phone(field.data)
        except SetupError as error:
            raise ValidationError(error.say(_)) from None
