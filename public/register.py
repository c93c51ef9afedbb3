"""Registration: the form, the core's register(), the result, inline field checks."""

from flask import current_app, redirect, render_template, request, session, url_for

from core import quota
from core.validation import FIELDS, validate
from extensions import limiter
from models import Registration
from public import bp
from web import shells
from web.forms import applicant_from, form_context, form_reference, kelurahan_context, messages_for
from web.pages import page_or_fragment, wants_fragment
from web.texts import NOTES


@bp.get("/daftar")
def register_form():
    """The registration form; `?kabupaten=64.72` opens it at that regency's kelurahan."""
    values = {"kabupaten": request.args.get("kabupaten", "")}
    ref = form_reference(values)
    # The same page for everyone with this regency, window and reference data: a shell.
    key = (ref.regency, ref.generation, ref.window.key()) if ref.generation is not None else None
    return shells.render("register.html", key, lambda: form_context(values, ref=ref))


@bp.get("/daftar/kelurahan")
def kelurahan_choice():
    """The kelurahan question for `?kabupaten=` (htmx swaps it in when the regency changes)."""
    ref = form_reference({"kabupaten": request.args.get("kabupaten", "")})
    key = (ref.regency, ref.generation) if ref.generation is not None else None
    return shells.render("_kelurahan_choice.html", key,
                         lambda: kelurahan_context(ref.regency, ref.snapshot))


@bp.post("/daftar")
@limiter.limit(lambda: current_app.config["LIMIT_REGISTER"], methods=["POST"])
def register():
    """Register through the core; show errors, or the result (fragment for htmx)."""
    outcome = quota.register(applicant_from(request.form), "web", current_app.config["RULES"])
    if not outcome.ok:
        context = form_context(request.form, messages_for(outcome.errors))
        return page_or_fragment("register.html", "_register_form.html", 422, **context)
    remember_result(outcome.registration.id, outcome.notes)
    url = url_for("public.register_result", reg_id=outcome.registration.id)
    if wants_fragment():
        # The whole main column changes, heading included, as on the page without JavaScript;
        # the address becomes the confirmation's own, so a reload or a bookmark keeps the code.
        page = render_template("_register_done.html", **result_context(outcome, outcome.notes))
        return page, 200, {"HX-Retarget": "#main", "HX-Reswap": "innerHTML", "HX-Push-Url": url}
    return redirect(url, 303)


def remember_result(reg_id, notes=()):
    """Let this browser (and only it) see the confirmation: a few of its own registrations."""
    # A shared family phone may register several people; keep the last five.
    session["results"] = [*session.get("results", [])[-4:], reg_id]
    session["result_notes"] = list(notes)  # which places, and why: for the latest only


def result_context(outcome, notes=()):
    """What the confirmation shows: the registration, its place, where the SMS went, the notes."""
    reg = outcome.registration
    return dict(reg=reg, position=outcome.position, phone_hint=phone_hint(reg.phone),
                notes=note_texts(notes))


def note_texts(keys):
    """The sentences of the core's notes about a registration (which places, and why)."""
    return [str(NOTES[k]) for k in keys if k in NOTES]


def phone_hint(phone):
    """`0812 **** 7890`: enough for a worker to recognise the number the SMS went to."""
    national = "0" + phone[3:] if phone.startswith("+62") else phone
    return f"{national[:4]} **** {national[-4:]}"


@bp.get("/daftar/hasil")
def register_last_result():
    """The last confirmation of this browser (old address), or the form."""
    results = session.get("results", [])
    if not results:
        return redirect(url_for("public.register_form"))
    return redirect(url_for("public.register_result", reg_id=results[-1]))


@bp.get("/daftar/hasil/<int:reg_id>")
def register_result(reg_id):
    """A confirmation, shown only to the browser that registered (its session holds the id)."""
    reg = Registration.get_or_none(Registration.id == reg_id) \
        if reg_id in session.get("results", []) else None
    if reg is None:
        return redirect(url_for("public.register_form"))
    latest = session.get("results", [])[-1:] == [reg_id]
    notes = session.get("result_notes", []) if latest else []
    return render_template("register_done.html", **result_context(quota.status(reg), notes))


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
