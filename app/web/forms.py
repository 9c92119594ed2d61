"""Forms every area shares."""

from flask_wtf import FlaskForm


class EmptyForm(FlaskForm):
    """A form that only carries the CSRF token, for one-button actions."""
