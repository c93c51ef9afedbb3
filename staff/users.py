"""Staff accounts: the rules for username, role, place and password; create and change (CLI and pages)."""
import re

from core import journal
from models import Occupation, Region, StaffUser, db
from staff.auth import hash_password
from staff.roles import ROLES
from staff.texts import MIN_PASSWORD

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")

def agencies():
    """The verifying agencies named in the occupation list (Disnaker, Dishub, DPPP…)."""
    return sorted({o.agency for o in Occupation.select(Occupation.agency)})


def kelurahan_choices():
    """Regions an operator may be tied to: villages, and regencies without loaded villages."""
    villages, regencies = Region.choosable()
    return villages + regencies


def check_place(role, kelurahan, agency, region=None):
    """Errors for the kelurahan/agency/regency of a role, and the values to store."""
    errors, place = {}, {"kelurahan": None, "agency": None, "region": None}
    if region:  # a verifier's or admin's regency; operators have their kelurahan instead
        if role == "operator":
            errors["region"] = "region_staff_role"
        elif not Region.select().where((Region.code == region) & (Region.level == "regency")).exists():
            errors["region"] = "region_unknown"
        place["region"] = region if "region" not in errors else None
    if role not in ROLES:
        errors["role"] = "role_invalid"
    if role == "operator":
        codes = {r.code for r in kelurahan_choices()}
        if kelurahan not in codes:
            errors["kelurahan"] = "kelurahan_required"
        place["kelurahan"] = kelurahan if kelurahan in codes else None
    if role == "verifier" and agency:
        if agency not in agencies():
            errors["agency"] = "agency_invalid"
        place["agency"] = agency
    return errors, place


def check_password(password):
    """'password_short' for a weak password, else None."""
    return "password_short" if len(password or "") < MIN_PASSWORD else None


def create(username, role, password, actor, kelurahan=None, agency=None, region=None):
    """Make an account; return (errors {field: key}, user or None)."""
    username = (username or "").strip().lower()
    errors, place = check_place(role, kelurahan, agency, region)
    if not USERNAME_RE.match(username):
        errors["username"] = "username_format"
    if err := check_password(password):
        errors["password"] = err
    if errors:
        return errors, None
    # Never by a refused INSERT: PostgreSQL would log the failing statement, password hash and all.
    if StaffUser.select().where(StaffUser.username == username).exists():
        return {"username": "username_taken"}, None
    password_hash = hash_password(password)
    with db.atomic():
        StaffUser.insert(username=username, role=role, password_hash=password_hash,
                         **place).on_conflict_ignore().execute()
        user = StaffUser.get_or_none(StaffUser.username == username)
        if user is None or user.password_hash != password_hash:  # taken meanwhile by another
            return {"username": "username_taken"}, None
        journal.audit(actor, "account_create", after=role, username=username, **place)
    return {}, user


def update(user, actor, role, active, kelurahan=None, agency=None, password=None, unlock=False,
           by=None, region=None):
    """Change an account's role, place, regency, active flag, password or lock; return errors."""
    errors, place = check_place(role, kelurahan, agency, region)
    if by is not None and by.id == user.id and (role != user.role or not active):
        errors["role"] = "self_demote"
    if password and (err := check_password(password)):
        errors["password"] = err
    if errors:
        return errors
    changes = {"role": role, "active": bool(active), **place}
    with db.atomic():
        before = user.role if user.active else f"{user.role} (nonaktif)"
        after = role if active else f"{role} (nonaktif)"
        if password:
            changes["password_hash"] = hash_password(password)
        if unlock or password:
            changes.update(failed_logins=0, locked_until=None)
        StaffUser.update(changes).where(StaffUser.id == user.id).execute()
        journal.audit(actor, "account_update", before=before, after=after, username=user.username,
                    password_changed=bool(password), unlocked=bool(unlock), **place)
    return {}
