"""Program years (admin): the years, a new year, registration open or closed."""
import re

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import program_year
from core.validation import parse_birth_date
from models import Pool, ProgramYear
from staff import bp
from staff.reverify import reverify_list, row_context
from staff.roles import actor, here, role_required
from staff.texts import error_text

DATE_TEXT = _l("Tulis tanggal seperti 30-11-2025 (tanggal-bulan-tahun).")


def parse_date(text):
    """A date typed in any way core/dates.py reads (30-11-2025, 2025-11-30, 30 Nov 2025), or None."""
    return parse_birth_date(text)[0] if text else None


def years_page(errors=None, values=None, status=200):
    """The page: every year with its pools, the current year's controls and re-verification list."""
    current, pools = ProgramYear.current(), {}
    for pool in Pool.select().order_by(Pool.priority, Pool.id):
        pools.setdefault(pool.year_id, []).append(pool)
    return render_template(
        "staff/years.html", current=current, pools=pools, is_open=program_year.window(year=current).is_open,
        years=list(ProgramYear.select().order_by(ProgramYear.year.desc())), errors=errors or {},
        values=values or {}, next_url=here() if request.method == "GET" else url_for("staff.years"),
        **row_context(), **reverify_list(current, request.args)), status


@bp.get("/tahun")
@role_required("admin", province=True)
def years():
    """Program years, and the current one's re-verification list."""
    return years_page()


@bp.post("/tahun")
@role_required("admin", province=True)
def open_year():
    """Open a new program year with the pools of another; its members go to re-verification."""
    values = {k: request.form.get(k, "").strip()[:40] for k in ("year", "copy_from", "opens_on", "closes_on")}
    errors, dates = {}, {k: parse_date(values[k]) for k in ("opens_on", "closes_on")}
    if not re.fullmatch(r"20[0-9]{2}", values["year"]):
        errors["year"] = _("Tulis tahun program dengan 4 angka, misalnya 2026.")
    if values["copy_from"] and not re.fullmatch(r"[0-9]{4}", values["copy_from"]):
        errors["copy_from"] = error_text("year_unknown")
    errors.update({k: str(DATE_TEXT) for k, day in dates.items() if values[k] and day is None})
    if request.form.get("confirm") != "1":
        errors["confirm"] = _("Centang untuk memastikan: tahun baru menggantikan tahun program sekarang.")
    if errors:
        return years_page(errors, values, 422)
    outcome = program_year.open_year(int(values["year"]), actor(), int(values["copy_from"] or 0) or None,
                                     dates["opens_on"], dates["closes_on"])
    if not outcome.ok:
        return years_page({f: error_text(k) for f, k in outcome.errors.items()}, values, 422)
    flash(_("Tahun program %(year)s dibuka: %(pools)s kuota, %(carried)s anggota perlu verifikasi ulang.",
            year=values["year"], pools=outcome.pools, carried=outcome.carried))
    return redirect(url_for("staff.years"), 303)


@bp.post("/tahun/status")
@role_required("admin", province=True)
def set_year_open():
    """Close registration (now, or after a date), or open it again (optionally until a date)."""
    choice = request.form.get("open", "")
    text = request.form.get("until" if choice == "1" else "on", "").strip()[:40]
    day = parse_date(text)
    if choice not in ("0", "1"):
        return years_page({"status": _("Pilih buka atau tutup.")}, status=422)
    if text and day is None:
        return years_page({"status": str(DATE_TEXT)}, status=422)
    if choice == "1":
        outcome = program_year.reopen_registration(actor(), until=day)
        done = _("Pendaftaran tahun ini dibuka.")
    else:
        outcome = program_year.close_registration(actor(), on=day)
        done = (_("Pendaftaran tahun ini ditutup setelah %(day)s.", day=day.strftime("%d/%m/%Y")) if day
                else _("Pendaftaran tahun ini ditutup."))
    if not outcome.ok:
        return years_page({"status": error_text(outcome.errors)}, status=422)
    flash(done)
    return redirect(url_for("staff.years"), 303)
