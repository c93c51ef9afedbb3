"""Registering a worker on their behalf: the public form's fields, the core's register(assisted)."""
from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from core import quota, refs
from staff import bp
from staff.roles import REGISTRARS, role_required
from staff.texts import error_text
from web.forms import applicant_from, form_context, messages_for


@bp.get("/daftar")
@role_required(*REGISTRARS)
def register_form():
    """The registration form, with an operator's own kelurahan chosen (`?kabupaten=` another's)."""
    values = {"kelurahan": g.staff.kelurahan_id} if g.staff.kelurahan_id else {}
    if request.args.get("kabupaten"):
        values = {"kabupaten": request.args["kabupaten"][:16]}
    return render_template("staff/register.html", **form_context(values))


@bp.post("/daftar")
@role_required(*REGISTRARS)
def register():
    """Register through the core as an assisted registration recorded against this account."""
    applicant = applicant_from(request.form)
    if g.staff.region and not applicant.kelurahan.startswith(g.staff.region + "."):
        # A regency's admin registers only that regency's residents (checked here, not in the form).
        context = form_context(request.form, {"kelurahan": error_text("region_forbidden")})
        return render_template("staff/register.html", **context), 422
    outcome = quota.register(applicant, "assisted", current_app.config["RULES"], assisted_by=g.staff)
    if not outcome.ok:
        context = form_context(request.form, messages_for(outcome.errors))
        return render_template("staff/register.html", **context), 422
    reg = outcome.registration
    if reg.status == "waitlisted":
        flash(_("Terdaftar dengan kode %(ref)s, nomor %(n)s di daftar tunggu.",
                ref=refs.format_ref(reg.ref), n=outcome.position))
    else:
        flash(_("Terdaftar dengan kode %(ref)s dan mendapat tempat.", ref=refs.format_ref(reg.ref)))
    return redirect(url_for("staff.detail", reg_id=reg.id), 303)
