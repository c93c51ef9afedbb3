"""Who is logged in: a staff session starts, is checked on every request, and ends."""
import hashlib
import time

from flask import current_app, flash, g, session
from flask_babel import gettext as _

from extensions import limiter
from models import StaffUser
from staff import bp


def fingerprint(user):
    """A short digest of what a session stands on: a new password, role, place or state, or a
    logout (session_epoch), ends every earlier session of the account."""
    stands_on = (user.password_hash, user.active, user.role, user.kelurahan_id, user.agency,
                 user.session_epoch)
    return hashlib.sha256("|".join(map(str, stands_on)).encode()).hexdigest()[:20]


def start_session(user):
    """Log user in on a fresh session (a new cookie, so a planted one is never reused)."""
    session.clear()
    session.permanent = True
    stamp = int(time.time())
    session.update(staff_id=user.id, staff_key=fingerprint(user), staff_login=stamp, staff_seen=stamp)


def end_session():
    """Forget the staff login (and everything else in this browser's session)."""
    session.clear()


def end_every_session(user):
    """Log the account out everywhere: a copied session cookie no longer opens anything."""
    StaffUser.update(session_epoch=StaffUser.session_epoch + 1).where(
        StaffUser.id == user.id).execute()


def staff_logged_in():
    """Whether this request carries a live staff session (checked against the account)."""
    user_id = session.get("staff_id")
    if not user_id:
        return False
    user = StaffUser.get_or_none((StaffUser.id == user_id) & (StaffUser.active == True))  # noqa: E712
    return user is not None and session.get("staff_key") == fingerprint(user)


@bp.before_request
def load_staff():
    """Put the logged-in account in g.staff, or None when absent, expired, idle or disabled."""
    g.staff = None
    user_id = session.get("staff_id")
    if not user_id:
        return None
    stamp, config = int(time.time()), current_app.config
    lifetime = config["PERMANENT_SESSION_LIFETIME"].total_seconds()
    idle = config["STAFF_IDLE_MINUTES"] * 60
    if stamp - session.get("staff_login", 0) > lifetime or stamp - session.get("staff_seen", 0) > idle:
        end_session()
        flash(_("Sesi Anda berakhir. Silakan masuk lagi."))
        return None
    user = StaffUser.get_or_none((StaffUser.id == user_id) & (StaffUser.active == True))  # noqa: E712
    if user is None or session.get("staff_key") != fingerprint(user):
        end_session()
        return None
    if stamp - session["staff_seen"] >= 60:  # refresh now and then, not on every request
        session["staff_seen"] = stamp
    g.staff = user
    return None


@limiter.request_filter
def staff_are_not_limited():
    """Logged-in staff (an office registering for many workers from one address) skip the limits."""
    return staff_logged_in()
