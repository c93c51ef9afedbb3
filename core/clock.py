"""The program's clock: times are stored in UTC; the days and times people see are the program's
(JARING_TIMEZONE, default Asia/Makassar = WITA), whatever time zone the server runs in."""
import datetime as dt

from config import program_zone


def utc_now():
    """Now, as an aware UTC datetime (the one place tests move time)."""
    return dt.datetime.now(dt.timezone.utc)


def today():
    """Today's date in the program's time zone."""
    return utc_now().astimezone(program_zone()).date()


def local(moment):
    """A stored (naive UTC) datetime as an aware datetime in the program's time zone."""
    return moment.replace(tzinfo=dt.timezone.utc).astimezone(program_zone())


def local_dates(moments):
    """The program's calendar dates of stored (naive UTC) datetimes, as local() gives them; the time
    zone is looked up once for them all (the staff flags date a few hundred rows per page)."""
    zone = program_zone()
    return [moment.replace(tzinfo=dt.timezone.utc).astimezone(zone).date() for moment in moments]


def day_start(day):
    """The stored (naive UTC) moment at which the program's calendar day `day` begins."""
    start = dt.datetime.combine(day, dt.time(), program_zone())
    return start.astimezone(dt.timezone.utc).replace(tzinfo=None)


def zone_label():
    """The program's time zone as people name it now: `WITA`, `WIB`, `WIT`."""
    return utc_now().astimezone(program_zone()).tzname()
