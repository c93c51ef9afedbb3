"""Staff roles, the role check every staff route carries, and where a login may send you back."""
import functools
from urllib.parse import urlparse

from flask import abort, g, redirect, request, url_for
from flask_babel import lazy_gettext as _l

from web.pages import wants_fragment

ROLES = ("operator", "verifier", "admin")
DECIDERS = ("verifier", "admin")
REGISTRARS = ("operator", "admin")
# A row id in a URL: larger numbers are no row (and SQLite could not even compare them: a 500).
ROW_ID = "int(max=9223372036854775807)"
ROLE_NAMES = {"operator": _l("Operator"), "verifier": _l("Verifikator"), "admin": _l("Admin")}


def role_required(*roles, province=False):
    """Let only logged-in staff with one of roles (any role when none given) through.

    province=True: a province-wide operation (accounts, program years, imports), refused to an
    account tied to one regency.
    """
    allowed = roles or ROLES

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if g.staff is None:
                login = url_for("staff.login_form", next=here() if request.method == "GET" else None)
                if wants_fragment():
                    return "", 401, {"HX-Redirect": login}
                return redirect(login, 303)
            if not may(g.staff, allowed, province):
                abort(403)
            return view(*args, **kwargs)
        return guarded
    return decorate


def may(user, roles, province=False):
    """Whether a logged-in account (a StaffUser) has one of roles, and no regency if province."""
    return user.role in roles and not (province and user.region)


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
