"""Template filters every page shares: local times, numbers as Indonesians write them."""
from core import clock


def number(n):
    """7100 as Indonesians write it: `7.100`."""
    return f"{n:,}".replace(",", ".")


def wita(moment):
    """A stored UTC time in the program's time zone (WITA by default), `25/11/2025 14:05`."""
    if moment is None:
        return ""
    return clock.local(moment).strftime("%d/%m/%Y %H:%M")


def register(app):
    """Attach the filters to app's templates."""
    app.add_template_filter(wita, "wita")
    app.add_template_filter(number, "num")
    app.jinja_env.globals.update(zone_label=clock.zone_label)
