"""The board tests share the follow-up world fixture."""

from tests.followup.conftest import world  # noqa: F401
