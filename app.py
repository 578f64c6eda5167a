"""Entry point: `flask --app app …` and `gunicorn app:app` both load this."""
import sys

from talent import create_app
from talent.config import ConfigError
from talent.core.crypto import KeyConfigError

try:
    app = create_app()
except (ConfigError, KeyConfigError) as error:
    # A missing or wrong key is the operator's to fix: one clear line, not a traceback.
    sys.exit(f"泷泊英才无法启动：{error}")
