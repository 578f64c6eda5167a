"""gunicorn settings for one app server (docs/deploy.md): ``gunicorn -c deploy/gunicorn.conf.py app:app``."""
import multiprocessing
import os

bind = os.environ.get("TALENT_BIND", "127.0.0.1:8000")
# Sync workers: each request holds one; 2 per core plus one.
workers = int(os.environ.get("TALENT_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# An import of 20,000 rows takes ~17 s idle, far more on a busy server (README); exports move to
# the background worker (issue #20).
timeout = 300
# A restart (systemctl reload: SIGHUP) lets requests in flight finish.
graceful_timeout = 30
# Recycle workers now and then (bounded memory growth), staggered.
max_requests = 2000
max_requests_jitter = 200
# nginx on the same host or the private network is the only proxy trusted (the app's
# TRUSTED_PROXIES=1 does the X-Forwarded-* handling, werkzeug ProxyFix).
forwarded_allow_ips = os.environ.get("TALENT_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
