"""The templates' gettext, without Flask-Babel's lookups on every string.

Flask-Babel's Jinja callables find the translations anew for each string: three trips through
`g`, the locale turned into text, a dictionary keyed by that text. The status page has some
twenty strings, and that was a third of the page's time. Here each request's translations are
found once per locale: the locale object Flask-Babel keeps for the request (and that
`force_locale` swaps) is the key, so a forced locale still gets its own translations.
"""
from flask.globals import _cv_app
from flask_babel import get_translations


def install(app):
    """Replace the gettext callables Flask-Babel gave app's Jinja environment (newstyle, as it)."""
    by_locale = {}  # babel Locale -> Translations, for this app

    def current():
        context = _cv_app.get(None)
        babel = context.g.__dict__.get("_flask_babel") if context is not None else None
        locale = getattr(babel, "babel_locale", None)
        if locale is None:
            # Before the first lookup of this request (or outside one): Flask-Babel's own way,
            # which also records the request's locale for the next string.
            return get_translations()
        found = by_locale.get(locale)
        if found is None:
            found = by_locale[locale] = get_translations()
        return found

    app.jinja_env.install_gettext_callables(
        gettext=lambda s: current().ugettext(s),
        ngettext=lambda s, p, n: current().ungettext(s, p, n),
        pgettext=lambda c, s: current().upgettext(c, s),
        npgettext=lambda c, s, p, n: current().unpgettext(c, s, p, n),
        newstyle=True,
    )
