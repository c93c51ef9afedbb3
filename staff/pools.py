"""Pools (admin): create, edit (SMS name too), capacity, open or closed, through the core (years:
staff/years.py).

An admin tied to a regency sees and changes only the pools of that regency.
"""
from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _

from core import pools as pool_rules
from core import program_year, quota
from models import Pool, ProgramYear, Region
from staff import bp
from staff.roles import actor, role_required
from staff.texts import error_text


def mine(pool):
    """Whether the logged-in admin manages this pool (every pool, or their regency's)."""
    region = g.staff.region
    return not region or pool.region_prefix == region or pool.region_prefix.startswith(region + ".")


def pool_or_403(code):
    """The current year's pool with this code (None: the core says it is unknown); 403 if not theirs."""
    pool = Pool.get_or_none((Pool.code == code[:40]) & (Pool.year == ProgramYear.current()))
    if pool is not None and not mine(pool):
        abort(403)
    return pool


def pools_page(errors=None, status=200, values=None):
    """The pools page, with errors by pool code (or by field of the new pool) when refused."""
    year = ProgramYear.current()
    pools = [p for p in Pool.of_year(year) if mine(p)] if year else []
    regions = [r for r in Region.select().where(Region.level.in_(("province", "regency")))
               .order_by(Region.code) if not g.staff.region or r.code == g.staff.region]
    return render_template("staff/pools.html", year=year, pools=pools, errors=errors or {},
                           regions=regions, values=values or {"priority": "1"},
                           is_open=program_year.window(year=year).is_open,
                           sms_name_max=pool_rules.SMS_NAME_MAX), status


def whole(text, limit=7):
    """A non-negative whole number typed in a form, or None."""
    text = (text or "").strip()
    return int(text) if text.isascii() and text.isdigit() and len(text) <= limit else None


@bp.post("/kuota/baru")
@role_required("admin")
def create_pool():
    """Add a pool for a province or regency (a regency's admin: their own regency only)."""
    form = request.form
    values = {k: form.get(k, "").strip()[:120]
              for k in ("code", "name", "region", "capacity", "priority", "sms_name")}
    values["requires_dtks"] = form.get("requires_dtks") == "1"
    if g.staff.region and values["region"] != g.staff.region:
        return pools_page({"region": error_text("region_forbidden")}, 403, values)
    capacity, priority = whole(values["capacity"]), whole(values["priority"], 2)
    outcome = pool_rules.create_pool(
        values["code"], values["name"], values["region"], -1 if capacity is None else capacity,
        -1 if priority is None else priority, values["requires_dtks"], actor(),
        current_app.config["REGION_PROVINCES"], sms_name=values["sms_name"])
    if not outcome.ok:
        return pools_page({f: error_text(k) for f, k in outcome.errors.items()}, 422, values)
    flash(_("Kuota %(code)s dibuat; %(p)s orang naik dari daftar tunggu.", code=outcome.pool.code,
            p=len(outcome.promoted)))
    return redirect(url_for("staff.pools"), 303)


@bp.post("/kuota/<code>/ubah")
@role_required("admin")
def edit_pool(code):
    """Change a pool's name, SMS name, capacity, priority, DTKS rule and shares."""
    pool_or_403(code)
    capacity, priority = whole(request.form.get("capacity")), whole(request.form.get("priority"), 2)
    sms_name = request.form.get("sms_name")  # None: a form without the field keeps it
    shares = request.form.get("shares")  # None: as it is
    outcome = pool_rules.update_pool(
        code[:40], request.form.get("name", "")[:200], -1 if capacity is None else capacity,
        -1 if priority is None else priority, request.form.get("requires_dtks") == "1", actor(),
        sms_name=None if sms_name is None else sms_name[:200],
        shares=None if shares is None else whole(shares, 2) or -1)
    if not outcome.ok:
        return pools_page({code[:40]: error_text(next(iter(outcome.errors.values())))}, 422)
    flash(_("Kuota %(code)s disimpan; %(p)s orang naik dari daftar tunggu.", code=outcome.pool.code,
            p=len(outcome.promoted)))
    return redirect(url_for("staff.pools"), 303)


@bp.get("/kuota")
@role_required("admin")
def pools():
    """Every pool: capacity, seats held, open or closed."""
    return pools_page()


@bp.post("/kuota/<code>/kapasitas")
@role_required("admin")
def set_capacity(code):
    """Change a pool's capacity (never below the seats held; more room promotes the waiting)."""
    pool_or_403(code)
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
    pool_or_403(code)
    is_open = request.form.get("open") == "1"
    outcome = quota.set_pool_open(code[:40], is_open, actor())
    if not outcome.ok:
        return pools_page({code: error_text("pool_unknown")}, 422)
    flash(_("Pendaftaran ke kuota ini dibuka.") if is_open else _("Pendaftaran ke kuota ini ditutup."))
    return redirect(url_for("staff.pools"), 303)
