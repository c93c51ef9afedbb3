"""The staff pages: the blueprint, who is logged in, the role check, the CLI hook."""
import datetime as dt
import functools
import hashlib
import time
from urllib.parse import urlparse

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.identity import display_phone, mask_nik, mask_phone
from core.refs import format_ref
from models import StaffUser

WITA = dt.timezone(dt.timedelta(hours=8), "WITA")
bp = Blueprint("staff", __name__, url_prefix="/staff")
ROLES = ("operator", "verifier", "admin")
DECIDERS = ("verifier", "admin")
REGISTRARS = ("operator", "admin")
# A row id in a URL: larger numbers are no row (and SQLite could not even compare them: a 500).
ROW_ID = "int(max=9223372036854775807)"
ROLE_NAMES = {"operator": _l("Operator"), "verifier": _l("Verifikator"), "admin": _l("Admin")}


def fingerprint(user):
    """A short digest of the password hash: a new password or a disabled account ends sessions."""
    return hashlib.sha256(f"{user.password_hash}|{user.active}".encode()).hexdigest()[:20]


def start_session(user):
    """Log user in on a fresh session (a new cookie, so a planted one is never reused)."""
    session.clear()
    session.permanent = True
    stamp = int(time.time())
    session.update(staff_id=user.id, staff_key=fingerprint(user), staff_login=stamp, staff_seen=stamp)


def end_session():
    """Forget the staff login (and everything else in this browser's session)."""
    session.clear()


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


def role_required(*roles):
    """Let only logged-in staff with one of roles (any role when none given) through."""
    allowed = roles or ROLES

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if g.staff is None:
                login = url_for("staff.login_form", next=here() if request.method == "GET" else None)
                if request.htmx:
                    return "", 401, {"HX-Redirect": login}
                return redirect(login, 303)
            if g.staff.role not in allowed:
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


def here():
    """This request's path and query, to come back to."""
    return request.full_path.rstrip("?")


def safe_next(target, default="staff.queue"):
    """A local /staff address to go back to, or the default page (never another site)."""
    parsed = urlparse(target or "")
    if (target and not parsed.scheme and not parsed.netloc and target.startswith("/staff")
            and "\\" not in target and not target.startswith("//")):
        return target
    return url_for(default)


def actor():
    """The audit actor for the logged-in account."""
    return f"staff:{g.staff.username}"


@bp.context_processor
def staff_globals():
    """What every staff template may use."""
    return {"staff_roles": {"deciders": DECIDERS, "registrars": REGISTRARS}, "role_names": ROLE_NAMES,
            "mask_nik": mask_nik, "mask_phone": mask_phone, "display_phone": display_phone,
            "format_ref": format_ref, "num": number,
            "can_decide": g.get("staff") is not None and g.staff.role in DECIDERS}


def number(n):
    """7100 as Indonesians write it: `7.100`."""
    return f"{n:,}".replace(",", ".")


@bp.app_template_filter("wita")
def wita(moment):
    """A stored UTC time as Balikpapan local time (WITA, UTC+8), `25/11/2025 14:05`."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(WITA).strftime("%d/%m/%Y %H:%M")


# The route modules attach their views to bp (Flask's "large application as a package" layout).
from staff import (  # noqa: E402,F401
    accounts,
    audit,
    auth,
    dashboard,
    decisions,
    exports,
    kpj,
    pools,
    queue,
    register,
    reverify,
    simulator,
    years,
)
