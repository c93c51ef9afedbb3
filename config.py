"""Configuration from the environment (and `.env`), with defaults that run on a laptop."""
import datetime as dt
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo

from dotenv import load_dotenv

ROOT = Path(__file__).resolve().parent


MIB = 1024 * 1024


class SettingError(ValueError):
    """A setting the app cannot run with: the message names it and the values it may take."""


def _bool(value):
    return str(value).strip().lower() in ("1", "true", "yes", "on")


def whole_number(env, name, default, low, high):
    """Setting `name` as a whole number from low to high; SettingError (at start-up) otherwise."""
    text = env(name, default)
    try:
        value = int(str(text).strip())
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise SettingError(f"{name} must be a whole number from {low:,} to {high:,}, not {text!r}")
    return value


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
        # Empty: a SQLite file every worker shares (web/limit_store.py); redis://… across machines.
        "RATELIMIT_STORAGE_URI": env("RATELIMIT_STORAGE_URI", ""),
        # Per address. One kelurahan office behind one NAT registers up to ~200 people and looks
        # up as many in an hour (docs/deploy.md, "Rate limits"); logged-in staff are never limited.
        "LIMIT_REGISTER": env("LIMIT_REGISTER", "60/minute;600/hour"),
        "LIMIT_STATUS_LOOKUP": env("LIMIT_STATUS_LOOKUP", "60/minute;600/hour"),
        "LIMIT_FIELD_CHECK": env("LIMIT_FIELD_CHECK", "240/minute"),
        "LIMIT_SEND_CODE": env("LIMIT_SEND_CODE", "10/hour"),
        # Proxies whose X-Forwarded-* headers app.py trusts (ProxyFix); 0 = none in front.
        "PROXY_COUNT": int(env("PROXY_COUNT", "0")),
        "SESSION_COOKIE_SECURE": env("PUBLIC_BASE_URL", "").startswith("https://"),
        "RULES": rules_from_environment(env),
        "SMS_SESSION_MINUTES": int(env("SMS_SESSION_MINUTES", "30")),
        "SMS_MAX_ATTEMPTS": int(env("SMS_MAX_ATTEMPTS", "5")),
        "SMS_RETRY_SECONDS": int(env("SMS_RETRY_SECONDS", "30")),
        # Messages per second of the one sending number or Messaging Service: a long code sends
        # about 1/s, and Twilio drops (30001) what waits in its queue too long, so we keep the queue.
        "SMS_RATE_PER_SECOND": float(env("SMS_RATE_PER_SECOND", "1")),
        # Twilio's price of one outbound segment to Indonesia (console: Pricing), for the estimate.
        "SMS_SEGMENT_PRICE": float(env("SMS_SEGMENT_PRICE", "0.40")),
        "SMS_PRICE_CURRENCY": env("SMS_PRICE_CURRENCY", "USD"),
        # Staff sessions end after this long, or after STAFF_IDLE_MINUTES without a request.
        "PERMANENT_SESSION_LIFETIME": dt.timedelta(hours=int(env("STAFF_SESSION_HOURS", "8"))),
        "STAFF_IDLE_MINUTES": int(env("STAFF_IDLE_MINUTES", "30")),
        "STAFF_MAX_FAILURES": int(env("STAFF_MAX_FAILURES", "5")),
        "STAFF_LOCK_MINUTES": int(env("STAFF_LOCK_MINUTES", "15")),
        "STAFF_LOGIN_LIMIT": env("STAFF_LOGIN_LIMIT", "10/minute;100/hour"),
        # The queue flags an applicant this close (years) to the maximum age.
        "STAFF_AGE_FLAG_YEARS": int(env("STAFF_AGE_FLAG_YEARS", "1")),
        # argon2id cost parameters (argon2-cffi's defaults when empty); tests make it cheap.
        "STAFF_ARGON2": {},
        # Where a KPJ file waits between its dry run and apply (default: instance/uploads).
        "KPJ_UPLOAD_DIR": env("KPJ_UPLOAD_DIR", ""),
        # The largest KPJ or DTKS file the import pages take, in bytes (every other request: 1 MiB,
        # app.py). A DTKS list replaces the year's whole list, so it cannot be split: a larger one
        # goes through `flask import-dtks`. 32 MiB: about 1.8 million rows of a bare NIK column.
        "IMPORT_MAX_BYTES": whole_number(env, "IMPORT_MAX_BYTES", str(32 * MIB), MIB, 1024 * MIB),
        # Who a worker calls for help: in every public footer and in the INFO reply (issue 11).
        "HELP": help_from_environment(env),
        # The income limit the declaration names, in rupiah, with the year it is for.
        "INCOME_LIMIT": int(env("JARING_INCOME_LIMIT", "3701508")),
        "INCOME_YEAR": int(env("JARING_INCOME_YEAR", "2025")),
        "BENEFITS": benefits_from_environment(env),
        # A program year's personal data is kept through 31 December of the year plus this many
        # years (budget audits, the program's records), then `flask purge` anonymises it.
        # Under 1 the privacy page would promise nonsense; past ~7,970 its date overflows.
        "RETENTION_YEARS": whole_number(env, "JARING_RETENTION_YEARS", "5", 1, 100),
        **region_settings(env),
    }


def region_settings(env=os.environ.get):
    """Which provinces (Kemendagri codes, comma-separated) are loaded and served, and from where.

    The folder holds idn-area-data's CSV files (ODbL), put there by the Makefile from npm.
    """
    provinces = [p.strip() for p in env("JARING_PROVINCES", "64").split(",") if p.strip()]
    return {"REGION_PROVINCES": provinces,
            "REGION_DATA_DIR": env("JARING_REGION_DATA", str(ROOT / "vendor" / "idn-area-data"))}


def help_from_environment(env):
    """The help desk: office, phone or WhatsApp number, opening hours (plain text, GSM-7)."""
    return {
        "office": env("JARING_HELP_OFFICE", "Disnaker Kota Balikpapan"),
        "phone": env("JARING_HELP_PHONE", ""),  # empty: the office and hours only
        "hours": env("JARING_HELP_HOURS", "Senin-Jumat 08.00-16.00 WITA"),
    }


# What JKK and JKM pay, in rupiah, and where the figures come from. They change by regulation:
# this is the one place to change them (JARING_BENEFITS_FILE, JSON, overrides any key).
BENEFITS = {
    "jkm_total": 42_000_000, "jkm_lump_sum": 20_000_000, "jkm_periodic": 12_000_000,
    "jkm_periodic_months": 24, "jkm_funeral": 10_000_000, "scholarship_children": 2,
    "jkm_scholarship_years": 3, "call_centre": "175",
    "source": "PP 82/2019; Permenaker 5/2021", "as_of": "2025-01-01",
}


def benefits_from_environment(env):
    """BENEFITS, with the keys of the JSON file JARING_BENEFITS_FILE (if set) replacing them."""
    path = env("JARING_BENEFITS_FILE", "")
    if not path:
        return dict(BENEFITS)
    import json
    with open(path, encoding="utf-8") as f:
        return {**BENEFITS, **json.load(f)}


def rules_from_environment(env):
    """Eligibility thresholds: configuration, never code (docs/design.md, "Who is eligible")."""
    return {
        "max_age": int(env("JARING_MAX_AGE", "64")),
        "min_age": int(env("JARING_MIN_AGE", "18")),
        "max_niks_per_phone": int(env("JARING_MAX_NIKS_PER_PHONE", "3")),
        # "Send my code by SMS" per registration a day, whoever asks and from however many addresses.
        "code_sms_per_day": int(env("JARING_CODE_SMS_PER_DAY", "3")),
    }


DEFAULT_RULES = rules_from_environment(lambda key, default=None: default)


def program_zone(env=os.environ.get):
    """The program's time zone: every date and time a person sees or exports is in it (storage
    stays UTC). Read at use, like the export settings; Balikpapan is WITA (UTC+8)."""
    return ZoneInfo(env("JARING_TIMEZONE", "Asia/Makassar"))


def export_settings(env=os.environ.get):
    """What the BPJS and decree exports write: column lists, program name, monthly iuran (rupiah).

    Read at export time, so a command line can change them; Rp16,800 = JKK Rp10,000 + JKM
    Rp6,800, the lowest BPU bracket (docs/design.md).
    """
    return {
        "columns": {"bpjs": env("JARING_EXPORT_COLUMNS", ""),
                    "decree": env("JARING_DECREE_COLUMNS", "")},
        "program": env("JARING_EXPORT_PROGRAM", "JKK+JKM"),
        "contribution": int(env("JARING_CONTRIBUTION", "16800")),
    }
