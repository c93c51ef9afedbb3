"""The audit log (admin): every staff action and status change, newest first, filterable, read-only."""
import datetime as dt

from flask import g, render_template, request
from peewee import JOIN

from core.clock import day_start
from core.refs import normalize_ref
from models import AuditEvent, Region, Registration
from staff import bp
from staff.roles import role_required
from web.paging import keyset_page, read_cursor

ACTIONS = ("register", "approve", "reject", "reopen", "promote", "cancel", "enroll", "view_nik",
           "set_capacity", "open_pool", "close_pool", "login", "login_failed", "lockout", "logout",
           "account_create", "account_update", "sms_simulator", "open_year", "close_registration",
           "open_registration", "create_pool", "update_pool", "dtks_import")


def read_date(text):
    """A YYYY-MM-DD date from the query string, or None."""
    try:
        return dt.date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


def audit_filters(args):
    """The filters as given (trimmed), for the form and the links."""
    values = {k: args.get(k, "").strip()[:80] for k in ("actor", "action", "ref", "since", "until",
                                                        "region")}
    if values["action"] not in ACTIONS:
        values["action"] = ""
    if g.staff.region:  # a regency's admin: events about their regency's registrations only
        values["region"] = g.staff.region
    elif not Region.select().where((Region.code == values["region"]) & (Region.level == "regency")).exists():
        values["region"] = ""
    return {k: v for k, v in values.items() if v}


def audit_query(values):
    """Events matching the filters (an unknown code matches nothing)."""
    query = AuditEvent.select(AuditEvent, Registration.ref).join(Registration, JOIN.LEFT_OUTER)
    if actor := values.get("actor"):
        query = query.where(AuditEvent.actor == (actor if ":" in actor else f"staff:{actor}"))
    if action := values.get("action"):
        query = query.where(AuditEvent.action == action)
    if region := values.get("region"):
        query = query.where(Registration.region.startswith(region + "."))
    if ref := values.get("ref"):
        query = query.where(Registration.ref == normalize_ref(ref))
    if since := read_date(values.get("since")):
        query = query.where(AuditEvent.at >= day_start(since))  # days in the program's time zone
    if (until := read_date(values.get("until"))) and until < dt.date.max:  # 9999-12-31: no end
        query = query.where(AuditEvent.at < day_start(until + dt.timedelta(days=1)))
    return query


@bp.get("/audit")
@role_required("admin")
def audit_log():
    """A page of audit events before a keyset cursor (newest first)."""
    values = audit_filters(request.args)
    before = read_cursor(request.args.get("before"))
    events, next_before = keyset_page(audit_query(values), AuditEvent.id, before, newest_first=True)
    return render_template("staff/audit.html", events=events, values=values, actions=ACTIONS,
                           regencies=list(Region.regencies()),
                           next_before=next_before)
