"""Template filters every page shares: local times, numbers as Indonesians write them."""
import datetime as dt

WITA = dt.timezone(dt.timedelta(hours=8), "WITA")


def number(n):
    """7100 as Indonesians write it: `7.100`."""
    return f"{n:,}".replace(",", ".")


def wita(moment):
    """A stored UTC time as Balikpapan local time (WITA, UTC+8), `25/11/2025 14:05`."""
    if moment is None:
        return ""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(WITA).strftime("%d/%m/%Y %H:%M")


def register(app):
    """Attach the filters to app's templates."""
    app.add_template_filter(wita, "wita")
    app.add_template_filter(number, "num")
