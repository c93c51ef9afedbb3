"""The CSRF token a form carries, signed once a minute per session rather than on every page.

Flask-WTF's generate_csrf() signs the session's token afresh for each request (a serializer,
key derivation, HMAC): ~0.1 ms of a ~1 ms page view. The signed text differs only in its
timestamp, and any correctly signed token is accepted (WTF_CSRF_TIME_LIMIT=None; with a limit, a
token is at most REUSE_SECONDS older than a fresh one). Checking on POST is Flask-WTF's, as before.
"""
import time

from flask import current_app, g, session
from flask_wtf.csrf import generate_csrf

REUSE_SECONDS = 60
LIMIT = 4096  # signed tokens kept per process; more, and all are dropped
FIELD = "csrf_token"
_signed = {}


def csrf_token():
    """generate_csrf()'s token for this request: the session's token, signed (its raw token is
    made and put in the session if it has none, by generate_csrf)."""
    if FIELD in g:
        return g.get(FIELD)
    secret = current_app.config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key
    raw = session.get(FIELD)
    kept = _signed.get((secret, raw)) if isinstance(raw, str) else None
    now = time.monotonic()
    if kept is not None and now < kept[1]:
        setattr(g, FIELD, kept[0])
        return kept[0]
    token = generate_csrf()
    if len(_signed) >= LIMIT:
        _signed.clear()
    _signed[(secret, session[FIELD])] = (token, now + REUSE_SECONDS)
    return token


def register(app):
    """Templates' csrf_token() is this one (Flask-WTF's context processor put its own there)."""
    if app.config.get("WTF_CSRF_FIELD_NAME", FIELD) != FIELD:
        return  # another field name: leave Flask-WTF's own
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})
