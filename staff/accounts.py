"""Staff accounts (admin): list, create, change role/place, disable, new password, unlock."""
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from models import Region, StaffUser
from staff import bp, users
from staff.auth import locked
from staff.roles import ROLES, ROW_ID, actor, role_required
from staff.texts import error_text


def form_values(form):
    """The account form's fields, trimmed."""
    return {k: form.get(k, "").strip()[:64] for k in ("username", "role", "kelurahan", "agency", "region")} | {
        "password": form.get("password", "")[:1024]}


def page_context(values=None, errors=None):
    """What the account pages need besides the account itself."""
    return {"values": values or {}, "errors": {f: error_text(k) for f, k in (errors or {}).items()},
            "roles": ROLES, "agencies": users.agencies(), "kelurahan": users.kelurahan_choices(),
            "regencies": list(Region.regencies())}


@bp.get("/akun")
@role_required("admin", province=True)
def accounts():
    """Every account and a form for a new one."""
    everyone = list(StaffUser.select().order_by(StaffUser.role, StaffUser.username))
    return render_template("staff/accounts.html", accounts=everyone, locked=locked, **page_context())


@bp.post("/akun")
@role_required("admin", province=True)
def create_account():
    """Make an account from the form."""
    values = form_values(request.form)
    errors, user = users.create(values["username"], values["role"], values["password"], actor(),
                                kelurahan=values["kelurahan"], agency=values["agency"],
                                region=values["region"])
    if errors:
        everyone = list(StaffUser.select().order_by(StaffUser.role, StaffUser.username))
        values.pop("password")
        return render_template("staff/accounts.html", accounts=everyone, locked=locked,
                               **page_context(values, errors)), 422
    flash(_("Akun %(name)s dibuat.", name=user.username))
    return redirect(url_for("staff.accounts"), 303)


def account_or_404(user_id):
    """The account with this id, else 404."""
    user = StaffUser.get_or_none(StaffUser.id == user_id)
    if user is None:
        abort(404)
    return user


@bp.get(f"/akun/<{ROW_ID}:user_id>")
@role_required("admin", province=True)
def account(user_id):
    """One account's form."""
    user = account_or_404(user_id)
    values = {"role": user.role, "kelurahan": user.kelurahan_id or "", "agency": user.agency or "",
              "region": user.region or ""}
    return render_template("staff/account.html", user=user, is_locked=locked(user), active=user.active,
                           **page_context(values))


@bp.post(f"/akun/<{ROW_ID}:user_id>")
@role_required("admin", province=True)
def update_account(user_id):
    """Save role, place, active flag; optionally a new password or an unlock."""
    user = account_or_404(user_id)
    values = form_values(request.form)
    active = request.form.get("active") == "1"
    errors = users.update(user, actor(), values["role"], active, kelurahan=values["kelurahan"],
                          agency=values["agency"], password=values["password"] or None,
                          unlock=request.form.get("unlock") == "1", by=g.staff, region=values["region"])
    if errors:
        values.pop("password")
        return render_template("staff/account.html", user=user, is_locked=locked(user), active=active,
                               **page_context(values, errors)), 422
    flash(_("Akun %(name)s disimpan.", name=user.username))
    return redirect(url_for("staff.accounts"), 303)
