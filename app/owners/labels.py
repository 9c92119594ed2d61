"""Words of the owners' pages: registry problems, refusals, phases and choices."""

from flask_babel import lazy_gettext as _l

ROW_PROBLEMS = {
    "no_unit": _l("缺少楼栋或房号"),
    "duplicate": _l("房屋重复（同一文件里已有这一户）"),
    "exists": _l("房屋已在台账中"),
    "bad_area": _l("面积不对：应为大于 0 的数，最多两位小数"),
    "bad_source": _l("面积来源应为 登记、实测 或 合同"),
    "no_owner": _l("缺少业主姓名（开发商持有的请在“开发商持有”填“是”）"),
    "bad_phone": _l("电话号码不对"),
    "too_long": _l("房号或姓名太长"),
}
SHEET_ERRORS = {
    "format": _l("请上传 .csv 或 .xlsx 文件。"),
    "encoding": _l("CSV 文件的编码无法识别，请另存为 UTF-8。"),
    "damaged": _l("这个 .xlsx 文件打不开，请检查后重新上传。"),
    "empty": _l("文件里没有内容。"),
    "header": _l("第一行应为表头，至少包括 楼栋、房号、面积 三列。"),
}
VOTE_REFUSALS = {
    "not_open": _l("投票还没有开始，请在投票期内再来。"),
    "closed": _l("投票已经结束，不能再投票。"),
    "out_of_scope": _l("您的房屋不在这项表决的范围内。"),
    "already": _l("您（或共有人）已经投过票了，以第一张表决票为准。"),
}
EXTENSION_REFUSALS = {
    "closed": _l("表决已经结束，不能延长。"),
    "twice": _l("投票期只能延长一次。"),
    "enough": _l("参与表决已达到规定，不需要延长。"),
    "earlier": _l("新的截止时间应晚于原来的截止时间。"),
    "too_long": _l("延长超过了议事规则允许的最长天数。"),
}
PAPER_OUTCOMES = {
    "same_person": _l("复核须由录入以外的另一人完成。"),
    "conflict": _l("这位业主已经投过票：以第一张为准，这张纸质票列为冲突。"),
    "counted": _l("纸质表决票已复核并计入。"),
}
CHOICES = {"yes": _l("同意"), "no": _l("反对"), "abstain": _l("弃权")}
PHASES = {
    "notice": _l("公示期（尚未开始投票）"),
    "voting": _l("投票中"),
    "due": _l("投票已截止"),
    "closed": _l("已结束"),
}
MATTERS = {"ordinary": _l("一般事项（双过半）"), "major": _l("重大事项（双四分之三）")}
FAILURES = {
    "participation_area": _l("参与表决的专有部分面积不足三分之二"),
    "participation_owners": _l("参与表决的人数不足三分之二"),
    "threshold_area": _l("同意的面积未达到要求"),
    "threshold_owners": _l("同意的人数未达到要求"),
}
NO_SCOPE = _l("请勾选“全体业主”，或至少选一栋楼。")
WINDOW_ORDER = _l("截止时间应晚于开始时间。")
UNKNOWN_UNIT = _l("这个房号不在本次表决的范围内。")
DUPLICATE_SERIAL = _l("这个编号的表决票已经录入过。")
WRONG_CODE = _l("没有找到这个表决码，请核对通知书上的号码。")


def notice_error(days: int) -> str:
    """Voting may open only after the notice period (公示期) of ``days`` days."""
    from flask_babel import gettext

    return gettext("投票开始前须先公示 %(days)d 天。", days=days)


NOTICE_ROWS = {
    "total": _l("范围内"),
    "participating": _l("参与表决"),
    "yes": _l("同意"),
    "no": _l("反对"),
    "abstain": _l("弃权"),
}

ATTACHMENT_ERRORS = {
    "empty": _l("附件是空文件。"),
    "too_large": _l("附件不能超过 10 MB。"),
    "wrong_type": _l("附件只能是 JPG、PNG、WebP 图片或 PDF。"),
}

#: Civil Code art. 278's items in the reader's language (the Chinese text is in rules.py).
ARTICLE_278 = {
    1: _l("制定和修改业主大会议事规则"),
    2: _l("制定和修改管理规约"),
    3: _l("选举业主委员会或者更换业主委员会成员"),
    4: _l("选聘和解聘物业服务企业或者其他管理人"),
    5: _l("使用建筑物及其附属设施的维修资金"),
    6: _l("筹集建筑物及其附属设施的维修资金"),
    7: _l("改建、重建建筑物及其附属设施"),
    8: _l("改变共有部分的用途或者利用共有部分从事经营活动"),
    9: _l("有关共有和共同管理权利的其他重大事项"),
}
LEGAL_BASIS = _l("《中华人民共和国民法典》第二百七十八条")
