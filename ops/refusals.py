"""A command refused: the staff pages' sentence for each error key, in English (the CLI's language)."""
import click
from flask_babel import force_locale

from staff.texts import error_text


def reason(errors):
    """The English sentence of the first error key of {field: key}."""
    with force_locale("en"):
        return error_text(errors)


def refuse(errors, with_fields=False):
    """Stop the command (ClickException) with a line per {field: key} of errors."""
    with force_locale("en"):
        lines = [f"{field}: {error_text(key)}" if with_fields else error_text(key)
                 for field, key in errors.items()]
    raise click.ClickException("\n".join(lines))
