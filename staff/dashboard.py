"""The program at a glance: seats per pool, waiting list, registrations by day, place, work, channel."""
import datetime as dt

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from peewee import SQL, fn

from core import clock
from models import OutboxMessage, Pool, ProgramYear, Region, Registration
from staff import bp
from staff.charts import columns, hbars
from staff.listing import CHANNELS, Choices, in_regency
from staff.roles import role_required

DAYS = 30


def of_year(year, region):
    """The year's registrations (of one regency, when region is a code like 64.72)."""
    condition = Registration.year == year
    return condition & in_regency(region) if region else condition


def by_status_and(year, column, region=None):
    """{(status, value): count} for the year; status first, so a covering index serves it in order."""
    query = (Registration.select(Registration.status, column, fn.COUNT(Registration.id))
             .where(of_year(year, region)).group_by(Registration.status, column))
    return {(status, value): n for status, value, n in query.tuples()}


def totals(counts, keep=lambda status: True, per_status=False):
    """Sum {(status, value): n} per value (or per status), over the statuses kept."""
    result = {}
    for (status, value), n in counts.items():
        if keep(status):
            key = status if per_status else value
            result[key] = result.get(key, 0) + n
    return result


def per_day(year, today, region=None):
    """Registrations on each of the last DAYS days of the program's calendar, zero-filled, oldest
    first. Counted per stored UTC hour (`2025-11-30 22`), each hour then put on its local day:
    the same SQL on SQLite and PostgreSQL, right for every whole-hour zone (all of Indonesia's)."""
    first = today - dt.timedelta(days=DAYS - 1)
    hour = fn.SUBSTR(Registration.created_at.cast("TEXT"), 1, 13).coerce(False)
    counts = {}
    for text, n in (Registration.select(hour, fn.COUNT(Registration.id))
                    .where(of_year(year, region) & (Registration.created_at >= clock.day_start(first)))
                    .group_by(hour).tuples()):
        day = clock.local(dt.datetime.strptime(str(text)[:13], "%Y-%m-%d %H")).date()
        counts[day] = counts.get(day, 0) + n
    dates = [first + dt.timedelta(days=i) for i in range(DAYS)]
    return [(d.strftime("%d/%m"), counts.get(d, 0)) for d in dates]


def per_kecamatan(by_district, choices):
    """Registrations per Balikpapan kecamatan, and per other regency of Kaltim, largest first."""
    named = {}
    for code, n in by_district.items():
        name = choices.districts.get(code) or choices.places.get(code[:5], code)
        named[name] = named.get(name, 0) + n
    return sorted(named.items(), key=lambda item: -item[1])


def waiting_per_pool(pools, by_district_status):
    """Waitlisted applicants each pool could take (pool regions are district level or wider)."""
    waiting = totals(by_district_status, lambda status: status == "waitlisted")
    return [(pool, sum(n for code, n in waiting.items() if pool.serves(code))) for pool in pools]


@bp.get("/dasbor")
@role_required()
def dashboard():
    """Charts as server-drawn SVG, each with its numbers in a table; `?region=` one regency's."""
    year = ProgramYear.current()
    regencies = {r.code: r.name for r in Region.regencies()}
    region = g.staff.region or request.args.get("region", "")[:16]
    region = region if region in regencies else None
    choices = Choices.load(year, region)
    by_occupation = by_status_and(year, Registration.occupation, region)
    by_district = by_status_and(year, fn.SUBSTR(Registration.region, SQL("1"), SQL("8")), region)
    by_channel = by_status_and(year, Registration.channel, region)
    statuses = totals(by_occupation, per_status=True)
    pools = waiting_per_pool([p for p in Pool.of_year(year) if not region or p.serves(region)],
                             by_district)
    occupations = choices.occupations
    charts = [
        hbars("pools", _("Kursi terisi dari kapasitas per kuota"),
              [(p.name, p.seats_held) for p, _w in pools], _("Terisi"), {p.name: p.capacity for p, _w in pools}),
        hbars("waiting", _("Daftar tunggu yang dapat masuk ke tiap kuota"),
              [(p.name, w) for p, w in pools], _("Menunggu")),
        columns("days", _("Pendaftaran per hari (%(n)s hari terakhir)", n=DAYS),
                per_day(year, clock.today(), region), _("Pendaftaran")),
        hbars("kecamatan", _("Pendaftaran per kecamatan"), per_kecamatan(totals(by_district), choices),
              _("Pendaftaran")),
        hbars("occupation", _("Pendaftaran per pekerjaan"),
              [(occupations[c].name_id if c in occupations else c, n)
               for c, n in totals(by_occupation).items()],
              _("Pendaftaran")),
        hbars("channel", _("Pendaftaran per jalur"),
              [(str(CHANNELS.get(c, c)), n) for c, n in totals(by_channel).items()], _("Pendaftaran")),
    ]
    config = current_app.config
    sms = OutboxMessage.summary(config["SMS_SEGMENT_PRICE"])
    return render_template("staff/dashboard.html", charts=charts, pools=pools, statuses=statuses,
                           year=year, total=sum(statuses.values()), sms=sms,
                           price=config["SMS_SEGMENT_PRICE"], currency=config["SMS_PRICE_CURRENCY"],
                           region=region, regencies=regencies)
