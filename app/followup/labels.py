"""Words for statuses, ratings, rules and refusals, as residents read them (gettext, lazily)."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from app.models.followup import UpdateKind
from app.models.statuses import (
    PartStatus,
    RatingValue,
    ResolutionStatus,
    TaskStatus,
    TopicStatus,
)

TASK_STATUS = {
    TaskStatus.ASSIGNED: _l("已派单，待签收"),
    TaskStatus.ACCEPTED: _l("已签收"),
    TaskStatus.DECLINED: _l("已回退召集人"),
    TaskStatus.IN_PROGRESS: _l("办理中"),
    TaskStatus.COMPLETED: _l("已办结，待评单"),
    TaskStatus.CLOSED: _l("已销号"),
}

PART_STATUS = {
    PartStatus.ASSIGNED: _l("待签收"),
    PartStatus.ACCEPTED: _l("已签收"),
    PartStatus.IN_PROGRESS: _l("办理中"),
    PartStatus.DONE: _l("已完成"),
    PartStatus.DECLINED: _l("已回退，等召集人处理"),
}

RATING = {
    RatingValue.VERY_SATISFIED: _l("非常满意"),
    RatingValue.SATISFIED: _l("满意"),
    RatingValue.BASIC: _l("基本满意"),
    RatingValue.UNSATISFIED: _l("不满意"),
    RatingValue.VERY_UNSATISFIED: _l("非常不满意"),
}

RATING_RULE = {
    "majority_basic": _l("过半数评价为“基本满意”或“满意”即可销号，否则重新办理。"),
    "all_basic": _l("所有评价都为“基本满意”或“满意”才可销号，否则重新办理。"),
}

RESOLUTION_STATUS = {
    ResolutionStatus.DRAFT: _l("草稿（未公示）"),
    ResolutionStatus.PUBLISHED: _l("已公示"),
}

UPDATE_KIND = {
    UpdateKind.NOTE: _l("进展"),
    UpdateKind.ACCEPTED: _l("签收"),
    UpdateKind.DECLINED: _l("回退"),
    UpdateKind.COMPLETED: _l("办结"),
    UpdateKind.ASSIGNED: _l("改派"),
    UpdateKind.REOPENED: _l("重新办理"),
    UpdateKind.CLOSED: _l("销号"),
    UpdateKind.CONTACTED: _l("联系诉求人"),
    UpdateKind.EXTENSION_ASKED: _l("申请延期"),
    UpdateKind.EXTENSION_GRANTED: _l("同意延期"),
    UpdateKind.EXTENSION_REFUSED: _l("不同意延期"),
    UpdateKind.VISITED: _l("回访"),
    UpdateKind.EXCLUDED: _l("核减"),
    UpdateKind.REMINDED: _l("到期提醒"),
    UpdateKind.URGED: _l("催办"),
    UpdateKind.ESCALATED: _l("吹哨报到：提交联席会议"),
    UpdateKind.PART_ADDED: _l("增加协办单位"),
    UpdateKind.PART_REMOVED: _l("撤下协办单位"),
    UpdateKind.PART_ACCEPTED: _l("协办签收"),
    UpdateKind.PART_NOTE: _l("协办进展"),
    UpdateKind.PART_DONE: _l("协办完成"),
    UpdateKind.PART_DECLINED: _l("协办回退"),
}

CONTACT_METHOD = {"phone": _l("电话"), "visit": _l("上门"), "message": _l("短信或微信")}

FIELD = {"title": _l("标题"), "text": _l("决议内容"), "decided_on": _l("决议日期")}

TOPIC_STATUS = {
    TopicStatus.SUBMITTED: _l("提交议题"),
    TopicStatus.NEEDS_INFO: _l("请提议人补充信息"),
    TopicStatus.ACCEPTED: _l("受理"),
    TopicStatus.MERGED: _l("合并到其他议题"),
    TopicStatus.DECLINED: _l("不予受理"),
    TopicStatus.ON_AGENDA: _l("列入会议议程"),
    TopicStatus.DECIDED: _l("形成决议"),
}

#: The assignee choice meaning "nobody in particular" (the unit as a whole is in charge).
NO_ASSIGNEE = _l("不指定")
NO_CO_UNIT = _l("没有协办单位")

#: Refusals and confirmations, said next to the field or flashed on the next page.
ASSIGNEE_NOT_IN_UNIT = _l("这位负责人不属于所选的承办单位。")
DATE_FORMAT = _l("日期请写成 2026-09-15 这样的格式。")
ALREADY_RATED = _l("您这一轮已经评价过了，每轮只能评一次。")
THANKS_FOR_RATING = _l("谢谢您的评价！")

#: Why a progress photo was refused, by the reason ``uploads.PhotoError`` gives.
PHOTO_ERRORS = {
    "empty": _l("照片是空的，请重新选择。"),
    "too_large": _l("照片超过 5 MB，请换一张小一些的。"),
    "not_image": _l("只能上传 JPG、PNG 或 WebP 格式的照片。"),
    "too_many_pixels": _l("照片的像素太多（超过 5000 万），请换一张。"),
}


def topic_step(status: str) -> str:
    """A step of a topic's public history in words ("受理", "形成决议")."""
    return str(TOPIC_STATUS.get(status, status))


ANSWER_NEEDED = _l("请写下答复的内容。")

UNIT_ADDED = _l("已加入本会的承办单位。")
PHONE_TAKEN = _l("这个手机号已经有账号了。请管理员把这个人加入承办单位。")

SETTINGS_SAVED = _l("督办设置已保存。")

ALREADY_DONE = _l("这一步刚刚已经有人做过了，请看下面的办理经过。")

#: The rules' refusals (TaskError messages) in residents' words; others are shown generically.
REFUSALS = {
    "contact the resident (联系诉求人) before completing": _l(
        "这件事来自居民的议题：请先记录联系诉求人的情况，再报告办结。"
    ),
    "the contact must lie between the assignment and now": _l("联系时间应在派单之后、现在之前。"),
    "the new deadline must be after the current one": _l("申请的日期要晚于现在的截止日期。"),
    "a refusal needs a reason": _l("不同意延期时请写明理由。"),
    "no extension is waiting": _l("没有待答复的延期申请。"),
    "the lead unit cannot also be a co-unit": _l("主办单位不能同时是协办单位。"),
    "this unit already has a part": _l("这个单位已经是这项任务的协办单位了。"),
    "a finished task takes no co-unit": _l("任务已办结，不能再增加或撤下协办单位。"),
    "a finished task keeps its co-units": _l("任务已办结，不能再增加或撤下协办单位。"),
    "a finished part stays": _l("这个协办单位已经完成了它的部分，不能撤下。"),
}

LEAD_IS_NOT_CO_UNIT = _l("主办单位不能同时是协办单位。")
UNIT_NOT_OF_BODY = _l("请从本会的承办单位中选择；需要新的单位，请先在“承办单位”页面加入本会。")


def refusal(message: str) -> str:
    """A rule's refusal in words for the page."""
    return str(REFUSALS.get(message, _l("这一步现在不能做。")))


def parts_waiting(units: list[str]) -> str:
    """Why the lead unit cannot 办结 yet: the co-units whose parts are not 完成, by name."""
    return ngettext(
        "协办单位%(units)s还没有完成它的部分，主办单位暂时不能报告办结。",
        "协办单位%(units)s还没有完成各自的部分，主办单位暂时不能报告办结。",
        len(units),
        units=_("、").join(units),
    )


def unknown_year(year: int) -> str:
    """A year the working-day calendar does not know, said plainly."""
    return _(
        "系统还不知道 %(year)s 年的法定节假日和调休安排，无法按工作日计算。"
        "请管理员先补充 %(year)s 年的日历，或者直接选一个截止日期。",
        year=year,
    )
