"""Known devices: a signed cookie naming the accounts that logged in from this browser before.

Guessing passwords from elsewhere holds an account for a while (staff/auth.py), but never from
a device its owner has used: a stranger cannot lock a real user out.
"""
from flask import current_app, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

COOKIE = "staff_device"
MAX_AGE = 180 * 86400  # seconds: half a year without a login forgets the device
KEEP = 5  # accounts one shared office browser remembers


def _serializer():
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="staff-device")


def known_accounts():
    """Account ids this browser logged in as before (from its signed cookie; [] if none or forged)."""
    raw = request.cookies.get(COOKIE, "")
    try:
        ids = _serializer().loads(raw, max_age=MAX_AGE) if raw else []
    except BadSignature:
        return []
    return [i for i in ids if isinstance(i, int)] if isinstance(ids, list) else []


def is_known(user):
    """Whether this browser logged in as user before."""
    return user is not None and user.id in known_accounts()


def remember(response, user):
    """Mark this browser as one of user's devices on response (newest first, KEEP at most)."""
    ids = [user.id] + [i for i in known_accounts() if i != user.id]
    response.set_cookie(COOKIE, _serializer().dumps(ids[:KEEP]), max_age=MAX_AGE, path="/staff",
                        httponly=True, samesite="Strict",
                        secure=current_app.config["SESSION_COOKIE_SECURE"])
    return response
