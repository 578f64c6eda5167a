"""The channels a delivery leaves by, each switched on by configuration (README 通知渠道).

- ``email``: SMTP (``SMTP_HOST`` … ``SMTP_TLS`` = none/starttls/ssl); the delivery's idempotency key
  is the Message-ID, so a mail system sees a retry as the same message.
- ``sms``: ``SMS_PROVIDER`` = ``tencent`` (腾讯云短信, through its official SDK, with pre-approved
  template ids per group of notices in ``SMS_TEMPLATES``) or ``gateway`` (a 政务短信平台's plain
  HTTP interface, signed with HMAC-SHA256).
- ``wecom`` / ``dingtalk``: a unit's work-group robot; 钉钉 requests are signed with the robot's secret.

A send returns the provider's reference or raises :class:`DeliveryError`; ``permanent`` errors
(a number the provider rejects, a robot that no longer exists) are not retried.
"""
import base64
import hashlib
import hmac
import json
import smtplib
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app

TIMEOUT_SECONDS = 15


class DeliveryError(Exception):
    def __init__(self, message: str, *, permanent: bool = False):
        super().__init__(message)
        self.message = message[:500]
        self.permanent = permanent


def email_enabled() -> bool:
    return bool(current_app.config.get("SMTP_HOST"))


def sms_enabled() -> bool:
    return current_app.config.get("SMS_PROVIDER") in ("tencent", "gateway")


# --- e-mail ---------------------------------------------------------------------------------------

def send_email(address: str, subject: str, text: str, key: str) -> str:
    config = current_app.config
    message = EmailMessage()
    message["From"] = formataddr(("泷泊英才人才服务系统", config.get("SMTP_FROM") or "noreply@localhost"))
    message["To"] = address
    message["Subject"] = subject
    domain = (config.get("SMTP_FROM") or "noreply@localhost").rpartition("@")[2] or "localhost"
    message["Message-ID"] = f"<{key}@{domain}>"  # the same on every attempt
    message.set_content(text)
    mode = (config.get("SMTP_TLS") or "none").lower()
    host = config["SMTP_HOST"]
    port = int(config.get("SMTP_PORT") or {"ssl": 465, "starttls": 587}.get(mode, 25))
    try:
        if mode == "ssl":
            client = smtplib.SMTP_SSL(host, port, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(host, port, timeout=TIMEOUT_SECONDS)
        with client:
            if mode == "starttls":
                client.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                client.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            refused = client.send_message(message)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryError(f"收件地址被拒绝：{error.recipients}", permanent=True) from None
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryError(f"SMTP：{error}") from None
    if refused:
        raise DeliveryError(f"收件地址被拒绝：{refused}", permanent=True)
    return message["Message-ID"]


# --- SMS ------------------------------------------------------------------------------------------

def sms_template(group: str) -> str:
    templates = current_app.config.get("SMS_TEMPLATES") or {}
    return str(templates.get(group) or templates.get("default") or "")


def send_sms(mobile: str, text: str, group: str, key: str) -> str:
    provider = current_app.config.get("SMS_PROVIDER")
    if provider == "tencent":
        return _send_tencent(mobile, text, group, key)
    if provider == "gateway":
        return _send_gateway(mobile, text, key)
    raise DeliveryError("短信渠道未配置（SMS_PROVIDER）", permanent=True)


def _send_tencent(mobile: str, text: str, group: str, key: str) -> str:
    """腾讯云短信 SendSms (API 2021-01-11) through the official SDK. The template (approved by the
    provider with its one variable ``{1}``) frames the text; ``SessionContext`` carries the key."""
    from tencentcloud.common import credential
    from tencentcloud.common.exception.tencent_cloud_sdk_exception import TencentCloudSDKException
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile
    from tencentcloud.sms.v20210111 import models, sms_client

    config = current_app.config
    template = sms_template(group)
    if not template:
        raise DeliveryError(f"没有为“{group}”类通知配置短信模板（SMS_TEMPLATES）", permanent=True)
    endpoint = config.get("TENCENT_SMS_ENDPOINT") or "sms.tencentcloudapi.com"
    scheme, _, host = endpoint.rpartition("://")
    http = HttpProfile(protocol=scheme or "https", endpoint=host, reqTimeout=TIMEOUT_SECONDS)
    profile = ClientProfile(httpProfile=http)
    client = sms_client.SmsClient(
        credential.Credential(config.get("TENCENT_SMS_SECRET_ID", ""),
                              config.get("TENCENT_SMS_SECRET_KEY", "")),
        config.get("TENCENT_SMS_REGION") or "ap-guangzhou", profile)
    request = models.SendSmsRequest()
    request.PhoneNumberSet = [f"+86{mobile}"]
    request.SmsSdkAppId = config.get("TENCENT_SMS_APP_ID", "")
    request.SignName = config.get("TENCENT_SMS_SIGN", "")
    request.TemplateId = template
    request.TemplateParamSet = [text]
    request.SessionContext = key
    try:
        response = client.SendSms(request)
    except TencentCloudSDKException as error:
        raise DeliveryError(f"腾讯云短信：{error.code} {error.message}") from None
    status = response.SendStatusSet[0] if response.SendStatusSet else None
    if status is None:
        raise DeliveryError("腾讯云短信：没有发送结果")
    if status.Code != "Ok":
        # Wrong numbers and refused templates stay wrong; a frequency limit passes.
        permanent = status.Code.startswith(("InvalidParameterValue", "UnauthorizedOperation",
                                            "FailedOperation.TemplateIncorrectOrUnapproved"))
        raise DeliveryError(f"腾讯云短信：{status.Code} {status.Message}", permanent=permanent)
    return status.SerialNo or response.RequestId


def gateway_signature(secret: str, account: str, mobile: str, msgid: str, timestamp: str) -> str:
    return hmac.new(secret.encode(), f"{account}\n{mobile}\n{msgid}\n{timestamp}".encode(),
                    hashlib.sha256).hexdigest()


def _send_gateway(mobile: str, text: str, key: str) -> str:
    """A 政务短信平台's HTTP interface: POST JSON ``{account, mobile, content, msgid, timestamp}``
    with ``X-Signature`` = HMAC-SHA256(secret, account\\nmobile\\nmsgid\\ntimestamp); the platform
    answers ``{"code": 0, "msgid": …}`` and drops a msgid it has already accepted."""
    config = current_app.config
    timestamp = str(int(time.time()))
    account = config.get("SMS_GATEWAY_ACCOUNT", "")
    body = {"account": account, "mobile": mobile, "content": text, "msgid": key, "timestamp": timestamp}
    signature = gateway_signature(config.get("SMS_GATEWAY_SECRET", ""), account, mobile, key, timestamp)
    answer = _post_json(config.get("SMS_GATEWAY_URL", ""), body, {"X-Signature": signature}, "短信平台")
    if answer.get("code") != 0:
        raise DeliveryError(f"短信平台：{answer.get('code')} {answer.get('message', '')}")
    return str(answer.get("msgid") or key)


# --- work-group robots ----------------------------------------------------------------------------

def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """钉钉 自定义机器人 加签: sign = base64(HMAC-SHA256(secret, "timestamp\\nsecret")), URL-encoded."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}&timestamp={timestamp_ms}&sign={sign}"


def send_robot(kind: str, url: str, secret: str, text: str) -> str:
    if kind == "dingtalk" and secret:
        url = dingtalk_signed_url(url, secret, int(time.time() * 1000))
    answer = _post_json(url, {"msgtype": "text", "text": {"content": text}}, {},
                        "钉钉" if kind == "dingtalk" else "企业微信")
    if answer.get("errcode") != 0:
        # 310000 (钉钉: bad signature or keyword), 93000 (企业微信: invalid webhook): fix the setting
        permanent = answer.get("errcode") in (310000, 93000, 300001)
        raise DeliveryError(f"机器人：{answer.get('errcode')} {answer.get('errmsg', '')}",
                            permanent=permanent)
    return "ok"


def _post_json(url: str, body: dict, headers: dict, who: str) -> dict:
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"{who}：地址未配置", permanent=True)
    request = urllib.request.Request(  # nosec B310 - the scheme is checked above
        url, data=json.dumps(body, ensure_ascii=False).encode(), method="POST",
        headers={"Content-Type": "application/json; charset=utf-8", **headers})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # nosec B310
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as error:
        raise DeliveryError(f"{who}：HTTP {error.code}", permanent=400 <= error.code < 500
                            and error.code not in (408, 429)) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        raise DeliveryError(f"{who}：{error}") from None
