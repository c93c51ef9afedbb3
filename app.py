"""The application factory: config, database, extensions, blueprints, security headers."""
import base64
import hashlib
import logging
import weakref
from pathlib import Path

from flask import Flask, abort, request
from flask_babel import Babel, format_date, get_locale
from flask_compress import Compress
from htmx_flask import Htmx
from werkzeug.middleware.proxy_fix import ProxyFix

import config
from database import open_database
from extensions import csrf, limiter
from models import db
from web import csrf_token, limit_store, session_cookie, static_files, translations

HTMX_VERSION = "2.0.11"
LOCALES = ("id", "en")
BODY_METHODS = frozenset(("POST", "PUT", "PATCH", "DELETE"))
SECURITY_HEADERS = (
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "same-origin"),
    ("X-Frame-Options", "DENY"),
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
)


class Jaring(Flask):
    """Flask, remembering which views and hooks are plain functions."""

    def ensure_sync(self, func):
        """func, or its synchronous wrapper if it is a coroutine function (Flask's own answer,
        worked out once per function: Flask asks for every hook of every request)."""
        # Weak keys: a closure made per request (after_this_request) or a class-based view's
        # bound method goes with its request instead of staying here with what it captured.
        # The value for a plain function is True, not the function: a value referring to its key
        # would keep it alive.
        known = self.__dict__.setdefault("_sync", weakref.WeakKeyDictionary())
        try:
            found = known.get(func)
            if found is None:
                answer = super().ensure_sync(func)
                found = known[func] = True if answer is func else answer
        except TypeError:  # no weak reference to it (a builtin): Flask's answer, not kept
            return super().ensure_sync(func)
        return func if found is True else found


def create_app(test_config=None):
    """Build the app: defaults, then environment, then test_config; register every piece."""
    app = Jaring(__name__, instance_relative_config=True)
    app.session_interface = session_cookie.SessionInterface()
    app.config.update(config.from_environment(app.instance_path))
    app.config.update(
        BABEL_DEFAULT_LOCALE="id",
        BABEL_TRANSLATION_DIRECTORIES=str(config.ROOT / "translations"),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        WTF_CSRF_TIME_LIMIT=None,
        COMPRESS_ALGORITHM=["gzip"],
        # Static files (htmx) stream; Flask-Compress leaves gzip out of that list by default.
        COMPRESS_ALGORITHM_STREAMING=["gzip"],
        COMPRESS_MIN_SIZE=300,
        # Registered by compress_every_status below, so 4xx and 5xx pages are compressed too.
        COMPRESS_REGISTER=False,
        MAX_CONTENT_LENGTH=1024 * 1024,
        RATELIMIT_HEADERS_ENABLED=True,  # Retry-After on a 429
        HTMX_FILE=f"vendor/htmx-{HTMX_VERSION}.min.js",
        # Flask-Babel's dates and times in the program's zone too; a wrong name fails at start.
        BABEL_DEFAULT_TIMEZONE=config.program_zone().key,
    )
    if test_config:
        app.config.update(test_config)
    if not app.config["RATELIMIT_STORAGE_URI"]:
        # Counters every gunicorn worker shares; per-process memory:// would multiply each limit.
        app.config["RATELIMIT_STORAGE_URI"] = limit_store.default_uri(
            app.config["DATABASE_URL"], app.instance_path)
    if app.config.get("PROXY_COUNT"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_COUNT"], x_proto=1, x_host=1)

    # peewee's DEBUG lines carry query parameters (NIK, name, phone): never let them out.
    logging.getLogger("peewee").setLevel(logging.INFO)
    open_database(app.config["DATABASE_URL"])
    register_extensions(app)
    register_request_hooks(app)
    register_blueprints(app)
    return app


def register_extensions(app):
    """CSRF, i18n, compression, rate limits, htmx."""
    csrf.init_app(app)
    csrf_token.register(app)
    Babel(app, locale_selector=select_locale)
    translations.install(app)
    compress_every_status(app, Compress(app))
    limiter.init_app(app)
    Htmx(app)
    css = (config.ROOT / "static" / "site.css").read_text(encoding="utf-8")
    app.config["INLINE_CSS"] = css
    digest = base64.b64encode(hashlib.sha256(css.encode()).digest()).decode()
    # The page's only CSS is inline (one round trip); the CSP allows exactly that text.
    app.config["CSP"] = (
        "default-src 'self'; script-src 'self'; "
        f"style-src 'self' 'sha256-{digest}'; img-src 'self' data:; "
        "form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
    from core import quota
    from models import SEAT_STATUSES
    from web import texts

    # Templates ask the core which actions a status allows rather than listing statuses again.
    app.jinja_env.globals.update(APPROVABLE=quota.APPROVABLE, REJECTABLE=quota.REJECTABLE,
                                 SEAT_STATUSES=SEAT_STATUSES)
    app.jinja_env.globals.update(status_names=texts.STATUS, reject_reasons=texts.REASONS,
                                 get_locale=get_locale,
                                 format_date=format_date)
    if not (Path(app.static_folder) / app.config["HTMX_FILE"]).exists():
        logging.getLogger(__name__).warning("htmx is not installed; pages work without it")


def compress_every_status(app, compress):
    """Compress whatever the status: a 422 form or a 404 page goes to the same metered phone."""

    @app.after_request
    def _compress(response):
        # Flask-Compress leaves anything but 2xx alone; it sees a 200 and gets the status back.
        status = response.status_code
        if status >= 400:
            response.status_code = 200
        response = compress.after_request(response)
        response.status_code = status
        return response


def select_locale():
    """Indonesian unless the worker chose English (cookie set by /bahasa)."""
    chosen = request.cookies.get("lang")
    return chosen if chosen in LOCALES else "id"


def register_request_hooks(app):
    """A connection per request, security headers on every response."""

    @app.before_request
    def _refuse_nul():
        # PostgreSQL cannot store a NUL character; no form carries one (the SMS door cleans its own).
        if request.blueprint == "sms":
            return
        # The raw query string and the decoded path, not every parsed argument: on a page view
        # parsing the arguments and an empty form cost more than the page itself.
        query = request.query_string
        if b"%00" in query or b"\x00" in query or "\x00" in request.path:
            abort(400)
        if request.method in BODY_METHODS and any(
                "\x00" in name or any("\x00" in value for value in values)
                for name, values in request.form.lists()):
            abort(400)

    @app.before_request
    def _connect():
        db.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not db.is_closed():
            db.close()

    @app.after_request
    def _headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", app.config["CSP"])
        for name, value in SECURITY_HEADERS:
            headers[name] = value
        if app.config["SESSION_COOKIE_SECURE"]:
            headers["Strict-Transport-Security"] = "max-age=31536000"
        # response.vary parses and rewrites the header; most responses have none yet.
        if "Vary" in headers:
            response.vary.add("HX-Request")
        else:
            headers["Vary"] = "HX-Request"
        static_files.cache_control(response)
        return response


def register_blueprints(app):
    """The public web pages, the SMS door, the staff pages and the CLI."""
    import public
    import sms
    import staff
    from ops import commands
    from web import errors, filters

    app.register_blueprint(public.bp)
    # Twilio cannot send our CSRF token; its signature protects the SMS door instead.
    csrf.exempt(sms.bp)
    app.register_blueprint(sms.bp)
    app.register_blueprint(staff.bp)
    errors.register(app)
    filters.register(app)
    static_files.register(app)
    commands.register(app)
