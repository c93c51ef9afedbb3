"""Pools (admin): capacity, open or closed, through quota.py (the program year: staff/years.py)."""
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import program_year, quota
from models import Pool, ProgramYear
from staff import bp
from staff.roles import actor, role_required
from staff.texts import error_text


def pools_page(errors=None, status=200):
    """The pools page, with errors by pool code when a change was refused."""
    year = ProgramYear.current()
    pools = list(Pool.of_year(year)) if year else []
    return render_template("staff/pools.html", year=year, pools=pools, errors=errors or {},
                           is_open=program_year.window(year=year).is_open), status


@bp.get("/kuota")
@role_required("admin")
def pools():
    """Every pool: capacity, seats held, open or closed."""
    return pools_page()


@bp.post("/kuota/<code>/kapasitas")
@role_required("admin")
def set_capacity(code):
    """Change a pool's capacity (never below the seats held; more room promotes the waiting)."""
    text = request.form.get("capacity", "").strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 7):
        return pools_page({code: error_text("capacity_format")}, 422)
    outcome = quota.set_capacity(code[:40], int(text), actor())
    if not outcome.ok:
        key = next(iter(outcome.errors.values()))
        message = error_text(key)
        return pools_page({code: message}, 422)
    flash(_("Kapasitas diubah menjadi %(n)s; %(p)s orang naik dari daftar tunggu.",
            n=int(text), p=len(outcome.promoted)))
    return redirect(url_for("staff.pools"), 303)


@bp.post("/kuota/<code>/status")
@role_required("admin")
def set_open(code):
    """Open or close a pool for new registrations."""
    is_open = request.form.get("open") == "1"
    outcome = quota.set_pool_open(code[:40], is_open, actor())
    if not outcome.ok:
        return pools_page({code: error_text("pool_unknown")}, 422)
    flash(_("Pendaftaran ke kuota ini dibuka.") if is_open else _("Pendaftaran ke kuota ini ditutup."))
    return redirect(url_for("staff.pools"), 303)
