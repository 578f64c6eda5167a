"""Real servers speaking the channels' protocols: an SMTP server (aiosmtpd) and an HTTP server that
checks requests as 腾讯云短信, a 政务短信平台, 企业微信 and 钉钉 document them."""
import base64
import hashlib
import hmac
import json
import socket
import threading
import time
import urllib.parse
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from aiosmtpd.controller import Controller

from talent.notifications.channels import gateway_signature

TENCENT_ID, TENCENT_KEY = "AKIDtest0123456789", "tencent-secret-key-for-tests"
GATEWAY_SECRET = "gateway-secret"
DING_SECRET = "SECdingtalk-secret"


# time.sleep's absolute monotonic deadline is refused under faketime (CI's year-end run)
PAUSE = threading.Event()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """What the SMTP server accepted; ``pause_rcpt`` makes it wait inside RCPT (before accepting)."""

    def __init__(self):
        self.messages = []
        self.rcpt_count = 0
        self.rcpt_delay = 0.0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_count += 1
        if self.rcpt_delay:
            PAUSE.wait(self.rcpt_delay)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def ids(self):
        return [m["Message-ID"] for m in self.messages]


class SmtpServer:
    def __init__(self):
        self.port = free_port()
        self.mailbox = Mailbox()
        self.controller = None

    def start(self):
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp(app):
    server = SmtpServer()
    server.start()
    app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=server.port, SMTP_TLS="none",
                      SMTP_FROM="rc@shuangpai.example", PUBLIC_BASE_URL="https://rc.shuangpai.example")
    yield server
    server.stop()
    app.config.update(SMTP_HOST="")


def tc3_signature(secret_key: str, date: str, service: str, string_to_sign: str) -> str:
    def sign(key: bytes, msg: str) -> bytes:
        return hmac.new(key, msg.encode(), hashlib.sha256).digest()

    secret_signing = sign(sign(sign(("TC3" + secret_key).encode(), date), service), "tc3_request")
    return hmac.new(secret_signing, string_to_sign.encode(), hashlib.sha256).hexdigest()


class Provider(ThreadingHTTPServer):
    """Records every request; ``down`` answers 503; each path checks its protocol."""

    def __init__(self):
        super().__init__(("127.0.0.1", free_port()), ProviderHandler)
        self.requests, self.errors, self.down = [], [], False

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class ProviderHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status: int, body: dict) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        server: Provider = self.server
        path, _, query = self.path.partition("?")
        record = {"path": path, "query": urllib.parse.parse_qs(query), "headers": dict(self.headers),
                  "body": json.loads(raw), "ok": False}
        server.requests.append(record)
        if server.down:
            return self._answer(503, {"message": "service unavailable"})
        check = {"/": self._tencent, "/gateway": self._gateway, "/wecom": self._wecom,
                 "/dingtalk": self._dingtalk}[path]
        try:
            status, answer = check(raw, record)
        except AssertionError as error:
            server.errors.append(f"{path}: {error}")
            if path in ("/dingtalk", "/wecom"):  # robots answer 200 with an errcode
                return self._answer(200, {"errcode": 310000, "errmsg": f"sign not match: {error}"})
            return self._answer(400, {"errcode": 400, "code": 400, "message": str(error)})
        record["ok"] = True
        return self._answer(status, answer)

    def _tencent(self, raw, record):
        """API 3.0 signature v3 (TC3-HMAC-SHA256) and the SendSms 2021-01-11 body."""
        h = self.headers
        assert h["X-TC-Action"] == "SendSms" and h["X-TC-Version"] == "2021-01-11", "action/version"
        assert h["X-TC-Region"] == "ap-guangzhou", "region"
        timestamp = h["X-TC-Timestamp"]
        date = time.strftime("%Y-%m-%d", time.gmtime(int(timestamp)))
        canonical = "\n".join(["POST", "/", "", f"content-type:{h['Content-Type']}\nhost:{h['Host']}\n",
                               "content-type;host", hashlib.sha256(raw).hexdigest()])
        to_sign = "\n".join(["TC3-HMAC-SHA256", timestamp, f"{date}/sms/tc3_request",
                             hashlib.sha256(canonical.encode()).hexdigest()])
        signature = tc3_signature(TENCENT_KEY, date, "sms", to_sign)
        expected = (f"TC3-HMAC-SHA256 Credential={TENCENT_ID}/{date}/sms/tc3_request, "
                    f"SignedHeaders=content-type;host, Signature={signature}")
        assert h["Authorization"] == expected, "signature"
        body = record["body"]
        assert body["SmsSdkAppId"] == "1400000001" and body["SignName"] == "双牌县人才办", "app/sign"
        assert body["PhoneNumberSet"][0].startswith("+861"), "E.164 number"
        assert body["TemplateId"] and len(body["TemplateParamSet"]) == 1, "template"
        return 200, {"Response": {"RequestId": "req-1", "SendStatusSet": [{
            "SerialNo": f"serial-{len(self.server.requests)}", "PhoneNumber": body["PhoneNumberSet"][0],
            "Fee": 1, "SessionContext": body["SessionContext"], "Code": "Ok", "Message": "send success",
            "IsoCode": "CN"}]}}

    def _gateway(self, raw, record):
        body = record["body"]
        expected = gateway_signature(GATEWAY_SECRET, body["account"], body["mobile"], body["msgid"],
                                     body["timestamp"])
        assert hmac.compare_digest(self.headers["X-Signature"], expected), "signature"
        assert body["account"] == "shuangpai" and body["content"], "account/content"
        return 200, {"code": 0, "msgid": body["msgid"]}

    def _wecom(self, raw, record):
        body = record["body"]
        assert record["query"].get("key") == ["robot-key"], "key"
        assert body["msgtype"] == "text" and body["text"]["content"], "text message"
        return 200, {"errcode": 0, "errmsg": "ok"}

    def _dingtalk(self, raw, record):
        timestamp = record["query"]["timestamp"][0]
        digest = hmac.new(DING_SECRET.encode(), f"{timestamp}\n{DING_SECRET}".encode(),
                          hashlib.sha256).digest()
        assert record["query"]["sign"][0] == base64.b64encode(digest).decode(), "sign"
        assert abs(int(timestamp) / 1000 - time.time()) < 3600, "timestamp within an hour"
        assert record["body"]["msgtype"] == "text", "text message"
        return 200, {"errcode": 0, "errmsg": "ok"}


@pytest.fixture
def provider(app):
    server = Provider()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    app.config.update(SMS_PROVIDER="")


@pytest.fixture
def tencent_sms(app, provider):
    app.config.update(SMS_PROVIDER="tencent", TENCENT_SMS_SECRET_ID=TENCENT_ID,
                      TENCENT_SMS_SECRET_KEY=TENCENT_KEY,
                      TENCENT_SMS_APP_ID="1400000001", TENCENT_SMS_SIGN="双牌县人才办",
                      TENCENT_SMS_REGION="ap-guangzhou", TENCENT_SMS_ENDPOINT=provider.base,
                      SMS_TEMPLATES={"service": "2000001", "default": "2000009"},
                      PUBLIC_BASE_URL="https://rc.shuangpai.example")
    return provider


@pytest.fixture
def gateway_sms(app, provider):
    app.config.update(SMS_PROVIDER="gateway", SMS_GATEWAY_URL=f"{provider.base}/gateway",
                      SMS_GATEWAY_ACCOUNT="shuangpai", SMS_GATEWAY_SECRET=GATEWAY_SECRET,
                      PUBLIC_BASE_URL="https://rc.shuangpai.example")
    return provider
