"""The registration form's contract, shared by the public form and assisted registration."""
from dataclasses import dataclass

from flask import current_app

from core.program_year import Window
from core.validation import Applicant
from web import reference
from web.reference import Menus, reference_versions
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


@dataclass(frozen=True)
class FormReference:
    """The reference data one form shows: menus, the chosen regency, their versions, the window."""

    menus: Menus
    regency: str  # a regency code, or ''
    versions: tuple  # (menus' version, the regency's kelurahan version): a cache key
    window: Window


def chosen_regency(values, codes):
    """The regency code the form has chosen (the regency field, else the kelurahan's), or ''."""
    for text in (values.get("kabupaten", ""), values.get("kelurahan", "")[:5]):
        if text[:16] in codes:
            return text[:16]
    return ""


def form_reference(values):
    """The FormReference for a form holding values: one statement, two if the regency field is
    not a regency but the kelurahan's is."""
    guess = (values.get("kabupaten", "") or values.get("kelurahan", "")[:5])[:16]
    general, regional = reference_versions(guess)
    menus = reference.menus(general)
    regency = chosen_regency(values, menus.codes)
    if regency != guess:
        regional = reference_versions(regency)[1] if regency else ""
    return FormReference(menus, regency, (general, regional), menus.window())


def kelurahan_context(regency, version, values=None, errors=None):
    """The kelurahan question for one regency: its villages (by kecamatan code) and kecamatan names."""
    villages, districts = reference.kelurahan_rows(regency, version)
    return dict(values=values or {}, errors=errors or {}, villages=villages, districts=districts,
                regency=regency)


def form_context(values=None, errors=None, ref=None):
    """Everything the registration form template needs: values, errors, menus, the window.

    Step one names the regency (ten options); only then does the page carry that regency's
    kelurahan, so the first visit stays small (docs/design.md, "Budgets"). ref: the values'
    FormReference when the caller has it already.
    """
    values = values or {}
    ref = ref or form_reference(values)
    return dict(kelurahan_context(ref.regency, ref.versions[1], values, errors),
                occupations=ref.menus.occupations, regencies=ref.menus.regencies,
                window=ref.window)
