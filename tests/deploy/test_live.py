"""``make test-deploy``: the deployment of docs/deploy.md, running (tests/deploy/stack.py), proves
across its two app servers what one server alone cannot: sessions, limits and lockouts, uploads,
scan logs and notifications are shared, and a crashed app server loses no answered request.

Requests sent straight to one app server carry what nginx would add (X-Forwarded-For/-Proto);
its cookies are kept by hand, since they are ``Secure`` (production) and the hop is plain HTTP.
"""
import io
import re
import threading
import time
import uuid

import pytest
import requests
from PIL import Image
from sqlalchemy import func, select

from talent import create_app
from talent.cards import operations as cards
from talent.cards.models import Card, CardScan
from talent.cards.verification import make_token
from talent.extensions import db
from talent.notifications.models import Delivery
from talent.notifications.operations import notify
from tests.deploy.stack import KEYS, Deployment
from tests.factories import TEST_PASSWORD, TalentFactory, UserFactory
from tests.notifications.conftest import SmtpServer

# The test's own certificate is self-signed: its clients do not check it.
pytestmark = [pytest.mark.deploy,
              pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")]
VERIFY_LIMIT = 20


@pytest.fixture(scope="module")
def smtp():
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def deployment(smtp, tmp_path_factory):
    # Small batches (WORKER_BATCH) so that both workers take deliveries from the same queue.
    stack = Deployment(tmp_path_factory.mktemp("deploy"), CARD_VERIFY_LIMIT=str(VERIFY_LIMIT),
                       WORKER_BATCH="5", SMTP_HOST="127.0.0.1", SMTP_PORT=str(smtp.port),
                       SMTP_FROM="rc@shuangpai.example")
    stack.start()
    yield stack
    stack.stop()


@pytest.fixture(scope="module")
def data(deployment):
    """An app object on the deployment's primary, for setting up and reading back."""
    app = create_app({**KEYS, "SQLALCHEMY_DATABASE_URI": deployment.env["DATABASE_URL"],
                      "SMTP_HOST": "127.0.0.1", "SMTP_PORT": deployment.env["SMTP_PORT"],
                      "CHECK_KEYS_AT_START": False}, instance_path=str(deployment.folder / "instance"))
    yield app
    with app.app_context():
        db.engine.dispose()


def in_app(app, work):
    with app.app_context():
        result = work()
        db.session.commit()
        db.session.remove()
        return result


def new_user(app, **kwargs) -> str:
    return in_app(app, lambda: UserFactory(username=f"u{uuid.uuid4().hex[:10]}", **kwargs).username)


class Browser:
    """One person's browser, talking to whichever app server it is pointed at."""

    def __init__(self, deployment):
        self.deployment = deployment
        self.cookies: dict[str, str] = {}
        self.address = f"10.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"

    def request(self, server: int, method: str, path: str, **kwargs) -> requests.Response:
        base = self.deployment.app_url(server)
        headers = {"X-Forwarded-For": self.address, "X-Forwarded-Proto": "https",
                   "Referer": base.replace("http:", "https:") + "/", **kwargs.pop("headers", {})}
        response = requests.request(method, base + path, headers=headers, cookies=self.cookies,
                                    allow_redirects=False, timeout=60, **kwargs)
        self.cookies.update({cookie.name: cookie.value for cookie in response.cookies})
        return response

    def csrf(self, server: int, path: str) -> str:
        page = self.request(server, "GET", path)
        return re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)

    def login(self, server: int, username: str, password: str = TEST_PASSWORD) -> requests.Response:
        token = self.csrf(server, "/login")
        return self.request(server, "POST", "/login",
                            data={"username": username, "password": password, "csrf_token": token})


def test_a_session_made_on_one_server_works_on_the_other(deployment, data):
    browser = Browser(deployment)
    username = new_user(data, role="org")
    assert browser.login(0, username).status_code == 302
    page = browser.request(1, "GET", "/")
    assert page.status_code == 200 and "在县人才" in page.text  # the 工作台, read on the other server
    stranger = Browser(deployment)
    assert stranger.request(1, "GET", "/").status_code == 302  # no session: to the sign-in page


def test_rate_limits_and_lockouts_are_shared(deployment, data):
    token = in_app(data, lambda: make_token(cards.issue_card(None, TalentFactory())))
    client = Browser(deployment)
    answers = [client.request(i % 2, "GET", f"/api/v1/cards/verify/{token}").status_code
               for i in range(VERIFY_LIMIT + 2)]
    assert answers[:VERIFY_LIMIT] == [200] * VERIFY_LIMIT
    assert answers[VERIFY_LIMIT:] == [429, 429]  # counted across both servers in one Redis

    # Sign-in back-off per (account, client address), counted in Redis: five wrong passwords
    # spread over both servers hold that client on both; the owner elsewhere still signs in.
    username = new_user(data, role="org")
    guesser = Browser(deployment)
    for attempt in range(5):  # LOGIN_MAX_FAILURES
        assert guesser.login(attempt % 2, username, "wrong-password").status_code == 200
    for server in (0, 1):
        held = guesser.login(server, username)
        assert held.status_code == 200 and "登录失败次数过多" in held.text
    assert Browser(deployment).login(1, username).status_code == 302


def test_an_upload_on_one_server_downloads_from_the_other(deployment, data):
    talent_id = in_app(data, lambda: TalentFactory().id)
    browser = Browser(deployment)
    browser.login(0, new_user(data, role="org"))
    picture = io.BytesIO()
    Image.new("RGB", (300, 400), (200, 40, 40)).save(picture, "PNG")
    token = browser.csrf(0, f"/talents/{talent_id}")
    sent = browser.request(0, "POST", f"/talents/{talent_id}/photo", data={"csrf_token": token},
                           files={"photo": ("photo.png", picture.getvalue(), "image/png")})
    assert sent.status_code == 302
    on_other = browser.request(1, "GET", f"/talents/{talent_id}/photo.jpg")
    assert on_other.status_code == 200 and on_other.content[:3] == b"\xff\xd8\xff"
    assert on_other.content == browser.request(0, "GET", f"/talents/{talent_id}/photo.jpg").content


def test_through_nginx_every_card_scan_is_logged(deployment, data):
    card_id, token = in_app(data, lambda: (lambda c: (c.id, make_token(c)))(
        cards.issue_card(None, TalentFactory())))
    session = requests.Session()
    answers = [session.get(f"{deployment.url}/api/v1/cards/verify/{token}", verify=False, timeout=30)
               for _ in range(VERIFY_LIMIT - 4)]
    assert {a.status_code for a in answers} == {200}
    assert "max-age=31536000" in answers[0].headers["Strict-Transport-Security"]
    static = session.get(f"{deployment.url}/static/css/app.css", verify=False, timeout=30)
    assert static.status_code == 200 and "public" in static.headers["Cache-Control"]  # nginx, from disk

    def logged() -> int:
        return in_app(data, lambda: db.session.scalar(
            select(func.count()).select_from(CardScan).where(CardScan.card_id == card_id)))

    deadline = time.monotonic() + 30  # scans are written in batches, at most CARD_SCAN_MAX_DELAY late
    while logged() < len(answers) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert logged() == len(answers)
    assert in_app(data, lambda: db.session.get(Card, card_id).id) == card_id


def test_two_workers_deliver_each_notification_once(deployment, data, smtp):
    def write():
        users = [UserFactory(username=f"n{uuid.uuid4().hex[:10]}", email=f"staff{i}@shuangpai.example")
                 for i in range(30)]
        return notify(users, "督办：请于本周内报送进展", kind="task_directive")

    assert in_app(data, write) == 30
    deadline = time.monotonic() + 60
    while len(smtp.mailbox.messages) < 30 and time.monotonic() < deadline:
        time.sleep(0.3)
    time.sleep(2)  # and nothing more arrives
    recipients = [m["To"] for m in smtp.mailbox.messages]
    assert len(recipients) == 30 and len(set(recipients)) == 30
    assert in_app(data, lambda: db.session.scalar(
        select(func.count()).select_from(Delivery).where(Delivery.status != "sent"))) == 0


def test_killing_an_app_server_loses_no_answered_request(deployment, data):
    username = new_user(data, role="org")
    base = deployment.url
    issued, reads, failures = [], [], []
    stop = threading.Event()

    def sign_ins():  # each answered 200 wrote a token row: it must work afterwards
        with requests.Session() as session:
            while not stop.is_set():
                try:
                    answer = session.post(f"{base}/api/v1/auth/token", json={"username": username,
                                                                            "password": TEST_PASSWORD},
                                          verify=False, timeout=30)
                except requests.RequestException as error:
                    failures.append(("token", repr(error)))
                    continue
                if answer.status_code == 200:
                    issued.append(answer.json()["token"])
                else:
                    failures.append(("token", answer.status_code))

    def browse():  # GETs: nginx retries them on the other server, so every one is answered
        with requests.Session() as session:
            while not stop.is_set():
                answer = session.get(f"{base}/login", verify=False, timeout=30)
                reads.append(answer.status_code)

    threads = [threading.Thread(target=sign_ins) for _ in range(2)]
    threads += [threading.Thread(target=browse) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        time.sleep(3)
        deployment.kill("app0")
        time.sleep(4)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
    assert reads and set(reads) == {200}, sorted(set(reads))
    assert issued
    for token in issued:
        answer = requests.get(f"{base}/api/v1/talents?per_page=1", verify=False, timeout=30,
                              headers={"Authorization": f"Bearer {token}"})
        assert answer.status_code == 200, (answer.status_code, answer.text[:200])
    # A sign-in cut off with app0 is a 502 (nginx does not repeat a POST); none is lost silently.
    assert all(what == "token" and status == 502 for what, status in failures), failures
