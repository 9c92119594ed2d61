"""Delivery channels beyond the app: one small interface, one SMS channel (Tencent Cloud SMS).

Plain Python, no Flask. A channel has a ``name`` and ``send(phone, params)`` that returns the
provider's reference or raises ``DeliveryError``; the outbox (``outbox.py``) retries. SMS in
mainland China goes through a template registered with the provider (签名 + 模板), so a message
is the template's parameters, not free text.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

from tencentcloud.common import credential
from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
from tencentcloud.common.profile.client_profile import ClientProfile
from tencentcloud.common.profile.http_profile import HttpProfile
from tencentcloud.sms.v20210111 import models, sms_client


class DeliveryError(Exception):
    """The channel could not deliver; the outbox keeps the message and tries again."""


class Channel(Protocol):
    """Where a notice goes beyond the app."""

    name: str

    def send(self, phone: str, params: list[str]) -> str:
        """Deliver one message; return the provider's reference or raise ``DeliveryError``."""


class TencentSms:
    """SMS through Tencent Cloud's official SDK (``tencentcloud-sdk-python-sms``, SendSms).

    ``endpoint`` and ``scheme`` exist so tests can point it at a fake server on 127.0.0.1.
    """

    name = "sms"

    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        sdk_app_id: str,
        sign_name: str,
        template_id: str,
        region: str = "ap-guangzhou",
        endpoint: str = "sms.tencentcloudapi.com",
        scheme: str = "https",
        timeout: int = 10,
    ):
        http = HttpProfile(protocol=scheme, endpoint=endpoint, reqTimeout=timeout)
        self._client = sms_client.SmsClient(
            credential.Credential(secret_id, secret_key), region, ClientProfile(httpProfile=http)
        )
        self._app, self._sign, self._template = sdk_app_id, sign_name, template_id

    def send(self, phone: str, params: list[str]) -> str:
        """Send the template with ``params`` to a mainland number (+86 added when missing)."""
        request = models.SendSmsRequest()
        request.PhoneNumberSet = [phone if phone.startswith("+") else f"+86{phone}"]
        request.SmsSdkAppId = self._app
        request.SignName = self._sign
        request.TemplateId = self._template
        request.TemplateParamSet = list(params)
        try:
            response = self._client.SendSms(request)
        except TencentCloudSDKException as error:
            raise DeliveryError(f"{error.code}: {error.message}") from None
        except OSError as error:  # network down, refused, timed out
            raise DeliveryError(str(error)) from None
        statuses = response.SendStatusSet or []
        if not statuses or statuses[0].Code != "Ok":
            detail = f"{statuses[0].Code}: {statuses[0].Message}" if statuses else "no status"
            raise DeliveryError(detail)
        return statuses[0].SerialNo or ""


def channel_from_config(config: Mapping) -> Channel | None:
    """The SMS channel when ``LIANXI_SMS_PROVIDER=tencent`` and its settings are all there.

    None otherwise: then nothing is sent and messages wait in the outbox.
    """
    if config.get("LIANXI_SMS_PROVIDER") != "tencent":
        return None
    needed = ("SECRET_ID", "SECRET_KEY", "SDK_APP_ID", "SIGN_NAME", "TEMPLATE_ID")
    values = {key: config.get(f"LIANXI_SMS_{key}") for key in needed}
    missing = [key for key, value in values.items() if not value]
    if missing:
        raise ValueError(f"SMS is on but LIANXI_SMS_{missing[0]} is not set")
    return TencentSms(
        secret_id=values["SECRET_ID"],
        secret_key=values["SECRET_KEY"],
        sdk_app_id=values["SDK_APP_ID"],
        sign_name=values["SIGN_NAME"],
        template_id=values["TEMPLATE_ID"],
        region=config.get("LIANXI_SMS_REGION") or "ap-guangzhou",
        endpoint=config.get("LIANXI_SMS_ENDPOINT") or "sms.tencentcloudapi.com",
        scheme=config.get("LIANXI_SMS_SCHEME") or "https",
    )
