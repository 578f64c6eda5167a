"""Settings read from the environment.

Development generates a secret key into ``instance/`` on first run; production
refuses to start without a real one, so a forgotten variable never ships a
guessable key.
"""
import json
import os
import secrets
import tempfile
from pathlib import Path

from talent.core.replica import replica_url

MIN_SECRET_LENGTH = 32


class ConfigError(RuntimeError):
    """The environment does not describe a safe configuration."""


def is_production() -> bool:
    return os.environ.get("TALENT_ENV", "development").lower() == "production"


def _secret(variable: str, instance_path: Path, production: bool) -> str:
    """A key from the environment; production insists on one, development keeps its own in instance/."""
    value = os.environ.get(variable, "")
    if production and len(value) < MIN_SECRET_LENGTH:
        raise ConfigError(f"TALENT_ENV=production 需要至少 {MIN_SECRET_LENGTH} 个字符的 {variable} 环境变量")
    return value or _instance_secret(instance_path, variable.lower())


def _instance_secret(instance_path: Path, name: str, generate=lambda: secrets.token_hex(32)) -> str:
    """Development's own key in instance/<name>, made on first use."""
    key_file = instance_path / name
    if not key_file.exists():
        # Written 0600 from the start into a file of its own, then linked into place: several
        # workers starting at once all end up with the one key that got there first.
        instance_path.mkdir(parents=True, exist_ok=True)
        descriptor, draft = tempfile.mkstemp(dir=instance_path, prefix=f".{name}-")
        with os.fdopen(descriptor, "w") as handle:
            handle.write(generate())
        try:
            os.link(draft, key_file)
        except FileExistsError:
            pass
        finally:
            os.unlink(draft)
    return key_file.read_text().strip()


def _data_key(variable: str, instance_path: Path, production: bool, generate) -> str:
    """An encryption key (checked for length in ``core/crypto.py``). Production insists on one
    from the environment; development generates its own into instance/ — where a backup of the
    database does not go, see README 数据安全."""
    value = os.environ.get(variable, "").strip()
    if production and not value:
        raise ConfigError(f"TALENT_ENV=production 需要 {variable} 环境变量"
                          "（见 README 数据安全：生成、保管与轮换）")
    return value or _instance_secret(instance_path, variable.lower(), generate)


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        instance_path.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{instance_path / 'talent.sqlite'}"
    # Heroku-style URLs name the old driver; psycopg 3 is what we ship.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def _public_base_url(production: bool) -> str:
    """Where the QR codes point. Production must name it: otherwise the link would follow the
    request's ``Host`` header, which a client chooses (``Host: evil.example``)."""
    value = os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/")
    if production and not value.startswith(("https://", "http://")):
        raise ConfigError("TALENT_ENV=production 需要设置 PUBLIC_BASE_URL（如 https://rc.shuangpai.gov.cn），"
                          "二维码中的核验地址不能取自请求的 Host 头")
    return value


def _int(variable: str, default: int) -> int:
    value = os.environ.get(variable, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise ConfigError(f"{variable} 应为非负整数")
    return int(value)


def _dynamic_code_seconds() -> int:
    seconds = _int("DYNAMIC_CODE_SECONDS", 300)
    if not 30 <= seconds <= 3600:
        raise ConfigError("DYNAMIC_CODE_SECONDS 应在 30 至 3600 秒之间")
    return seconds


def _sms_templates() -> dict:
    """``SMS_TEMPLATES``: JSON, template id per group of notices, e.g.
    ``{"service": "1234567", "card": "1234568", "default": "1234569"}`` (README 通知渠道)."""
    raw = os.environ.get("SMS_TEMPLATES", "").strip()
    if not raw:
        return {}
    try:
        value = json.loads(raw)
    except ValueError:
        raise ConfigError('SMS_TEMPLATES 应为 JSON，如 {"service": "1234567"}') from None
    if not isinstance(value, dict):
        raise ConfigError("SMS_TEMPLATES 应为 JSON 对象：通知类别 → 模板ID")
    return {str(k): str(v) for k, v in value.items()}


def _channels() -> dict:
    """Notices outside the browser (talent/notifications/channels.py): each channel is on when configured."""
    tls = os.environ.get("SMTP_TLS", "none").strip().lower() or "none"
    if tls not in ("none", "starttls", "ssl"):
        raise ConfigError("SMTP_TLS 应为 none、starttls 或 ssl")
    provider = os.environ.get("SMS_PROVIDER", "").strip().lower()
    if provider not in ("", "tencent", "gateway"):
        raise ConfigError("SMS_PROVIDER 应为 tencent（腾讯云短信）或 gateway（政务短信平台）")
    env = os.environ.get
    return {
        "SMTP_HOST": env("SMTP_HOST", "").strip(), "SMTP_PORT": _int("SMTP_PORT", 0),
        "SMTP_USER": env("SMTP_USER", ""), "SMTP_PASSWORD": env("SMTP_PASSWORD", ""),
        "SMTP_FROM": env("SMTP_FROM", "").strip(), "SMTP_TLS": tls,
        "SMS_PROVIDER": provider, "SMS_TEMPLATES": _sms_templates(),
        "SMS_DAILY_CAP": _int("SMS_DAILY_CAP", 10),
        "TENCENT_SMS_SECRET_ID": env("TENCENT_SMS_SECRET_ID", ""),
        "TENCENT_SMS_SECRET_KEY": env("TENCENT_SMS_SECRET_KEY", ""),
        "TENCENT_SMS_APP_ID": env("TENCENT_SMS_APP_ID", ""), "TENCENT_SMS_SIGN": env("TENCENT_SMS_SIGN", ""),
        "TENCENT_SMS_REGION": env("TENCENT_SMS_REGION", "ap-guangzhou"),
        "TENCENT_SMS_ENDPOINT": env("TENCENT_SMS_ENDPOINT", ""),
        "SMS_GATEWAY_URL": env("SMS_GATEWAY_URL", ""), "SMS_GATEWAY_ACCOUNT": env("SMS_GATEWAY_ACCOUNT", ""),
        "SMS_GATEWAY_SECRET": env("SMS_GATEWAY_SECRET", ""),
        # How long a worker holds the deliveries it claimed before another may take them over.
        "WORKER_LEASE_SECONDS": _int("WORKER_LEASE_SECONDS", 120),
        "WORKER_BATCH": _int("WORKER_BATCH", 20),  # deliveries one worker claims at a time
    }


def _one_time_password_hours() -> int:
    hours = _int("ONE_TIME_PASSWORD_HOURS", 24)
    if not 1 <= hours <= 24 * 7:
        raise ConfigError("ONE_TIME_PASSWORD_HOURS 应在 1 至 168 小时之间")
    return hours


def load(instance_path: str) -> dict:
    path = Path(instance_path)
    production = is_production()
    return {
        "SECRET_KEY": _secret("SECRET_KEY", path, production),
        # Cards are signed with their own key, so rotating SECRET_KEY (and with it every
        # session) does not void the QR codes printed on cards already in people's wallets.
        "CARD_SIGNING_KEY": _secret("CARD_SIGNING_KEY", path, production),
        # Personal data at rest (core/crypto.py): SM4 data key "version:hex" (32 hex digits),
        # the retired ones still needed to read what they wrote, and the HMAC-SM3 index key.
        "DATA_KEY": _data_key("DATA_KEY", path, production, lambda: "1:" + secrets.token_hex(16)),
        "DATA_KEYS_RETIRED": os.environ.get("DATA_KEYS_RETIRED", ""),
        "INDEX_KEY": _data_key("INDEX_KEY", path, production, lambda: secrets.token_hex(32)),
        "PUBLIC_BASE_URL": _public_base_url(production),
        # How many reverse proxies (nginx …) stand in front of the app; their X-Forwarded-For
        # gives the client address that limits and the audit log use. 0: no proxy.
        "TRUSTED_PROXIES": _int("TRUSTED_PROXIES", 0),
        # Where rate limits and sign-in failures are counted; shared by every worker.
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "CARD_VALID_YEARS": 3,
        "CARD_VERIFY_LIMIT": int(os.environ.get("CARD_VERIFY_LIMIT", "30")),
        "CARD_VERIFY_WINDOW_SECONDS": 60,
        "CARD_SCAN_BATCH": int(os.environ.get("CARD_SCAN_BATCH", "20")),
        "CARD_SCAN_MAX_DELAY": 5.0,
        # The portal's dynamic code: how long one code verifies (seconds), and how often a
        # talent's page may fetch a fresh one (per account, per window).
        "DYNAMIC_CODE_SECONDS": _dynamic_code_seconds(),
        "DYNAMIC_CODE_REFRESH_LIMIT": 20,
        "DYNAMIC_CODE_REFRESH_WINDOW_SECONDS": 300,
        "PRODUCTION": production,
        # Shown on the public verification page for anyone whose card reads invalid.
        "ORG_CONTACT_PHONE": os.environ.get("ORG_CONTACT_PHONE", ""),
        # The zone every time a person reads is shown in; times are stored in UTC.
        "TIMEZONE": os.environ.get("TIMEZONE", "Asia/Shanghai"),
        # Where files from people are kept (core/uploads.py); empty: instance/uploads.
        "UPLOAD_DIR": os.environ.get("UPLOAD_DIR", ""),
        **_channels(),
        # Exports and imports longer than these run in the worker (talent/jobs/).
        "EXPORT_SYNC_LIMIT": _int("EXPORT_SYNC_LIMIT", 10_000),
        "IMPORT_SYNC_LIMIT": _int("IMPORT_SYNC_LIMIT", 2_000),
        # The worker recomputes the task tracker's computed indicators once their stored figure is
        # this old (talent/tasks/metric_figures.py); pages read the stored figure.
        "TASK_METRICS_REFRESH_SECONDS": _int("TASK_METRICS_REFRESH_SECONDS", 50),
        "SQLALCHEMY_DATABASE_URI": _database_url(path),
        # A PostgreSQL streaming replica for statistics, dashboards and exports (core/replica.py);
        # empty: everything reads the primary. Past this lag the pages say how old their figures are.
        "DATABASE_REPLICA_URL": replica_url(os.environ.get("DATABASE_REPLICA_URL", "")),
        "REPLICA_LAG_NOTICE_SECONDS": _int("REPLICA_LAG_NOTICE_SECONDS", 30),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "WTF_I18N_ENABLED": False,
        "WTF_CSRF_TIME_LIMIT": None,
        "MAX_CONTENT_LENGTH": 20 * 1024 * 1024,
        "API_TOKEN_DAYS": 7,
        # A one-time password read out by 组织部 or the administrator works this many hours.
        "ONE_TIME_PASSWORD_HOURS": _one_time_password_hours(),
        # Strict-Transport-Security in production (HTTPS only, a year, subdomains too).
        "HSTS": "max-age=31536000; includeSubDomains" if production else "",
        "LOGIN_MAX_FAILURES": 5,
        "LOGIN_LOCK_MINUTES": 15,
        "LOGIN_CLIENT_MAX_FAILURES": 20,
        "LOGIN_FAILURE_MEMORY_HOURS": 24,
        "CORRECTION_LIMIT": 5,
        "CORRECTION_WINDOW_SECONDS": 3600,
    }
