"""The approval queue: registrations oldest first, filtered, searched, one keyset page at a time."""

from flask import abort, current_app, g, render_template, request, url_for
from flask_wtf.csrf import generate_csrf
from flask_babel import gettext as _
from peewee import fn

from core import clock
from models import AuditEvent, ProgramYear, Registration
from staff import bp
from staff.flags import FLAGS, flags_for
from staff.listing import (
    CHANNELS,
    COUNT_CAP,
    Choices,
    Filters,
    capped_count,
    filtered,
    queue_page,
    read_filters,
    row_names,
    scoped,
)
from staff.roles import ROW_ID, here, role_required
from web.paging import PAGE_SIZE, read_cursor
from web.texts import STATUS


def flags_of(regs, only=None):
    """Flags for a list of registrations, with the configured age rule."""
    config = current_app.config
    return flags_for(regs, config["RULES"]["max_age"], config["STAFF_AGE_FLAG_YEARS"], only)


def counters(user, year=None):
    """Pending in this account's scope (capped) and its own decisions today."""
    pending = filtered(user, Filters(), None, year or ProgramYear.current())
    midnight = clock.day_start(clock.today())  # the program's midnight, not the server's or UTC's
    mine = dict(AuditEvent.select(AuditEvent.action, fn.COUNT(AuditEvent.id)).where(
        (AuditEvent.actor == f"staff:{user.username}") & (AuditEvent.at >= midnight)
        & AuditEvent.action.in_(("approve", "reject"))).group_by(AuditEvent.action).tuples())
    return {"pending": capped_count(pending), "cap": COUNT_CAP,
            "approved": mine.get("approve", 0), "rejected": mine.get("reject", 0)}


def visible(reg_id):
    """The registration with this id if the logged-in account may see it, else 404."""
    query = scoped(Registration.select().where(Registration.id == reg_id), g.staff)
    reg = query.first()
    if reg is None:
        abort(404)
    return reg


class RowLinks:
    """A queue row's links, each built once per page around a stand-in id and completed per row:
    `links("detail", 7)`. 150 url_for calls were a quarter of the time spent drawing a page's rows."""

    MARK = 987654321987654321  # never a row id here; it sits in the path, before any query string

    def __init__(self, next_url):
        made = {"detail": url_for("staff.detail", reg_id=self.MARK, next=next_url),
                "approve": url_for("staff.approve", reg_id=self.MARK),
                "reject": url_for("staff.reject_page", reg_id=self.MARK, next=next_url)}
        self.parts = {name: url.split(str(self.MARK), 1) for name, url in made.items()}

    def __call__(self, name, reg_id):
        head, tail = self.parts[name]
        return f"{head}{int(reg_id)}{tail}"


def row_context(regs, next_url, choices=None):
    """What the queue rows regs need: names for codes, labels translated once per page (not per row),
    links, the form token; next_url is where a row's links come back to."""
    choices = choices or Choices.load(ProgramYear.current())
    labels = {"nik": _("NIK"), "phone": _("HP"), "born": _("lahir"), "F": _("perempuan"),
              "M": _("laki-laki"), "channel": _("jalur"), "status": _("Status"), "flags": _("Tanda"),
              "pick": _("Pilih"), "approve": _("Setujui"), "reject": _("Tolak…")}
    return {**row_names(regs), "occupations": choices.occupations, "labels": labels,
            "links": RowLinks(next_url), "row_csrf": generate_csrf(), "next_url": next_url,
            "flag_names": {k: str(v) for k, v in FLAGS.items()},
            "statuses": {k: str(v) for k, v in STATUS.items()},
            "channel_names": {k: str(v) for k, v in CHANNELS.items()},
            "pools_by_id": {p.id: p for p in choices.pools.values()}}


@bp.get("", strict_slashes=False)
@role_required()
def queue():
    """The queue page: filters, counters and a page of rows with their flags."""
    year = ProgramYear.current()
    choices = Choices.load(year, g.staff.region or request.args.get("regency", "")[:16])
    filters = read_filters(request.args, choices)
    after = read_cursor(request.args.get("after"))
    queries = filtered(g.staff, filters, choices, year)
    rows, flags, next_after = queue_page(queries, after, filters.flag, flags_of)
    return render_template(
        "staff/queue.html", rows=rows, flags=flags, filters=filters, choices=choices,
        after=after, next_after=next_after, counts=counters(g.staff, year),
        partial=bool(filters.flag and next_after and len(rows) < PAGE_SIZE),
        **row_context(rows, here(), choices))


@bp.get(f"/r/<{ROW_ID}:reg_id>/baris")
@role_required()
def row(reg_id):
    """One queue row alone (htmx puts it back when a reject form is cancelled)."""
    reg = visible(reg_id)
    return render_template("staff/_row.html", r=reg, flags=flags_of([reg]),
                           **row_context([reg], request.args.get("next", "")[:500]))

