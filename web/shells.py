"""Pages that are the same for every visitor but for a few holes, rendered once and filled in.

Rendering a form page is mostly Jinja and a gettext call per sentence, the same work for every
visitor. A shell is the page rendered once per app, language, script root and key (what the
caller says the page depends on: reference versions, window, chosen regency), with markers
where the per-request parts go; a request joins the shell's pieces with its own parts. The CSRF
token is always such a hole: csrf_token() in a template is filled per request (per session,
web/csrf_token.py), never kept. PAGE_SHELLS=False in the app's config renders every page in full
instead.
"""
import re
import secrets

from flask import current_app, render_template, request
from flask_babel import get_locale
from markupsafe import Markup, escape

from web.csrf_token import csrf_token

LIMIT = 256  # shells kept per app; more, and all are dropped (keys hold dates and versions)
# A per-process random marker: no template, translation or data row can contain it by chance.
_MARK = f"\x02{secrets.token_hex(8)}:"
_HOLE = re.compile(re.escape(_MARK) + r"(\w+)\x03")


def hole(name):
    """What a template prints where the part `name` goes (a marker, filled per request)."""
    return Markup(f"{_MARK}{name}\x03")


def render(template, key, context, fills=None):
    """template rendered as render_template(template, **context(), **fills) would, from a shell.

    context() gives what the page shows that depends only on key (and the language); fills
    {name: callable} the per-request parts, each printed with `{{ name }}` (text is escaped,
    Markup kept). The shell is made once per (app, template, key, language, script root); key
    None renders the page in full and keeps nothing.
    """
    fills = fills or {}
    if key is None or not current_app.config.get("PAGE_SHELLS", True):
        return render_template(template, **context(), **{n: f() for n, f in fills.items()})
    shells = current_app.extensions.setdefault("jaring_shells", {})
    full_key = (template, key, str(get_locale()), request.script_root)
    pieces = shells.get(full_key)
    if pieces is None:
        marked = {name: hole(name) for name in fills}
        pieces = _HOLE.split(render_template(template, **context(), **marked,
                                             csrf_token=lambda: hole("csrf_token")))
        if len(shells) >= LIMIT:
            shells.clear()
        shells[full_key] = pieces
    fills = dict(fills, csrf_token=csrf_token)
    return "".join(piece if i % 2 == 0 else str(escape(fills[piece]()))
                   for i, piece in enumerate(pieces))
