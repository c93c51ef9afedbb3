"""Re-verification of last year's members (admin): the list, confirm, drop with a reason."""
from flask import abort, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from peewee import JOIN, fn

from core import refs, reverification
from core.outcome import fail
from core.program_year import year_number
from core.reverification import Reverification
from models import Region, Registration
from staff import bp
from staff.roles import actor, role_required, safe_next
from staff.texts import error_text
from web.pages import wants_fragment
from web.paging import keyset_page, read_cursor

New = Registration.alias()
STATES = {"open": _l("Menunggu"), "confirmed": _l("Dikonfirmasi"), "dropped": _l("Dikeluarkan")}
DROP_REASONS = {  # stored as the key (40 characters at most)
    "moved": _l("Pindah domisili ke luar wilayah"),
    "participant": _l("Sudah peserta BPJS Ketenagakerjaan lewat pemberi kerja"),
    "income": _l("Penghasilan di atas UMK"),
    "age": _l("Usia di luar ketentuan"),
    "deceased": _l("Meninggal dunia"),
    "registered_again": _l("Sudah mendaftar lagi tahun ini"),
    "other": _l("Alasan lain"),
}
def with_people(query):
    """Re-verification entries with last year's registration (previous) and the new one."""
    return (query.select_extend(Registration, New).join(Registration, on=Reverification.previous)
            .join_from(Reverification, New, JOIN.LEFT_OUTER, on=Reverification.registration))


def reverify_list(year, args):
    """One keyset page of the year's re-verification list, filtered by status, and the counts."""
    status = args.get("status", "open")
    status = status if status in (*STATES, "all") else "open"
    query = with_people(Reverification.of_year(year, None if status == "all" else status))
    rows, next_after = keyset_page(query, Reverification.id, read_cursor(args.get("after")))
    counts = dict(Reverification.select(Reverification.status, fn.COUNT(Reverification.id))
                  .where(Reverification.year == year).group_by(Reverification.status).tuples())
    return {"entries": rows, "rev_status": status, "rev_counts": counts, "next_after": next_after}


def row_context():
    """What a re-verification row needs besides the entry."""
    return {"places": dict(Region.select(Region.code, Region.name).tuples()), "states": STATES,
            "drop_reasons": DROP_REASONS}


def entry_id():
    """The id of the current year's re-verification entry named by the form, or 404."""
    text = request.form.get("id", "")
    if not (text.isascii() and text.isdigit() and len(text) < 19):
        abort(404)
    found = Reverification.get_or_none((Reverification.id == int(text))
                                       & (Reverification.year == year_number()))
    if found is None:
        abort(404)
    return found.id


def decided(rev_id, outcome, done=""):
    """htmx: the entry again, in place, with what happened; otherwise back to the list (303)."""
    notice = done if outcome.ok else error_text(outcome.errors)
    if wants_fragment():
        entry = with_people(Reverification.select()).where(Reverification.id == rev_id).get()
        return render_template("staff/_reverify_row.html", v=entry, notice=notice,
                               next_url=request.form.get("next", "")[:500], **row_context()), \
            200 if outcome.ok else 422
    flash(notice)
    return redirect(safe_next(request.form.get("next"), "staff.years"), 303)


@bp.post("/tahun/verifikasi-ulang/konfirmasi")
@role_required("admin", province=True)
def reverify_confirm():
    """A member is still eligible: approved in the new year, holding a seat (the core decides)."""
    rev_id = entry_id()
    outcome = reverification.confirm(rev_id, actor())
    return decided(rev_id, outcome, outcome.ok and _("Dikonfirmasi. Kode pendaftaran baru: %(ref)s.",
                                                     ref=refs.format_ref(outcome.registration.ref)))


@bp.post("/tahun/verifikasi-ulang/keluarkan")
@role_required("admin", province=True)
def reverify_drop():
    """A member is no longer eligible: they leave the list with a reason."""
    rev_id = entry_id()
    reason = request.form.get("reason", "")[:40]
    if reason not in DROP_REASONS:
        return decided(rev_id, fail("reason", "reason_required"))
    return decided(rev_id, reverification.drop(rev_id, actor(), reason), _("Dikeluarkan dari daftar."))
