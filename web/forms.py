"""The registration form's contract, shared by the public form and assisted registration."""
from flask import current_app

from core import program_year
from core.validation import Applicant
from models import Occupation, Region
from web.texts import error_text


def applicant_from(form):
    """Read the registration form into an Applicant (strings cut to size, checkboxes as bools)."""
    return Applicant(
        nik=form.get("nik", "")[:64], name=form.get("name", "")[:200],
        birth_date=form.get("birth_date", "")[:32], phone=form.get("phone", "")[:32],
        occupation=form.get("occupation", "")[:64], kelurahan=form.get("kelurahan", "")[:32],
        decl_not_participant=bool(form.get("decl_not_participant")),
        decl_income=bool(form.get("decl_income")), decl_dtks=bool(form.get("decl_dtks")))


def messages_for(errors):
    """Turn the core's {field: key} into {field: sentence} in the reader's language."""
    rules = current_app.config["RULES"]
    return {f: error_text(k, rules, f) for f, k in errors.items()}


def form_context(values=None, errors=None):
    """Everything the registration form template needs: values, errors, menus, the window."""
    villages, regencies = Region.choosable()
    districts = {r.code: r.name for r in Region.select().where(Region.level == "district")}
    return dict(values=values or {}, errors=errors or {}, occupations=list(Occupation.menu()),
                villages=villages, regencies=regencies, districts=districts,
                window=program_year.window())
