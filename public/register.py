"""Registration: the form, the core's register(), the result, inline field checks."""
from flask import current_app, redirect, render_template, request, session, url_for

from core import quota
from core.validation import FIELDS, validate
from extensions import limiter
from models import Registration
from public import bp
from web.forms import (
    applicant_from,
    chosen_regency,
    form_context,
    kelurahan_context,
    messages_for,
)
from web.pages import page_or_fragment, wants_fragment
from web.texts import NOTES


@bp.get("/daftar")
def register_form():
    """The registration form; `?kabupaten=64.72` opens it at that regency's kelurahan."""
    return render_template("register.html", **form_context({"kabupaten": request.args.get("kabupaten", "")}))


@bp.get("/daftar/kelurahan")
def kelurahan_choice():
    """The kelurahan question for `?kabupaten=` (htmx swaps it in when the regency changes)."""
    regency = chosen_regency({"kabupaten": request.args.get("kabupaten", "")})
    return render_template("_kelurahan_choice.html", **kelurahan_context(regency))


@bp.post("/daftar")
@limiter.limit(lambda: current_app.config["LIMIT_REGISTER"], methods=["POST"])
def register():
    """Register through the core; show errors, or the result (fragment for htmx)."""
    outcome = quota.register(applicant_from(request.form), "web", current_app.config["RULES"])
    if not outcome.ok:
        context = form_context(request.form, messages_for(outcome.errors))
        return page_or_fragment("register.html", "_register_form.html", 422, **context)
    session["result_id"] = outcome.registration.id
    session["result_notes"] = outcome.notes
    if wants_fragment():
        # The whole main column changes, heading included, as on the page without JavaScript.
        page = render_template("_register_done.html", reg=outcome.registration,
                               position=outcome.position, notes=note_texts(outcome.notes))
        return page, 200, {"HX-Retarget": "#main", "HX-Reswap": "innerHTML"}
    return redirect(url_for("public.register_result"), 303)


@bp.get("/daftar/hasil")
def register_result():
    """The result of this browser's last registration (kept in the session, not the URL)."""
    reg = Registration.get_or_none(Registration.id == session.get("result_id", 0))
    if reg is None:
        return redirect(url_for("public.register_form"))
    outcome = quota.status(reg)
    return render_template("register_done.html", reg=outcome.registration, position=outcome.position,
                           notes=note_texts(session.get("result_notes", [])))


def note_texts(keys):
    """The sentences of the core's notes about a registration (which places, and why)."""
    return [str(NOTES[k]) for k in keys if k in NOTES]


@bp.post("/daftar/periksa")
@limiter.limit(lambda: current_app.config["LIMIT_FIELD_CHECK"])
def check_field():
    """Inline validation: the message for one field, or nothing."""
    name = request.args.get("field", "")
    if name not in FIELDS:
        return "", 204
    errors, _ = validate(applicant_from(request.form), current_app.config["RULES"])
    message = messages_for(errors).get(name) if request.form.get(name) else None
    return render_template("_field_error.html", name=name, message=message)
