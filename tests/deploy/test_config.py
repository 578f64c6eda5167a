"""The files in deploy/ are what nginx and gunicorn accept: nginx checks the site with a
throwaway certificate (``nginx -t``), gunicorn reads its configuration (``--check-config``)."""
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import required_by_ci

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def test_nginx_accepts_the_site(tmp_path):
    if shutil.which("nginx") is None or shutil.which("openssl") is None:
        if required_by_ci("REQUIRE_NGINX"):
            pytest.fail("nginx and openssl are installed in CI (.ci/run)")
        pytest.skip("nginx or openssl is not installed")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", str(tmp_path / "key.pem"), "-out", str(tmp_path / "cert.pem"),
                    "-days", "1", "-subj", "/CN=localhost"],
                   check=True, capture_output=True)
    site = (DEPLOY / "nginx-talent.conf").read_text()
    assert "Strict-Transport-Security" in site and "client_max_body_size 20m" in site
    assert "proxy_set_header X-Forwarded-For $remote_addr" in site  # replaced, never appended
    site = (site.replace("/etc/ssl/talent/fullchain.pem", str(tmp_path / "cert.pem"))
            .replace("/etc/ssl/talent/privkey.pem", str(tmp_path / "key.pem")))
    (tmp_path / "site.conf").write_text(site)
    temp = " ".join(f"{kind}_temp_path {tmp_path};"
                    for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log; events {{}}\n"
        f"http {{ access_log off; {temp} include {tmp_path}/site.conf; }}\n")
    result = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "test is successful" in result.stderr


def test_gunicorn_reads_its_configuration():
    result = subprocess.run([sys.executable, "-m", "gunicorn", "-c", str(DEPLOY / "gunicorn.conf.py"),
                             "--check-config", "app:app"], capture_output=True, text=True,
                            cwd=DEPLOY.parent, env={"PATH": "/usr/bin:/bin", "TALENT_WORKERS": "3"})
    assert result.returncode == 0, result.stdout + result.stderr


def test_systemd_units_name_the_config_and_shared_uploads():
    app = (DEPLOY / "systemd" / "talent-app.service").read_text()
    assert "gunicorn -c deploy/gunicorn.conf.py app:app" in app
    assert "RequiresMountsFor=/srv/talent/uploads" in app
    worker = (DEPLOY / "systemd" / "talent-worker.service").read_text()
    assert "ExecStart=/srv/talent/app/.venv/bin/flask --app app worker" in worker
    assert "RequiresMountsFor=/srv/talent/uploads" in worker
