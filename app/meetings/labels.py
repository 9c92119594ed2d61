"""Words for meetings: states, item kinds, refusals and the public list of agenda changes."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.meetings.rules import MeetingError
from app.models import AuditEvent, ItemKind, MeetingStatus

STATUS_LABELS = {
    MeetingStatus.DRAFT: _l("草稿（未公开）"),
    MeetingStatus.PUBLISHED: _l("议程已发布"),
    MeetingStatus.IN_SESSION: _l("会议进行中"),
    MeetingStatus.CLOSED: _l("会议已结束"),
}
STATUS_CLASSES = {
    MeetingStatus.DRAFT: "muted",
    MeetingStatus.PUBLISHED: "warn",
    MeetingStatus.IN_SESSION: "ok",
    MeetingStatus.CLOSED: "muted",
}
KIND_LABELS = {
    ItemKind.INFORMATION: _l("信息通报"),
    ItemKind.DISCUSSION: _l("讨论"),
    ItemKind.DECISION: _l("表决"),
}

ACTION_LABELS = {
    "publish": _l("发布议程"),
    "start": _l("开始会议"),
    "close": _l("结束会议"),
}

#: Refusals of app.meetings.rules and app.meetings.presence, by code, in plain words.
ERRORS = {
    "wrong_state": _l("会议现在的状态不能这样操作，请刷新页面看看最新状态。"),
    "unknown_action": _l("不认识这个操作。"),
    "empty_agenda": _l("议程还是空的：请先添加至少一项议程，再发布。"),
    "closed": _l("会议已结束，不能再修改。"),
    "vote_open": _l("还有表决没有结束：请先结束或取消正在进行的表决，再结束会议。"),
    "item_has_motions": _l("这项议程已经有表决，不能撤下。"),
    "not_in_session": _l("会议开始后才能设置当前议程。"),
    "self": _l("不能委托给这个席位自己的出席人。"),
    "seat_taken": _l("这个席位已经有委托了：每个席位只能委托一次，请先撤销原来的委托。"),
    "not_present": _l("受托人还没有签到：只能委托给已经签到的成员。"),
    "holder_busy": _l("这位成员已经接受了一项委托；本联席会议不允许一人接受多项委托。"),
    "not_checkin_time": _l("现在不能签到：议程发布后、会议结束前才能签到。"),
    "minutes_not_closed": _l("会议结束后才能确认纪要或追加更正。"),
    "minutes_confirmed": _l("这份纪要已经确认过了；如需修改，请追加更正。"),
    "correction_needs_reason": _l("更正要写明内容和理由。"),
    "no_previous_meeting": _l("本会议还没有已结束的上次会议，无需开场议程。"),
    "opening_items_there": _l("开场议程已经在议程里了。"),
    "no_seat": _l("您在这次会议没有需要签到的席位（如果您的席位由替补人员出席，请替补人员签到）。"),
}

#: Public agenda changes (议程变更记录): audit action → sentence.
CHANGE_LABELS = {
    "agenda.item_added": _l("新增议程：%(title)s"),
    "agenda.item_edited": _l("修改议程：%(title)s"),
    "agenda.item_moved": _l("调整议程顺序：%(title)s"),
    "agenda.item_removed": _l("撤下议程：%(title)s"),
    "meeting.edited": _l("修改会议信息：%(title)s"),
}


def status_label(status: str) -> str:
    """A meeting's state in words."""
    return str(STATUS_LABELS.get(status, status))


def status_class(status: str) -> str:
    """The CSS class of a meeting's state badge (the word is always shown beside it)."""
    return STATUS_CLASSES.get(status, "muted")


def kind_label(kind: str) -> str:
    """An agenda item's kind in words."""
    return str(KIND_LABELS.get(kind, kind))


def refusal(error: MeetingError) -> str:
    """Why the rules refused a step, in plain words (the code itself when it has no words)."""
    return str(ERRORS.get(error.code, error.code))


def change_line(event: AuditEvent) -> tuple:
    """One line of the public agenda changes: (when, the change in words)."""
    return event.created_at, CHANGE_LABELS[event.action] % {"title": event.after["title"]}


def transition_words(action: str, warnings: list[str], notice_days: int) -> tuple[str, str]:
    """What to tell the convener after a state action: (message, "ok" or "bad")."""
    if "short_notice" in warnings:
        message = ngettext(
            "议程已发布。注意：距开会不足 %(num)s 天，少于规定的提前通知时间。",
            "议程已发布。注意：距开会不足 %(num)s 天，少于规定的提前通知时间。",
            notice_days,
        )
        return message, "bad"
    return _("已完成：%(action)s", action=ACTION_LABELS[action]), "ok"
