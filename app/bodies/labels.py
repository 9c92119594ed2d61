"""Words of the set-up pages: the voting-rule presets said for one body."""

from flask_babel import gettext as _

from app.counting import presets
from app.counting.presets import PRESETS, PresetError
from app.models import Body


def preset_texts(body: Body) -> dict[str, str | None]:
    """Each preset's rule said in words for this body (None when it does not fit the body)."""
    texts = {}
    for key in PRESETS:
        try:
            texts[key] = presets.describe_rule(presets.rule_for_preset(key, body), body, _)
        except PresetError:
            texts[key] = None
    return texts
