"""The home page, the language switch and the health check."""
from urllib.parse import urlparse

from flask import jsonify, make_response, redirect, render_template, request, url_for
from markupsafe import Markup

from core import quota
from models import db
from public import bp
from web import shells


@bp.get("/")
def index():
    """What the program is, places left, how to register by SMS."""
    pools, window = quota.current_places()
    # Only the places left change with every registration: the rest of the page is a shell.
    return shells.render("index.html", window.key(), lambda: {"window": window},
                         {"places": lambda: Markup(render_template("_places.html", pools=pools))})


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
