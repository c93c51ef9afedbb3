"""Plain pages a worker reads before or after registering: the cover, privacy; the favicon."""
from flask import current_app, render_template

from core import clock, program_year, retention
from public import bp


@bp.get("/manfaat")
def benefits():
    """What JKK and JKM pay and how to claim (figures from config.BENEFITS, with their source)."""
    return render_template("benefits.html", b=current_app.config["BENEFITS"])


@bp.get("/privasi")
def privacy():
    """What NIK and phone are used for, who sees them, how long they are kept (RETENTION_YEARS)."""
    keep = current_app.config["RETENTION_YEARS"]
    year = program_year.year_number() or clock.today().year
    return render_template("privacy.html", keep=keep, year=year,
                           until=retention.kept_until(year, keep))


@bp.get("/favicon.ico")
def favicon():
    """No icon: an empty answer a browser may keep a week, not a 3.7 KB 404 page."""
    return "", 204, {"Cache-Control": "public, max-age=604800"}
