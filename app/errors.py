"""Error pages in plain words: never a stack trace."""

from flask import Flask, g, render_template
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError

from app.extensions import db, login_manager

MESSAGES = {
    400: lambda: _("请求有误，请返回上一页重试。"),
    403: lambda: _("您没有权限进行这个操作。如有疑问，请联系召集人。"),
    404: lambda: _("没有找到这个页面，可能链接有误或已被删除。"),
    405: lambda: _("这个页面不接受这种操作。"),
    413: lambda: _("上传的内容太大了。"),
    429: lambda: _("操作太频繁，请稍后再试。"),
    500: lambda: _("系统出了点问题，我们会尽快处理。请稍后再试。"),
    503: lambda: _("系统暂时无法连接数据库，请稍后刷新重试。"),
}


def init_app(app: Flask) -> None:
    """Answer every error with a friendly page and the right status code."""

    def page(code: int, message: str | None = None):
        return render_template("error.html", code=code, message=message or MESSAGES[code]()), code

    for code in MESSAGES:
        app.register_error_handler(code, lambda e, code=code: page(code))

    app.register_error_handler(
        CSRFError, lambda e: page(400, _("页面已失效，请刷新页面后再提交一次。"))
    )
    app.register_error_handler(OperationalError, database_unavailable)


def database_unavailable(error: OperationalError):
    """503 while the database cannot be reached; the pool reconnects by itself afterwards.

    The page is drawn for an anonymous visitor: loading the signed-in person would need the
    database that just failed.
    """
    db.session.rollback()
    g._login_user = login_manager.anonymous_user()
    body = render_template("error.html", code=503, message=MESSAGES[503]())
    return body, 503, {"Retry-After": "10"}
