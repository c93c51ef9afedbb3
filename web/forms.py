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


def chosen_regency(values):
    """The regency code the form has chosen (the regency field, else the kelurahan's), or ''."""
    codes = {r.code for r in Region.regencies()}
    for text in (values.get("kabupaten", ""), values.get("kelurahan", "")[:5]):
        if text[:16] in codes:
            return text[:16]
    return ""


def kelurahan_context(regency, values=None, errors=None):
    """The kelurahan question for one regency: its villages (by kecamatan code) and kecamatan names."""
    villages = list(Region.villages_of(regency)) if regency else []
    districts = {r.code: r.name for r in Region.select().where(
        (Region.level == "district") & (Region.parent == regency))} if regency else {}
    return dict(values=values or {}, errors=errors or {}, villages=villages, districts=districts,
                regency=regency)


def form_context(values=None, errors=None):
    """Everything the registration form template needs: values, errors, menus, the window.

    Step one names the regency (ten options); only then does the page carry that regency's
    kelurahan, so the first visit stays small (docs/design.md, "Budgets").
    """
    values = values or {}
    regency = chosen_regency(values)
    return dict(kelurahan_context(regency, values, errors), occupations=list(Occupation.menu()),
                regencies=list(Region.regencies()), window=program_year.window())
