"""Words of the meeting's floor (会场): recusal and the speaker queue, refusals included."""

from flask_babel import lazy_gettext as _l

from app.meetings.rules import MeetingError

#: Refusals of app.meetings.recusal and app.meetings.speakers, by code, in plain words.
ERRORS = {
    "closed": _l("会议已结束，不能再修改。"),
    "item_vote_open": _l("这项议程正在表决：请在表决开始前或结束后登记或撤销回避。"),
    "no_reason": _l("请写明回避理由，纪要里会记下。"),
    "already": _l("这个席位在这项议程上已经登记了回避。"),
    "not_in_session": _l("会议不在进行中，现在不能举手发言。"),
    "not_checked_in": _l("请先签到，签到后才能举手发言。"),
    "already_waiting": _l("您已经举手了，请等主持人点名。"),
    "limit_reached": _l("您在这项议程上的发言次数已经用完了。"),
    "side_needed": _l("这项是表决议题：请选择正方（赞成）或反方（反对）再举手。"),
    "queue_empty": _l("现在没有人举手。"),
    "not_waiting": _l("这位成员已经不在发言队列里了。"),
    "busy": _l("刚刚已经有人开始发言了，请刷新看看。"),
    "not_checkin_time": _l("现在不能签到：议程发布后、会议结束前才能签到。"),
    "self": _l("不能委托给自己。"),
    "seat_taken": _l("这个席位已经有委托（或正在等召集人批准的委托）了。"),
    "not_member": _l("受托人须是本联席会议的成员。"),
    "not_present": _l("受托人还没有签到：只能委托给已经签到的成员。"),
    "other_constituency": _l("本联席会议规定只能委托给同一界别的成员。"),
    "holder_full": _l("这位成员受托的席位已经达到本联席会议规定的上限。"),
    "done": _l("这项委托已经处理过了，请刷新看看。"),
    "vote_open": _l("表决正在进行：表决结束后才能收回委托。"),
    "not_open": _l("这项表决已经结束了。"),
    "already_voted": _l("这个席位已经投过票了。"),
    "no_voter": _l("这个席位没有人出席表决。"),
    "no_seat": _l("您在这次会议没有需要签到的席位（如果您的席位由替补人员出席，请替补人员签到）。"),
}


SIDE_LABELS = {"for": _l("正方"), "against": _l("反方"), "none": ""}

#: The floor moved to another item while the member filled the recusal form in.
ITEM_CHANGED = _l("当前议程已经换了，请确认后重新提交。")


def countdown(seconds: int) -> str:
    """A speech's time left as the projector says it: 剩余 1:05, or 超时 0:12 once over."""
    sign = _l("剩余") if seconds >= 0 else _l("超时")
    left = abs(seconds)
    return f"{sign} {left // 60}:{left % 60:02d}"


def duration(seconds: int) -> str:
    """How long someone spoke: 1:05."""
    return f"{seconds // 60}:{seconds % 60:02d}"


#: Refusals of app.voting.amendments, by code.
FLOOR_ERRORS = {
    "not_in_session": _l("会议不在进行中，现在不能提出动议。"),
    "not_decision": _l("只有表决议题才能提出动议。"),
    "not_present": _l("请先签到，签到后才能提出或附议动议。"),
    "no_text": _l("请写下动议的内容。"),
    "too_long": _l("动议内容太长了。"),
    "main_not_draft": _l("原动议已经开始表决，不能再修改。"),
    "same_text": _l("修正案和原动议的文字一样：请写下修改后的全文。"),
    "not_this_item": _l("只能修改当前议题的动议。"),
    "not_waiting": _l("这项动议已经处理过了，请刷新看看。"),
    "own_motion": _l("不能附议自己提出的动议，需要另一位成员附议。"),
    "not_seconded": _l("动议需要先有人附议，才能列入表决。"),
    "no_reason": _l("请写明不予受理的理由。"),
    "not_mover": _l("只有动议人可以撤回动议。"),
}


FLOOR_MOTION_STATES = {
    "moved": _l("等待附议"),
    "seconded": _l("已附议，等主持人处理"),
    "admitted": _l("已列入表决"),
    "ruled_out": _l("不予受理：%(reason)s"),
    "withdrawn": _l("动议人已撤回"),
}


def floor_motion_words(floor_motion) -> str:
    """Where a floor motion stands, in words; an applied amendment says so."""
    if floor_motion.previous_text is not None:
        return str(_l("修正案已通过，原动议已按此修改"))
    words = FLOOR_MOTION_STATES[floor_motion.status]
    return str(words) % {"reason": floor_motion.ruling_reason}


def floor_refusal(error) -> str:
    """Why a floor motion step was refused, in plain words."""
    return str(FLOOR_ERRORS.get(error.code, error.code))


def refusal(error: MeetingError) -> str:
    """Why the floor's rules refused a step, in plain words."""
    return str(ERRORS.get(error.code, error.code))
