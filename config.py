"""Configuration from the environment (and `.env`), with defaults that run on a laptop."""
import os
import secrets
from pathlib import Path

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent


def _bool(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def from_environment(instance_path):
    """Build the config dict from environment variables; read `.env` first if present."""
    load_dotenv(ROOT / ".env", override=False)
    env = os.environ.get
    default_db = f"sqlite:///{Path(instance_path) / 'jaring.sqlite3'}"
    return {
        "DATABASE_URL": env("DATABASE_URL", default_db),
        # Without a SECRET_KEY sessions last until restart; make run writes one to .env.
        "SECRET_KEY": env("SECRET_KEY") or secrets.token_hex(32),
        "PUBLIC_BASE_URL": env("PUBLIC_BASE_URL", "http://localhost:8000").rstrip("/"),
        "TWILIO_ACCOUNT_SID": env("TWILIO_ACCOUNT_SID", ""),
        "TWILIO_AUTH_TOKEN": env("TWILIO_AUTH_TOKEN", ""),
        "TWILIO_FROM": env("TWILIO_FROM", ""),
        "RATELIMIT_ENABLED": _bool(env("RATELIMIT_ENABLED", "1")),
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", "memory://"),
        # Proxies whose X-Forwarded-* headers app.py trusts (ProxyFix); 0 = none in front.
        "PROXY_COUNT": int(env("PROXY_COUNT", "0")),
        "SESSION_COOKIE_SECURE": env("PUBLIC_BASE_URL", "").startswith("https://"),
        "RULES": rules_from_environment(env),
        "SMS_SESSION_MINUTES": int(env("SMS_SESSION_MINUTES", "30")),
        "SMS_MAX_ATTEMPTS": int(env("SMS_MAX_ATTEMPTS", "5")),
        "SMS_RETRY_SECONDS": int(env("SMS_RETRY_SECONDS", "30")),
    }


def rules_from_environment(env):
    """Eligibility thresholds: configuration, never code (see data/README.md)."""
    return {
        "max_age": int(env("JARING_MAX_AGE", "64")),
        "min_age": int(env("JARING_MIN_AGE", "18")),
        "max_niks_per_phone": int(env("JARING_MAX_NIKS_PER_PHONE", "3")),
    }


DEFAULT_RULES = rules_from_environment(lambda key, default=None: default)
