"""Our own static files (errors.js, site.css, staff.css) under a URL naming their content, so a
phone keeps them a year and still gets a changed file at once; vendored files carry their version."""
import hashlib
import posixpath
from pathlib import Path

from flask import current_app, request, url_for

OURS = ("errors.js", "site.css", "staff.css")
YEAR = "public, max-age=31536000, immutable"
# A revalidation (304) or a range (206) must keep the year too, or the cached copy turns no-cache.
SERVED = (200, 206, 304)


def static_url(filename):
    """`/static/errors.js?v=<digest>` for one of OURS (KeyError for any other file)."""
    return url_for("static", filename=filename, v=current_app.extensions["static_digests"][filename])


def cache_control(response):
    """A year, immutable, for vendored files and for ours asked by their current digest."""
    if request.endpoint != "static" or response.status_code not in SERVED:
        return
    filename = posixpath.normpath((request.view_args or {}).get("filename", ""))
    digests = current_app.extensions["static_digests"]
    if filename.startswith("vendor/") or (
            filename in digests and request.args.get("v") == digests[filename]):
        response.headers["Cache-Control"] = YEAR


def register(app):
    """Read OURS once (the first 12 hex digits of each one's SHA-256) and give templates
    static_url(); a deploy restarts the workers, so a changed file gets a new digest."""
    folder = Path(app.static_folder)
    app.extensions["static_digests"] = {
        name: hashlib.sha256((folder / name).read_bytes()).hexdigest()[:12] for name in OURS}
    app.jinja_env.globals["static_url"] = static_url
