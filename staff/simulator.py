"""SMS simulator for training and demos: type a text as a phone and see the reply (being built)."""
from flask import render_template

from staff import bp, role_required


@bp.route("/simulator", methods=["GET", "POST"])
@role_required()
def simulator():
    """The simulator page."""
    return render_template("staff/simulator.html", replies=[], values={}, error=None)
