"""Log in and out: argon2 hashes, guessing held per account (not for known devices), a limit per address."""
import datetime as dt
import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import journal
from extensions import limiter
from models import StaffUser, now
from staff import bp, devices
from staff.roles import role_required, safe_next
from staff.session import end_every_session, end_session, start_session


def hasher():
    """The argon2id hasher; STAFF_ARGON2 may tune its cost (tests make it cheap)."""
    return _hasher(tuple(sorted(current_app.config["STAFF_ARGON2"].items())))


@functools.lru_cache(maxsize=4)
def _hasher(params):
    return PasswordHasher(**dict(params))


def hash_password(password):
    """A salted argon2id hash of password."""
    return hasher().hash(password)


def password_matches(user, password):
    """Whether password is user's; upgrades the stored hash when the cost settings changed."""
    try:
        hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if hasher().check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        StaffUser.update(password_hash=user.password_hash).where(StaffUser.id == user.id).execute()
    return True


def spend_time_like_a_check(password):
    """Verify against a throwaway hash, so an unknown username takes as long as a wrong password."""
    try:
        hasher().verify(_dummy_hash(hasher()), password)
    except (VerificationError, InvalidHashError):
        pass


@functools.lru_cache(maxsize=4)
def _dummy_hash(ph):
    return ph.hash("no account has this password")


def locked(user):
    """Whether user is held after too many failures (for logins from unknown devices)."""
    return user.locked_until is not None and user.locked_until > now()


def record_failure(user):
    """Count a failed login from an unknown device; after too many, hold the account a while."""
    config = current_app.config
    StaffUser.update(failed_logins=StaffUser.failed_logins + 1).where(StaffUser.id == user.id).execute()
    failures = StaffUser.get_by_id(user.id).failed_logins
    journal.audit(f"staff:{user.username}", "login_failed", failures=failures)
    if failures >= config["STAFF_MAX_FAILURES"]:
        until = now() + dt.timedelta(minutes=config["STAFF_LOCK_MINUTES"])
        StaffUser.update(locked_until=until, failed_logins=0).where(StaffUser.id == user.id).execute()
        journal.audit(f"staff:{user.username}", "lockout", minutes=config["STAFF_LOCK_MINUTES"])


@bp.get("/masuk")
def login_form():
    """The login page (straight to the queue when already logged in)."""
    if g.staff is not None:
        return redirect(url_for("staff.queue"))
    return render_template("staff/login.html", next=request.args.get("next", "")[:500], error=None)


@bp.post("/masuk")
@limiter.limit(lambda: current_app.config["STAFF_LOGIN_LIMIT"])
def login():
    """Check the password; one answer, in about the same time, for every kind of refusal.

    An unknown name, a wrong password and an account held after guessing all read the same, so
    names cannot be told apart. A held account still opens from its owner's known devices.
    """
    username = request.form.get("username", "").strip().lower()[:64]
    password = request.form.get("password", "")[:1024]
    next_url = request.form.get("next", "")[:500]
    user = StaffUser.get_or_none(StaffUser.username == username) if username else None
    known = devices.is_known(user)
    if user is None or not user.active or (locked(user) and not known):
        spend_time_like_a_check(password)
        return refuse(next_url)
    if not password_matches(user, password):
        if not known:  # the owner's own typos never hold their account
            record_failure(user)
        return refuse(next_url)
    StaffUser.update(failed_logins=0, locked_until=None).where(StaffUser.id == user.id).execute()
    start_session(user)
    journal.audit(f"staff:{user.username}", "login")
    return devices.remember(redirect(safe_next(next_url), 303), user)


def refuse(next_url):
    """The login page again with the one refusal text."""
    error = _("Nama pengguna atau kata sandi salah.")
    return render_template("staff/login.html", next=next_url, error=error), 422


@bp.post("/keluar")
@role_required()
def logout():
    """End the session and say so."""
    journal.audit(f"staff:{g.staff.username}", "logout")
    end_every_session(g.staff)
    end_session()
    flash(_("Anda sudah keluar."))
    return redirect(url_for("staff.login_form"), 303)
