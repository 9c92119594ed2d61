"""Forms for signing in."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import InputRequired, Length


class SignInForm(FlaskForm):
    """Sign in with a phone number or a username, and a password."""

    login = StringField(
        _l("手机号或用户名"),
        validators=[InputRequired(_l("请填写手机号或用户名")), Length(max=64)],
    )
    password = PasswordField(
        _l("密码"), validators=[InputRequired(_l("请填写密码")), Length(max=128)]
    )
