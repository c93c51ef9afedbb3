"""Public rate limits sized for a kelurahan office, never for logged-in staff; a 429 that says when.

An office puts many workers behind one address. Expected peak (docs/deploy.md): 200 registrations
an hour from one office, each followed by a status look-up, a few forgotten codes. Per address:
registration 30/minute;300/hour, status look-up 30/minute;300/hour, code SMS 20/hour (and 2/day
per registration, public/status.py), inline validation 120/minute.
"""
import math
import time

from flask import current_app, make_response, session
from flask_babel import gettext as _

from extensions import limiter
from public import bp
from web.errors import render_error

REGISTER = "30/minute;300/hour"
STATUS = "30/minute;300/hour"
CODE_SMS = "20/hour"
CHECK_FIELD = "120/minute"


@limiter.request_filter
def logged_in_staff():
    """Whether a valid staff session sent this request: staff-assisted work is never limited.

    The login form stays limited (nobody is logged in there); an expired or ended session, or one
    of a changed or disabled account, counts as anonymous.
    """
    user_id = session.get("staff_id")
    if not user_id:
        return False
    from models import StaffUser
    from staff import fingerprint

    lifetime = current_app.config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    if time.time() - session.get("staff_login", 0) > lifetime:
        return False
    user = StaffUser.get_or_none((StaffUser.id == user_id) & (StaffUser.active == True))  # noqa: E712
    return user is not None and session.get("staff_key") == fingerprint(user)


@bp.app_errorhandler(429)
def too_many(error):
    """429 saying in how many minutes the limit that was hit lets requests in again (Retry-After
    in seconds too)."""
    limit = limiter.current_limit
    # The window's own end (reset_at is rounded up a whole second more, which read "2 minutes").
    seconds = max(1, math.ceil(limit.window.reset_time - time.time())) if limit else 60
    text = _("Terlalu banyak permintaan dari alamat ini. Coba lagi dalam %(n)s menit.",
             n=math.ceil(seconds / 60))
    response = make_response(render_error(429, text))
    response.headers["Retry-After"] = str(seconds)
    return response
