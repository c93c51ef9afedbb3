"""The public status check: NIK + code or NIK + birth date; cancel from there."""
from flask import current_app, redirect, render_template, request, session, url_for

from core import quota
from core.validation import parse_birth_date
from extensions import limiter
from models import Registration
from public import bp
from web import shells
from web.texts import error_text


def own_registration():
    """The registration this browser proved it owns, or None."""
    return Registration.get_or_none(Registration.id == session.get("status_id", 0))


@bp.get("/status")
def status():
    """The lookup form, or the status this browser already looked up."""
    outcome = quota.status_by_id(session.get("status_id", 0)) if request.args.get("lihat") else None
    if outcome is not None:
        reg = outcome.registration
        return render_template("status.html", reg=reg, position=outcome.position,
                               with_code=has_code(), code_sent=reg.id in session.get("code_sent", []),
                               code_limit=session.get("code_limit", False),
                               cancellable=outcome.registration.status in quota.CANCELLABLE)
    return shells.render("status.html", (), lambda: {"values": {}, "errors": {}})


def has_code():
    """Whether this browser looked up with the reference code (not only NIK and birth date).

    The NIK itself holds the birth date (digits 7-12), so anyone with a KTP copy knows both:
    NIK + birth date shows only that a registration exists, never its status, pool or KPJ
    number, and offers to text the code to the phone that registered.
    """
    return session.get("status_by") == "ref"


@bp.post("/status")
@limiter.limit(lambda: current_app.config["LIMIT_STATUS_LOOKUP"])
def status_lookup():
    """Find the worker's own registration; the same answer for every kind of miss."""
    values = {k: request.form.get(k, "")[:64] for k in ("nik", "ref", "birth_date")}
    rules = current_app.config["RULES"]
    if not values["nik"].strip() or not (values["ref"].strip() or values["birth_date"].strip()):
        errors = {"nik": error_text("lookup_incomplete", rules)}
        return render_template("status.html", values=values, errors=errors), 422
    birth_date = None
    if not values["ref"].strip():
        # A date we cannot read is said to be so, never answered as "not found".
        birth_date, key = parse_birth_date(values["birth_date"])
        if key:
            errors = {"birth_date": error_text(key, rules)}
            return render_template("status.html", values=values, errors=errors), 422
    reg = quota.find_own(values["nik"], ref=values["ref"].strip() or None, birth_date=birth_date)
    if reg is None:
        errors = {"nik": error_text("not_found", rules)}
        return render_template("status.html", values=values, errors=errors), 422
    session["status_id"] = reg.id
    session["status_by"] = "ref" if values["ref"].strip() else "birth"
    return redirect(url_for("public.status", lihat=1), 303)


@bp.post("/status/kirim-kode")
@limiter.limit(lambda: current_app.config["LIMIT_SEND_CODE"])
def status_send_code():
    """Text the reference code to the registration's own phone."""
    reg = own_registration()
    if reg is None:
        return redirect(url_for("public.status"), 303)
    # Once per look-up: the page then says it went, and offers it no more.
    if reg.id not in session.get("code_sent", []):
        outcome = quota.send_reference(reg, "worker:web", current_app.config["RULES"])
        session["code_limit"] = not outcome.ok
        session["code_sent"] = [*session.get("code_sent", [])[-4:], reg.id]
    return redirect(url_for("public.status", lihat=1), 303)


@bp.route("/status/batal", methods=["GET", "POST"])
def status_cancel():
    """Confirm, then cancel the registration this browser looked up."""
    reg = own_registration()
    if reg is None or not has_code():
        return redirect(url_for("public.status"), 303)
    errors = {}
    if request.method == "POST":
        if not request.form.get("confirm"):
            errors["confirm"] = error_text("confirm_required", current_app.config["RULES"])
        else:
            outcome = quota.cancel(reg, "worker:web")
            if outcome.ok:
                return redirect(url_for("public.status", lihat=1), 303)
            errors["confirm"] = error_text(next(iter(outcome.errors.values())),
                                           current_app.config["RULES"])
    return render_template("status_cancel.html", reg=reg, errors=errors), 422 if errors else 200
