"""Our own static files (errors.js, staff.css, …) under a URL naming their content, so a phone
keeps them a year and still gets a changed file at once; vendored files carry their version."""
import hashlib
from pathlib import Path

from flask import current_app, request, url_for

YEAR = "public, max-age=31536000, immutable"


def digest(filename):
    """The first 12 hex digits of the file's SHA-256, read once per process (str; '' if missing)."""
    known = current_app.extensions.setdefault("static_digests", {})
    if filename not in known:
        path = Path(current_app.static_folder) / filename
        known[filename] = hashlib.sha256(path.read_bytes()).hexdigest()[:12] if path.is_file() else ""
    return known[filename]


def static_url(filename):
    """`/static/errors.js?v=<digest>`: the URL templates use for our own static files."""
    return url_for("static", filename=filename, v=digest(filename))


def cache_control(response):
    """A year, immutable, for vendored files and for our own asked by their current digest."""
    path = request.path
    if not path.startswith("/static/") or response.status_code != 200:
        return
    filename = path[len("/static/"):]
    if filename.startswith("vendor/") or (
            request.args.get("v") and request.args.get("v") == digest(filename)):
        response.headers["Cache-Control"] = YEAR


def register(app):
    """Give templates static_url()."""
    app.jinja_env.globals["static_url"] = static_url
