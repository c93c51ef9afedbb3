"""The registration form's contract, shared by the public form and assisted registration."""
from dataclasses import dataclass

from flask import current_app

from core import program_year, refcache
from core.program_year import Window
from core.validation import Applicant
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


def reference_now():
    """core/refcache.py's snapshot of the reference data, its generation checked now: one
    statement of one row.

    Other readers may take the snapshot up to refcache.FRESH_SECONDS old; a page checks the
    number on every view, so a change made anywhere (another gunicorn worker, the CLI, SQL on the
    database) shows on the next one, and the generation keys whatever is made from the snapshot
    (web/shells.py). Its generation is None when the database has none: then keep nothing.
    """
    return refcache.snapshot(force=True)


@dataclass(frozen=True)
class FormReference:
    """The reference data one form shows: the snapshot, the chosen regency, the window."""

    snapshot: refcache.Snapshot
    regency: str  # a regency code, or ''
    window: Window

    @property
    def generation(self):
        """What a page made from this reference data is kept under (None: do not keep it)."""
        return self.snapshot.generation


def chosen_regency(values, codes):
    """The regency code the form has chosen (the regency field, else the kelurahan's), or ''."""
    for text in (values.get("kabupaten", ""), values.get("kelurahan", "")[:5]):
        if text[:16] in codes:
            return text[:16]
    return ""


def form_reference(values):
    """The FormReference for a form holding values: one statement (the generation)."""
    snap = reference_now()
    regency = chosen_regency(values, {r.code for r in snap.regencies()})
    year = snap.year
    return FormReference(snap, regency, program_year.window(year=year) if year else Window())


def kelurahan_context(regency, snap, values=None, errors=None):
    """The kelurahan question for one regency: its villages (by kecamatan code) and kecamatan names."""
    return dict(values=values or {}, errors=errors or {},
                villages=snap.villages_of(regency) if regency else (),
                districts=snap.districts_of(regency) if regency else {}, regency=regency)


def form_context(values=None, errors=None, ref=None):
    """Everything the registration form template needs: values, errors, menus, the window.

    Step one names the regency (ten options); only then does the page carry that regency's
    kelurahan, so the first visit stays small (docs/design.md, "Budgets"). ref: the values'
    FormReference when the caller has it already.
    """
    values = values or {}
    ref = ref or form_reference(values)
    return dict(kelurahan_context(ref.regency, ref.snapshot, values, errors),
                occupations=ref.snapshot.occupations, regencies=ref.snapshot.regencies(),
                window=ref.window)
