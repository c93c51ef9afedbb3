"""One URL, two renderings: the full page, or the fragment an htmx request targets."""
from flask import render_template, request


def wants_fragment():
    """True for an htmx request that targets part of the page (not a boosted navigation)."""
    return bool(request.htmx) and not request.htmx.boosted


def page_or_fragment(page, fragment, status=200, **context):
    """Render the fragment template for an htmx request, else the full page; (body, status)."""
    return render_template(fragment if wants_fragment() else page, **context), status
