"""The deployment of docs/deploy.md on one machine, for ``make test-deploy`` and the load run
(benchmarks/deploy_load.py): nginx (deploy/nginx-talent.conf, a throwaway certificate) in front
of two gunicorn app servers (deploy/gunicorn.conf.py), one PostgreSQL with a streaming replica,
one Redis, one shared UPLOAD_DIR and two ``flask worker`` processes. Every port is a free one;
:meth:`Deployment.stop` ends every process it started, also after a failure halfway."""
import contextlib
import os
import re
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from tests.pg import ThrowawayPostgres, ThrowawayReplica, find_bindir
from tests.redis_server import ThrowawayRedis, free_port

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
KEYS = {"SECRET_KEY": "s" * 48, "CARD_SIGNING_KEY": "c" * 48, "DATA_KEY": "1:" + "d" * 32,
        "INDEX_KEY": "e" * 64}


def wait_until_serving(url: str, process: subprocess.Popen, seconds: float = 90) -> None:
    """Until ``url`` answers 200: gunicorn listens before its workers have loaded the app."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process {process.args[:3]} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=5, context=tls_context()) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer 200 within {seconds} s")


def self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key),
                    "-out", str(cert), "-days", "1", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    return cert, key


def nginx_site(folder: Path, port: int, upstreams: list[int], cert: Path, key: Path) -> Path:
    """deploy/nginx-talent.conf with this machine's paths and ports; returns the main config."""
    site = (DEPLOY / "nginx-talent.conf").read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=1 fail_timeout=10s;\n" for p in upstreams)
    site = re.sub(r"    server 127\.0\.0\.1:8000[^\n]*\n    # server [^\n]*\n", servers, site)
    site = re.sub(r"server \{\n    listen 80;.*?\n\}\n", "", site, count=1, flags=re.S)
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{port} ssl http2;")
    site = site.replace("    listen [::]:443 ssl http2;\n", "")
    site = (site.replace("/etc/ssl/talent/fullchain.pem", str(cert))
            .replace("/etc/ssl/talent/privkey.pem", str(key))
            .replace("/srv/talent/app/static/", f"{ROOT}/static/"))
    assert str(upstreams[-1]) in site and f":{port} ssl" in site, "deploy/nginx-talent.conf changed shape"
    (folder / "site.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {folder}/{kind};" for kind in ("client_body", "proxy", "fastcgi",
                                                                     "uwsgi", "scgi"))
    user = "user root;\n" if os.geteuid() == 0 else ""  # workers must read the checkout's static/
    (folder / "nginx.conf").write_text(
        f"{user}pid {folder}/nginx.pid; error_log {folder}/error.log; daemon off;\n"
        f"worker_processes 2; events {{ worker_connections 1024; }}\n"
        f"http {{ access_log {folder}/access.log; {temp}\n"
        f"  types {{ text/css css; application/javascript js; image/png png; }}\n"
        f"  include {folder}/site.conf; }}\n")
    return folder / "nginx.conf"


class Deployment:
    def __init__(self, folder: Path | None = None, **settings: str):
        self.folder = Path(folder or tempfile.mkdtemp(prefix="talent-deploy-"))
        self.settings = settings  # more environment for the app servers and workers
        self.processes: dict[str, subprocess.Popen] = {}
        self.app_ports: list[int] = []
        self.port = 0
        self.postgres: ThrowawayPostgres | None = None
        self.replica: ThrowawayReplica | None = None
        self.redis: ThrowawayRedis | None = None
        self.env: dict = {}
        self.timings: dict[str, float] = {}  # seconds from the start to each stage

    @property
    def url(self) -> str:
        return f"https://127.0.0.1:{self.port}"

    def app_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.app_ports[index]}"

    def start(self) -> "Deployment":
        try:
            self._start()
        except BaseException:
            self.stop()
            raise
        return self

    def _start(self) -> None:
        bindir = find_bindir()
        if bindir is None or not all(shutil.which(t) for t in ("nginx", "openssl", "redis-server")):
            raise RuntimeError("the deployment test needs PostgreSQL, nginx, openssl and redis-server")
        self.postgres = ThrowawayPostgres(bindir, options="-c max_connections=200")
        started = time.monotonic()
        primary = self.postgres.start()
        self.replica = ThrowawayReplica(self.postgres)
        replica = self.replica.start()
        self.redis = ThrowawayRedis(self.folder)
        redis = self.redis.start()
        uploads = self.folder / "uploads"  # NFS in production (docs/deploy.md)
        uploads.mkdir()
        self.port = free_port()
        self.env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8", "HOME": str(self.folder),
            "TALENT_ENV": "production", **KEYS, "DATABASE_URL": primary, "DATABASE_REPLICA_URL": replica,
            "RATELIMIT_STORAGE_URI": redis, "UPLOAD_DIR": str(uploads), "TRUSTED_PROXIES": "1",
            "PUBLIC_BASE_URL": self.url, "TALENT_WORKERS": "2", **self.settings}
        # ``flask db upgrade`` and ``flask seed`` in one process (one start-up of the app, not two)
        self.timings["databases"] = time.monotonic() - started
        self.python("from flask_migrate import upgrade; from talent import create_app; "
                    "from talent.extensions import db; from talent.reference import seed_reference\n"
                    "with create_app().app_context():\n upgrade(); seed_reference(); db.session.commit()")
        self.timings["migrated"] = time.monotonic() - started
        for index in range(2):  # all started at once, then waited for (each loads the app)
            self.start_app(index, wait=False)
            self.processes[f"worker{index}"] = self._spawn(f"worker{index}", [
                sys.executable, "-m", "flask", "--app", "app", "worker", "--interval", "0.5"])
        cert, key = self_signed_certificate(self.folder)
        config = nginx_site(self.folder, self.port, self.app_ports, cert, key)
        self.processes["nginx"] = self._spawn("nginx", ["nginx", "-p", str(self.folder), "-c", str(config)])
        for index in range(2):
            wait_until_serving(f"{self.app_url(index)}/login", self.processes[f"app{index}"])
        wait_until_serving(f"{self.url}/login", self.processes["nginx"])
        self.timings["serving"] = time.monotonic() - started

    def python(self, code: str) -> str:
        result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=self.env,
                                capture_output=True, text=True, timeout=300)
        if result.returncode != 0:
            raise RuntimeError(f"{code}: {result.stdout}{result.stderr}")
        return result.stdout

    def _spawn(self, name: str, command: list[str], env: dict | None = None) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "ab")  # noqa: SIM115 (closed with the process)
        return subprocess.Popen(command, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)

    def start_app(self, index: int, wait: bool = True) -> None:
        if len(self.app_ports) <= index:
            self.app_ports.append(free_port())
        port = self.app_ports[index]
        process = self._spawn(f"app{index}", [sys.executable, "-m", "gunicorn", "-c",
                                              str(DEPLOY / "gunicorn.conf.py"), "app:app"],
                              env={**self.env, "TALENT_BIND": f"127.0.0.1:{port}"})
        self.processes[f"app{index}"] = process
        if wait:
            wait_until_serving(f"{self.app_url(index)}/login", process)

    def kill(self, name: str) -> None:
        """A crash: SIGKILL to the process and everything it started (gunicorn's workers)."""
        process = self.processes.pop(name)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)

    def stop(self) -> None:
        processes, self.processes = list(self.processes.items()), {}
        for _name, process in processes:  # all asked at once, then waited for
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        deadline = time.monotonic() + 15
        for name, process in processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
                self.timings[f"{name} stopped"] = time.monotonic() - deadline + 15
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        for server in (self.redis, self.replica):
            if server is not None:
                with contextlib.suppress(Exception):  # the primary's folder goes below all the same
                    server.stop()
        self.redis = self.replica = None
        if self.postgres is not None:
            self.postgres.stop()
            self.postgres = None
        shutil.rmtree(self.folder, ignore_errors=True)

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""


def tls_context() -> ssl.SSLContext:
    """The test's certificate is self-signed: the client accepts it without checking."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context
