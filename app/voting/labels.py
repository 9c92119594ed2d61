"""Words of the voting pages: why a motion or a ballot is refused, and the tally's language."""

import re

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from app.counting.tally import LOCALES, TallyInputError, tally_case
from app.voting import rules

#: Refusals of ``rules.transition_refusal``, by code, in plain words.
TRANSITION_REFUSALS = {
    rules.MEETING_NOT_IN_SESSION: _l(
        "会议不在进行中，现在不能发起、开始、结束或撤销表决。请先开始会议。"
    ),
    rules.NOT_ALLOWED_FROM_HERE: _l("这项动议现在的状态不能这样操作。"),
    rules.HAS_RESOLUTION: _l("这项动议已经形成决议，不能撤销。"),
    rules.HANDS_NEED_COUNTS: _l("举手表决请填写各界别的举手人数，再结束表决。"),
    rules.COUNTED: _l(
        "这项动议已经有人投票或已经计票，结果是正式记录，不能撤销。"
        "要改变这个决定，请在会议中发起一项复议动议。"
    ),
    "amendment_pending": _l("这项动议还有修正案没有表决：修正案要先表决，再表决原动议。"),
}

#: Refusals of ``rules.ballot_refusal`` that are answered with words (NOT_VOTER is a 403).
BALLOT_REFUSALS = {
    rules.MOTION_NOT_OPEN: _l("这项表决已经结束（或还没有开始），现在不能投票。"),
    rules.SHOW_OF_HANDS: _l("这项是举手表决，请在会场举手，不用在手机上投票。"),
    rules.SEAT_NOT_PRESENT: _l("这个席位还没有签到，请先签到再投票。"),
    rules.NOT_YOUR_SEAT: _l("这个席位不由您投票，您只能为自己的席位或受委托的席位投票。"),
    rules.RECUSED: _l("这个席位在本议题上已回避，不参加这项表决。"),
}

#: Running totals asked for in a body that hides them until the vote closes.
TOTALS_HIDDEN = _l("本联席会议规定：表决结束前不显示实时票数。")

#: A close refused because the body changed since the motion was made.
RULE_NO_LONGER_COUNTS = _l(
    "这个规则已经无法用本会议现在的界别和份额计票，请撤销这项动议后重新发起。"
)

#: The notices a ballot card may carry after a tap: recorded now, or cast before.
CARD_NOTICES = ("already", "recorded")


def tally_locale() -> str:
    """The language of the frozen explanation: the reader's, when the engine speaks it."""
    locale = get_locale()
    language = locale.language if locale else "zh"
    return language if language in LOCALES else "zh"


_CJK = re.compile(r"[\u3400-\u9fff]")


def frozen_explanation(frozen: dict | None, locale: str | None = None) -> str:
    """The frozen result's sentence, in the reader's language.

    The sentence is frozen in the language of whoever closed the vote. A reader of another
    language gets the same sentence said by the counting engine from the frozen case (the rule,
    presence and votes kept at closing), so the words change and the figures cannot. When the
    frozen case cannot be read the frozen sentence is shown as it is.
    """
    frozen = frozen or {}
    sentence = (frozen.get("result") or {}).get("explanation", "")
    wanted = locale or tally_locale()
    if not sentence or bool(_CJK.search(sentence)) == (wanted == "zh"):
        return sentence
    case = {key: frozen.get(key) for key in ("constituencies", "present", "votes", "rule")}
    try:
        return tally_case(case, wanted).explanation
    except (TallyInputError, TypeError, KeyError):
        return sentence
