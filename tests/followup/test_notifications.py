"""Notices beyond the app: the outbox and the Tencent Cloud SMS channel against a fake endpoint.

The fake endpoint is a small HTTP server on 127.0.0.1 that answers the SDK's SendSms call the
way the provider does; it can be told to fail, to show that a failed delivery is retried and
never lost.
"""

import json
import threading
from datetime import date, datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import OutboxMessage
from app.notifications import outbox
from app.notifications.channels import DeliveryError, TencentSms, channel_from_config
from tests.factories import make_user
from tests.followup.helpers import make_task


class FakeTencentSms(BaseHTTPRequestHandler):
    """Answers SendSms like Tencent Cloud; ``server.failures`` answers that many with an error."""

    def do_POST(self):
        """One API call: record it, answer success or the next planned failure."""
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(
            {"action": self.headers.get("X-TC-Action"), "auth": self.headers.get("Authorization")}
            | body
        )
        if self.server.failures:
            self.server.failures -= 1
            answer = {
                "Response": {
                    "Error": {"Code": "InternalError.Timeout", "Message": "upstream timed out"},
                    "RequestId": "r-fail",
                }
            }
        else:
            phone = body["PhoneNumberSet"][0]
            answer = {
                "Response": {
                    "SendStatusSet": [
                        {
                            "SerialNo": f"serial-{len(self.server.requests)}",
                            "PhoneNumber": phone,
                            "Fee": 1,
                            "SessionContext": "",
                            "Code": "Ok",
                            "Message": "send success",
                            "IsoCode": "CN",
                        }
                    ],
                    "RequestId": "r-ok",
                }
            }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        """Quiet."""


@pytest.fixture
def fake_sms():
    """The fake endpoint on 127.0.0.1 (a free port), and the config that points the app to it."""
    server = HTTPServer(("127.0.0.1", 0), FakeTencentSms)
    server.requests, server.failures = [], 0
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    config = {
        "LIANXI_SMS_PROVIDER": "tencent",
        "LIANXI_SMS_SECRET_ID": "AKIDtest",
        "LIANXI_SMS_SECRET_KEY": "secret",
        "LIANXI_SMS_SDK_APP_ID": "1400000000",
        "LIANXI_SMS_SIGN_NAME": "联席",
        "LIANXI_SMS_TEMPLATE_ID": "123456",
        "LIANXI_SMS_ENDPOINT": f"127.0.0.1:{server.server_port}",
        "LIANXI_SMS_SCHEME": "http",
    }
    yield server, config
    server.shutdown()


def test_channel_sends_the_template_through_the_official_sdk(fake_sms):
    """SendSms carries the app id, sign, template and parameters, signed (TC3) by the SDK."""
    server, config = fake_sms
    channel = channel_from_config(config)
    assert channel.send("13899990001", ["催办", "修路灯", "2026-10-09"]) == "serial-1"
    request = server.requests[0]
    assert request["action"] == "SendSms" and request["auth"].startswith("TC3-HMAC-SHA256")
    assert request["PhoneNumberSet"] == ["+8613899990001"]
    assert (request["SmsSdkAppId"], request["SignName"], request["TemplateId"]) == (
        "1400000000",
        "联席",
        "123456",
    )
    assert request["TemplateParamSet"] == ["催办", "修路灯", "2026-10-09"]
    server.failures = 1
    with pytest.raises(DeliveryError, match="InternalError.Timeout"):
        channel.send("13899990001", ["x"])


def test_unreachable_endpoint_is_a_delivery_error():
    """A refused connection is a DeliveryError (retried), not a crash."""
    channel = TencentSms(
        secret_id="a",
        secret_key="b",
        sdk_app_id="1",
        sign_name="s",
        template_id="t",
        endpoint="127.0.0.1:9",
        scheme="http",
        timeout=2,
    )
    with pytest.raises(DeliveryError):
        channel.send("13899990001", ["x"])


def test_no_channel_without_config_and_half_config_is_refused():
    """Nothing is configured: no channel. Switched on with a setting missing: said plainly."""
    assert channel_from_config({}) is None
    with pytest.raises(ValueError, match="LIANXI_SMS_SECRET_KEY"):
        channel_from_config({"LIANXI_SMS_PROVIDER": "tencent", "LIANXI_SMS_SECRET_ID": "x"})


def test_backoff_doubles_up_to_six_hours():
    """1, 2, 4 … minutes, never more than six hours."""
    assert [outbox.backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert outbox.backoff(20) == timedelta(hours=6)


@time_machine.travel("2026-10-12 09:00 +0800", tick=False)
def test_assignment_is_queued_and_delivered_with_retries(app, world, login_as, client, fake_sms):
    """派单 queues a notice; it goes out only through a channel, retried until delivered.

    Nothing goes out without a channel; with one, a failure is retried later and then
    delivered, each attempt on record.
    """
    server, config = fake_sms
    world["staff"].phone = "13899990001"
    make_user("没手机的同事")  # not staff of the unit: never notified
    db.session.commit()
    login_as(world["convener"])
    client.post(
        f"/resolutions/{world['resolution'].id}/tasks/new",
        data={
            "title": "修路灯",
            "unit": world["unit"].id,
            "assignee": 0,
            "done_definition": "亮了",
            "workdays": "3",
        },
    )
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert (message.phone, message.kind, message.params) == (
        "13899990001",
        "assigned",
        ["新派单", "修路灯", "2026-10-15"],
    )
    runner = app.test_cli_runner()
    assert (
        "no channel configured: 1 messages wait" in runner.invoke(args=["notify", "deliver"]).output
    )
    assert server.requests == []

    app.config.update(config)
    server.failures = 1
    first = runner.invoke(args=["notify", "deliver"])
    assert "sent 0, failed 1" in first.output
    db.session.rollback()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.attempts) == ("pending", 1)
    assert "InternalError.Timeout" in message.last_error
    assert message.next_attempt_at == datetime(2026, 10, 12, 1, 1)
    assert "sent 0, failed 0" in runner.invoke(args=["notify", "deliver"]).output  # not due yet
    with time_machine.travel("2026-10-12 09:02 +0800", tick=False):
        assert "sent 1, failed 0" in runner.invoke(args=["notify", "deliver"]).output
    db.session.rollback()
    message = db.session.get(OutboxMessage, message.id)
    assert (message.status, message.attempts, message.provider_ref) == ("sent", 2, "serial-2")
    assert len(server.requests) == 2


def test_a_message_that_keeps_failing_is_kept_as_failed(app, world, fake_sms):
    """After the last attempt the message is marked failed and kept with its error."""
    server, config = fake_sms
    task = make_task(world["resolution"], world["unit"], deadline=date(2026, 10, 20))
    world["staff"].phone = "13899990002"
    outbox.notify_unit(db.session, task, "urge", now=datetime(2026, 10, 1))
    db.session.commit()
    app.config.update(config)
    server.failures = outbox.MAX_ATTEMPTS
    runner = app.test_cli_runner()
    with time_machine.travel("2026-10-01 08:00 +0000", tick=True) as traveller:
        for _ in range(outbox.MAX_ATTEMPTS):
            runner.invoke(args=["notify", "deliver"])
            traveller.shift(timedelta(hours=7))
    db.session.rollback()
    message = db.session.scalars(sa.select(OutboxMessage)).one()
    assert (message.status, message.attempts) == ("failed", outbox.MAX_ATTEMPTS)
    assert "upstream timed out" in message.last_error
