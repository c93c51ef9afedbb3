"""Valid test applicants and NIKs, varied by a number."""
import datetime as dt

from core.validation import Applicant


def make_nik(n, region="647101", birth=dt.date(1985, 3, 12), female=False):
    """A valid NIK: region digits, birth date (day + 40 for women), serial from n."""
    day = birth.day + 40 if female else birth.day
    return f"{region}{day:02d}{birth.month:02d}{birth.year % 100:02d}{(n % 9999) + 1:04d}"


def make_phone(n):
    """A valid Indonesian mobile number, different for each n."""
    return f"0812{n:08d}"


def applicant(n=0, **overrides):
    """A valid web applicant for Balikpapan Timur (kelurahan Manggar), numbered n."""
    birth = overrides.pop("birth", dt.date(1985, 3, 12))
    base = dict(nik=make_nik(n, birth=birth), name="Budi Santoso", birth_date=birth.isoformat(),
                phone=make_phone(n), occupation="ojol", kelurahan="64.71.01.1001",
                decl_not_participant=True, decl_income=True)
    base.update(overrides)
    return Applicant(**base)


def form(n=0, **overrides):
    """The same applicant as the public form posts it."""
    a = applicant(n, **overrides)
    data = {k: getattr(a, k) for k in ("nik", "name", "birth_date", "phone", "occupation", "kelurahan")}
    data.update({k: "1" for k in ("decl_not_participant", "decl_income", "decl_dtks") if getattr(a, k)})
    return data
