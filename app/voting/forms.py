"""Forms of the voting pages: a new motion, show-of-hands counts, cancel, one-tap ballots."""

from fractions import Fraction

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from app.counting import tally
from app.counting.presets import PRESETS, PresetError, describe_rule, rule_for_preset
from app.models.statuses import Choice, MotionKind
from app.voting import rules

KINDS = [
    (MotionKind.ROLL_CALL.value, _l("记名投票（谁投了什么会记录下来）")),
    (MotionKind.SECRET.value, _l("无记名投票（只记录谁投过，不记录选择）")),
    (MotionKind.HANDS.value, _l("举手表决（由召集人点数后填写）")),
]
WEIGHTINGS = [
    ("seat", _l("每个席位一票")),
    ("quota", _l("按界别配额计票")),
    ("bloc", _l("按界别整体计票")),
]
BASES = [
    ("cast", _l("赞成票与反对票合计（弃权不计）")),
    ("voted", _l("全部投票（弃权算作不赞成）")),
    ("present", _l("出席的席位（不投票也算作不赞成）")),
    ("entitled", _l("全体席位")),
]
OPS = [(">", _l("超过")), (">=", _l("达到"))]
OPTIONAL_OPS = [("", _l("不要求")), (">", _l("超过")), (">=", _l("达到"))]
CONCURRENT = [("none", _l("不要求")), ("all", _l("每个界别都要各自通过"))]


def _rescindable_label(motion) -> str:
    """An earlier counted motion as offered for reconsideration: meeting, text, outcome."""
    outcome = _("通过") if motion.passed else _("未通过")
    text = motion.text if len(motion.text) <= 40 else motion.text[:40] + "…"
    return f"{motion.meeting.title}{_('：')}{text}" + _("（%(text)s）", text=outcome)


def _strip(value):
    """Typed text without surrounding blanks."""
    return value.strip() if isinstance(value, str) else value


def _fraction(form, field) -> None:
    """A proportion from 0 to 1, written 1/2, 2/3 or 0.5."""
    if field.data and field.data.strip():
        try:
            value = tally.parse_fraction(field.data.strip())
        except tally.TallyInputError:
            raise ValidationError(_("请填写一个比例，例如 1/2、2/3 或 0.5。")) from None
        if not 0 <= value <= 1:
            raise ValidationError(_("比例要在 0 到 1 之间。"))


class MotionForm(FlaskForm):
    """A motion for a decision item: its text, how it is voted, and its rule.

    The rule is the body's default, a named preset, or the custom fields below them; the
    custom fields start from the body's default rule.
    """

    text = TextAreaField(
        _l("表决内容（请写清楚要大家同意什么）"),
        filters=[_strip],
        validators=[DataRequired(_l("请填写表决内容")), Length(max=2000)],
    )
    kind = RadioField(_l("投票方式"), choices=KINDS, default=MotionKind.ROLL_CALL.value)
    rule_choice = RadioField(
        _l("表决规则"), validators=[InputRequired(_l("请选择表决规则"))], default="default"
    )
    weighting = SelectField(_l("怎样计票"), choices=WEIGHTINGS, default="seat")
    base = SelectField(_l("赞成票和什么比"), choices=BASES, default="cast")
    threshold_op = SelectField(_l("赞成票要"), choices=OPS, default=">")
    threshold_value = StringField(
        _l("比例"),
        default="1/2",
        validators=[InputRequired(_l("请填写比例")), Length(max=32), _fraction],
    )
    quorum_op = SelectField(_l("出席人数要"), choices=OPTIONAL_OPS, default="")
    quorum_value = StringField(
        _l("占全体席位的比例"), validators=[Optional(), Length(max=32), _fraction]
    )
    concurrent = SelectField(_l("界别单独通过"), choices=CONCURRENT, default="none")
    headcount_too = BooleanField(_l("按人数计也要达到同样比例（双重多数）"))
    rescinds = SelectField(_l("复议以前的决定"), default="", validate_choice=True)

    def __init__(self, body, rescindable=(), **kwargs):
        """Start from the body's default rule and offer its presets and earlier counted motions.

        ``rescindable`` are the body's counted motions this one may rescind or reconsider (复议).
        """
        super().__init__(data=_fields_of(body.default_rule), **kwargs)
        self.body = body
        self.rescindable = {str(m.id): m for m in rescindable}
        self.rescinds.choices = [("", _("不是复议（一项新的动议）"))] + [
            (key, _rescindable_label(m)) for key, m in self.rescindable.items()
        ]
        self.rule_choice.choices = [("default", _("本会议默认规则"))]
        self.rule_choice.choices += [(key, _(p.label)) for key, p in PRESETS.items()]
        self.rule_choice.choices += [("custom", _("自定义（按下面的设置）"))]

    def rescinded_motion(self):
        """The earlier motion this one rescinds or reconsiders, or None."""
        return self.rescindable.get(self.rescinds.data or "")

    def rule_hints(self) -> dict[str, str]:
        """A plain sentence under each rule choice."""
        hints = {"default": describe_rule(self.body.default_rule, self.body, _)}
        hints |= {key: _(p.explanation) for key, p in PRESETS.items()}
        return hints

    def validate_quorum_value(self, field) -> None:
        """A quorum test needs its proportion."""
        if self.quorum_op.data and not (field.data or "").strip():
            raise ValidationError(_("要求出席人数时，请填写比例，例如 1/2。"))

    def validate_rule_choice(self, field) -> None:
        """The chosen rule must be able to count this body's votes."""
        try:
            rule = self.rule()
        except PresetError as error:
            raise ValidationError(_(error.msgid)) from None
        except (tally.TallyInputError, ValueError, ZeroDivisionError):
            return  # the custom fields say what is wrong next to themselves
        problem = rule_problem(rule, self.body)
        if problem:
            raise ValidationError(problem)

    def rule(self) -> dict:
        """The rule this form describes (a fresh dict)."""
        if self.rule_choice.data == "default":
            return dict(self.body.default_rule)
        if self.rule_choice.data in PRESETS:
            return rule_for_preset(self.rule_choice.data, self.body)
        rule = {
            "weighting": self.weighting.data,
            "base": self.base.data,
            "threshold": {"op": self.threshold_op.data, "value": _exact(self.threshold_value)},
        }
        if self.quorum_op.data:
            rule["quorum"] = {"op": self.quorum_op.data, "value": _exact(self.quorum_value)}
        if self.concurrent.data == "all":
            rule["concurrent"] = "all"
        if self.headcount_too.data:
            rule["headcount_too"] = True
        return rule


def _exact(field) -> str:
    """A proportion field as an exact fraction, written n/d."""
    return str(tally.parse_fraction(field.data.strip()))


def _fields_of(rule: dict) -> dict:
    """The custom fields filled in from a rule, so a convener adjusts rather than retypes."""
    quorum = rule.get("quorum") or {}
    threshold = rule.get("threshold") or {"op": ">", "value": "1/2"}
    return {
        "weighting": rule.get("weighting", "seat"),
        "base": rule.get("base", "cast"),
        "threshold_op": threshold["op"],
        "threshold_value": str(Fraction(str(threshold["value"]))),
        "quorum_op": quorum.get("op", ""),
        "quorum_value": str(Fraction(str(quorum["value"]))) if quorum else "",
        "concurrent": "all" if rule.get("concurrent") == "all" else "none",
        "headcount_too": bool(rule.get("headcount_too")),
    }


def rule_problem(rule: dict, body) -> str | None:
    """Why ``rule`` cannot count this body's votes, in words; None when it can."""
    weighting = rule.get("weighting", "seat")
    if weighting != "seat":
        shares = [c.share for c in body.constituencies]
        if not all(shares) or sum(Fraction(s) for s in shares) != 1:
            return _("按配额或按界别计票，需要每个界别都有份额，并且加起来正好是 1。")
    case = {
        "constituencies": [
            {"id": c.key, "seats": c.seats, **({"share": c.share} if c.share else {})}
            for c in body.constituencies
        ],
        "present": {},
        "votes": {},
        "rule": rule,
    }
    try:
        tally.parse_case(case)
    except tally.TallyInputError:
        return _("这个规则无法用来计票，请换一个。")
    return None


class WholeNumberField(IntegerField):
    """A whole number; anything else is answered "请填写整数" next to the field."""

    def process_formdata(self, valuelist) -> None:
        """Keep None for what is not a whole number, so the validator can say it in words."""
        try:
            self.data = int(valuelist[0]) if valuelist and valuelist[0].strip() else None
        except ValueError:
            self.data = None


def _whole(form, field) -> None:
    """Stop at a value that is not a whole number, saying so."""
    if field.data is None:
        raise StopValidation(_("请填写整数"))


def _count(label):
    """A field for one count of a show of hands: a whole number, not below 0."""
    return WholeNumberField(
        label, validators=[_whole, NumberRange(min=0, message=_l("不能小于 0"))]
    )


class HandRow(Form):
    """One constituency's show-of-hands counts."""

    present = _count(_l("出席"))
    yes = _count(_l("赞成"))
    no = _count(_l("反对"))
    abstain = _count(_l("弃权"))


HAND_MESSAGES = {
    "negative": _l("不能小于 0"),
    "present_over_seats": _l("出席人数不能超过本界别的席位数"),
    "votes_over_present": _l("赞成、反对、弃权加起来不能超过出席人数"),
}


def hand_counts_form(constituencies, presence: dict[int, int]):
    """A form with one row of counts per constituency, keyed ``c<id>``.

    Present starts from the seats checked in, the choices from 0.
    """

    class HandCountsForm(FlaskForm):
        def validate(self, extra_validators=None) -> bool:
            """Every row is whole numbers, and yes + no + abstain ≤ present ≤ seats."""
            valid = super().validate(extra_validators)
            for constituency in constituencies:
                row = self[f"c{constituency.id}"]
                if row.errors:
                    continue
                numbers = row.data
                errors = rules.hand_count_errors(
                    constituency.seats,
                    numbers["present"],
                    numbers["yes"],
                    numbers["no"],
                    numbers["abstain"],
                )
                for name, code in errors.items():
                    row[name].errors.append(HAND_MESSAGES[code])
                    valid = False
            return valid

        def counts(self) -> dict[int, dict]:
            """{constituency id: {present, yes, no, abstain}}."""
            return {c.id: self[f"c{c.id}"].data for c in constituencies}

    for constituency in constituencies:
        setattr(
            HandCountsForm,
            f"c{constituency.id}",
            FormField(HandRow, label=constituency.name),
        )
    defaults = {
        f"c{c.id}": {"present": presence.get(c.id, 0), "yes": 0, "no": 0, "abstain": 0}
        for c in constituencies
    }
    return HandCountsForm(data=defaults)


class CancelForm(FlaskForm):
    """Cancel a motion: the reason is recorded and shown."""

    reason = TextAreaField(
        _l("撤销原因（会记录下来）"),
        filters=[_strip],
        validators=[DataRequired(_l("请写明撤销原因")), Length(max=500)],
    )


class BallotForm(FlaskForm):
    """赞成, 反对 or 弃权 for one seat; ``confirm`` is "1" on the second tap (确认：赞成)."""

    choice = RadioField(
        choices=[
            (Choice.YES.value, _l("赞成")),
            (Choice.NO.value, _l("反对")),
            (Choice.ABSTAIN.value, _l("弃权")),
        ],
        validators=[InputRequired()],
    )
    confirm = HiddenField()
