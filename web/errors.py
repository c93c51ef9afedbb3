"""Friendly error pages: no input ever shows a stack trace or a bare 500."""
import logging
import time
import traceback

from flask import render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from extensions import limiter
from web.texts import ERRORS

log = logging.getLogger(__name__)


def render_error(code, text):
    """The error page, or just its text for an htmx request."""
    if getattr(request, "htmx", False):
        return f"{text}", code, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("error.html", code=code, text=text), code


def try_again_text():
    """The 429 sentence with when to try again (minutes until the limit that was hit resets)."""
    limit = limiter.current_limit
    if limit is None:
        return str(ERRORS["http_429"])
    minutes = max(1, round((limit.reset_at - time.time()) / 60))
    return _("Terlalu banyak percobaan dari alamat ini. Coba lagi dalam %(n)s menit.", n=minutes)


def register(app):
    """Attach the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, ERRORS["form_expired"])

    @app.errorhandler(429)
    def _too_many(error):
        return render_error(429, try_again_text())

    @app.errorhandler(HTTPException)
    def _http(error):
        return render_error(error.code, ERRORS.get(f"http_{error.code}", error.description))

    @app.errorhandler(Exception)
    def _unexpected(error):
        # Type, path and stack only: the message itself may quote a NIK, a name or a phone.
        log.error("unhandled %s on %s %s\n%s", type(error).__name__, request.method,
                  request.path, "".join(traceback.format_tb(error.__traceback__)))
        return render_error(500, ERRORS["http_500"])
