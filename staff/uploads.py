"""The flow every staff import shares: keep an upload under a token, show its dry run, apply by token.

An import page brings only what is its own (an `Import`): the function that reads the file, its
page, what to say when the file cannot be read or is too large; `routes` gives it its three
addresses, each for province-wide admins only. CSRF is the app's (every staff form). A file may
be IMPORT_MAX_BYTES large (a DTKS list cannot be split); every other request keeps the app's
small MAX_CONTENT_LENGTH, and so does an import page's request from anyone but such an admin.
"""
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from flask import current_app, g, request
from flask_babel import format_decimal
from flask_babel import gettext as _

from ops.tabular import ImportFileError
from staff import bp
from staff.roles import actor, may, role_required
from staff.session import load_staff
from web.errors import render_error
from web.texts import ERRORS as WEB_ERRORS

TOKEN = re.compile(r"[0-9a-f]{32}")  # secrets.token_hex(16): nothing else names a stored file
KEEP_SECONDS = 3 * 3600
# A file waits as <token>.<import name> (`.kpj`, `.dtks`): a token checked on one import's page
# names nothing on another's (a KPJ file has a NIK column and would pass for a DTKS list).
WAITING = set()  # the suffixes of the imports routes() has set up; sweep() knows files by them
APPLYING = ".applying"
CHECKS = {}  # the endpoint of each import's dry run (the one route that takes a file): its Import
# Room for the rest of the form around the file (CSRF token, part headers with the file's name):
# the file itself may be IMPORT_MAX_BYTES, dry_run checks its exact size.
FORM_ROOM = 64 * 1024
ADMINS = ("admin",)  # imports are province-wide work: an admin of one regency may not


@dataclass(frozen=True)
class Import:
    """One import page's own parts.

    run(fileobj, apply=, actor=) -> report (raises ImportFileError); page(report=None, token=None,
    error=None, status=200) -> response; unreadable: what to say of a file run cannot read;
    applicable(report): whether a dry run left something to apply (else the file is not kept);
    too_large(): what to say of a file over IMPORT_MAX_BYTES (nothing of it is kept).
    """

    run: Callable
    page: Callable
    unreadable: str
    applicable: Callable
    too_large: Callable


def max_bytes():
    """The largest file an import page takes, in bytes (IMPORT_MAX_BYTES)."""
    return current_app.config["IMPORT_MAX_BYTES"]


def max_mb():
    """IMPORT_MAX_BYTES in MB (MiB) as the staff's language writes it: `32`, `1,5`."""
    return format_decimal(round(max_bytes() / 1048576, 1))


@bp.url_value_preprocessor
def _room_for_a_file(endpoint, _values):
    # Not a before_request hook, and not the view: CSRF's app-wide hook runs before those and
    # reads the whole form, so the body has met its limit by then. This runs before every hook.
    if endpoint in CHECKS:
        load_staff()
        if g.staff is not None and may(g.staff, ADMINS, province=True):
            request.max_content_length = max_bytes() + FORM_ROOM
            g.import_room = True


@bp.errorhandler(413)
def _too_large(error):
    """A body over the limit: on an import page the admin may use, in that import's words."""
    if request.endpoint in CHECKS and g.get("import_room"):
        return render_error(413, CHECKS[request.endpoint].too_large())
    return render_error(413, WEB_ERRORS["http_413"])


def upload_dir():
    """Where an upload waits between dry run and apply: instance/uploads (or KPJ_UPLOAD_DIR)."""
    folder = Path(current_app.config["KPJ_UPLOAD_DIR"] or Path(current_app.instance_path) / "uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sweep(folder):
    """Delete stored uploads older than a few hours (checked and never applied)."""
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if TOKEN.fullmatch(path.stem) and (path.suffix in WAITING or path.suffix == APPLYING):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except FileNotFoundError:  # another worker swept it first
                pass


def waiting(name, token):
    """The path a file checked on import `name`'s page waits at under token."""
    return upload_dir() / f"{token}.{name}"


def store(upload, name):
    """Save the upload for import `name` under a new random token, readable by this server's user only."""
    sweep(upload_dir())
    token = secrets.token_hex(16)
    fd = os.open(waiting(name, token), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        upload.save(out)
    return token


def run(kind, path, apply):
    """The import's report of a stored file (a dry run unless apply), as the logged-in staff."""
    with open(path, "rb") as f:
        return kind.run(f, apply=apply, actor=actor())


def dry_run(name, kind):
    """Keep the request's uploaded file and show what applying it would do; nothing changes yet."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return kind.page(error=_("Pilih berkas CSV atau XLSX."), status=422)
    token = store(upload, name)
    path = waiting(name, token)
    if path.stat().st_size > max_bytes():  # it fit in the form's room, not in the limit
        path.unlink(missing_ok=True)
        return kind.page(error=kind.too_large(), status=413)
    try:
        report = run(kind, path, apply=False)
    except ImportFileError:
        path.unlink(missing_ok=True)
        return kind.page(error=kind.unreadable, status=422)
    if kind.applicable(report):
        return kind.page(report, token)
    path.unlink(missing_ok=True)  # nothing to apply: no need to keep it
    return kind.page(report)


def apply(name, kind):
    """Apply the file the form's token names, checked on this import's page, once: of two clicks
    on Apply, one gets the file."""
    token = request.form.get("token", "")
    gone = _("Berkas ini sudah diterapkan atau sudah kedaluwarsa. Unggah lagi untuk memeriksa.")
    if not TOKEN.fullmatch(token):
        return kind.page(error=gone, status=422)
    path = waiting(name, token)
    claimed = path.with_suffix(APPLYING)
    try:
        os.rename(path, claimed)  # atomic
    except FileNotFoundError:
        return kind.page(error=gone, status=422)
    try:
        return kind.page(run(kind, claimed, apply=True))
    except ImportFileError:
        return kind.page(error=kind.unreadable, status=422)
    finally:
        claimed.unlink(missing_ok=True)


def routes(name, kind):
    """GET /staff/<name> (the form), POST /staff/<name> (a dry run), POST /staff/<name>/terapkan.

    Endpoints staff.<name>, staff.<name>_check, staff.<name>_apply; imports are province-wide
    work: an admin account tied to one regency gets 403.
    """
    guard = role_required(*ADMINS, province=True)
    WAITING.add(f".{name}")
    CHECKS[f"staff.{name}_check"] = kind
    bp.add_url_rule(f"/{name}", name, guard(lambda: kind.page()), methods=["GET"])
    bp.add_url_rule(f"/{name}", f"{name}_check", guard(lambda: dry_run(name, kind)), methods=["POST"])
    bp.add_url_rule(f"/{name}/terapkan", f"{name}_apply", guard(lambda: apply(name, kind)),
                    methods=["POST"])
