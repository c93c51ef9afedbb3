"""The public web door: home, registration, inline checks, health, language."""
from urllib.parse import urlparse

from flask import (Blueprint, current_app, jsonify, make_response, redirect, render_template,
                   request, session, url_for)

import program_year
import quota
from extensions import limiter
from messages import error_text
from models import Occupation, Region, Registration, db
from validation import FIELDS, Applicant, validate

bp = Blueprint("public", __name__)


def is_fragment_request():
    """An htmx request that targets part of the page (not a boosted navigation)."""
    return bool(request.htmx) and not request.htmx.boosted


def applicant_from(form):
    """Read the public form contract into an Applicant (strings, checkboxes)."""
    return Applicant(
        nik=form.get("nik", "")[:64], name=form.get("name", "")[:200],
        birth_date=form.get("birth_date", "")[:32], phone=form.get("phone", "")[:32],
        occupation=form.get("occupation", "")[:64], kelurahan=form.get("kelurahan", "")[:32],
        decl_not_participant=bool(form.get("decl_not_participant")),
        decl_income=bool(form.get("decl_income")), decl_dtks=bool(form.get("decl_dtks")))


def messages_for(errors):
    """Turn the core's {field: key} into {field: sentence} in the worker's language."""
    rules = current_app.config["RULES"]
    return {f: error_text(k, rules) for f, k in errors.items()}


def form_context(values=None, errors=None):
    """Everything the registration form needs."""
    villages, regencies = Region.choosable()
    districts = {r.code: r.name for r in Region.select().where(Region.level == "district")}
    return dict(values=values or {}, errors=errors or {}, occupations=list(Occupation.menu()),
                villages=villages, regencies=regencies, districts=districts,
                window=program_year.window())


@bp.get("/")
def index():
    """What the program is, places left, how to register by SMS."""
    return render_template("index.html", pools=quota.places_left(), window=program_year.window())


@bp.get("/daftar")
def register_form():
    """The registration form."""
    return render_template("register.html", **form_context())


@bp.post("/daftar")
@limiter.limit("30/minute;300/hour", methods=["POST"])
def register():
    """Register through the core; show errors, or the result (fragment for htmx)."""
    outcome = quota.register(applicant_from(request.form), "web", current_app.config["RULES"])
    if not outcome.ok:
        context = form_context(request.form, messages_for(outcome.errors))
        template = "_register_form.html" if is_fragment_request() else "register.html"
        return render_template(template, **context), 422
    session["result_id"] = outcome.registration.id
    if is_fragment_request():
        # The whole main column changes, heading included, as on the page without JavaScript.
        page = render_template("_register_done.html", reg=outcome.registration,
                               position=outcome.position)
        return page, 200, {"HX-Retarget": "#main", "HX-Reswap": "innerHTML"}
    return redirect(url_for("public.register_result"), 303)


@bp.get("/daftar/hasil")
def register_result():
    """The result of this browser's last registration (kept in the session, not the URL)."""
    reg = Registration.get_or_none(Registration.id == session.get("result_id", 0))
    if reg is None:
        return redirect(url_for("public.register_form"))
    outcome = quota.status(reg)
    return render_template("register_done.html", reg=outcome.registration, position=outcome.position)


@bp.post("/daftar/periksa")
@limiter.limit("120/minute")
def check_field():
    """Inline validation: the message for one field, or nothing."""
    name = request.args.get("field", "")
    if name not in FIELDS:
        return "", 204
    errors, _ = validate(applicant_from(request.form), current_app.config["RULES"])
    message = messages_for(errors).get(name) if request.form.get(name) else None
    return render_template("_field_error.html", name=name, message=message)


@bp.get("/healthz")
def healthz():
    """Liveness and database check for the proxy and the operator."""
    try:
        db.execute_sql("SELECT 1")
    except Exception:  # noqa: BLE001 - any database failure means unhealthy
        return jsonify(status="error", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@bp.get("/bahasa/<code>")
def set_language(code):
    """Remember the worker's language and go back to the page they were on."""
    target = urlparse(request.referrer or "")
    same_site = target.netloc == request.host and target.path.startswith("/")
    # "//evil.example" is a path to urlparse but another site to a browser.
    safe = same_site and not target.path.startswith("//") and "\\" not in target.path
    back = target.path if safe else url_for("public.index")
    response = make_response(redirect(back, 303))
    if code in ("id", "en"):
        response.set_cookie("lang", code, max_age=365 * 86400, samesite="Lax", httponly=True)
    return response
