"""The program at a glance: seats per pool, waiting list, registrations by day, place, work, channel."""
import datetime as dt

from flask import render_template
from flask_babel import gettext as _
from peewee import fn

from models import Pool, ProgramYear, Registration, now
from staff import bp, role_required
from staff.charts import columns, hbars
from staff.listing import Choices

DAYS = 30
CHANNEL_NAMES = {"web": "Web", "sms": "SMS", "assisted": "Dibantu petugas"}


def grouped(year, column):
    """[(value, count)] of the year's registrations grouped by a column or expression."""
    query = (Registration.select(column, fn.COUNT(Registration.id)).where(Registration.year == year)
             .group_by(column).order_by(column))
    return list(query.tuples())


def per_day(year, today):
    """Registrations on each of the last DAYS days, zero-filled, oldest first."""
    first = today - dt.timedelta(days=DAYS - 1)
    day = fn.DATE(Registration.created_at)
    counts = dict((str(d)[:10], n) for d, n in Registration.select(day, fn.COUNT(Registration.id)).where(
        (Registration.year == year) & (Registration.created_at >= dt.datetime.combine(first, dt.time())))
        .group_by(day).tuples())
    dates = [first + dt.timedelta(days=i) for i in range(DAYS)]
    return [(d.strftime("%d/%m"), counts.get(d.isoformat(), 0)) for d in dates]


def per_kecamatan(year, choices):
    """Registrations per Balikpapan kecamatan, and per other regency of Kaltim."""
    totals = {}
    for code, n in grouped(year, fn.SUBSTR(Registration.region, 1, 8)):
        name = choices.districts.get(code) or choices.places.get(code[:5], code)
        totals[name] = totals.get(name, 0) + n
    return sorted(totals.items(), key=lambda item: -item[1])


def pool_rows(year):
    """(pool, waiting for it) for each pool of the year."""
    return [(pool, Registration.waiting_for(pool).count()) for pool in Pool.of_year(year)]


@bp.get("/dasbor")
@role_required()
def dashboard():
    """Charts as server-drawn SVG, each with its numbers in a table."""
    year = ProgramYear.current()
    choices = Choices.load(year)
    pools = pool_rows(year)
    statuses = dict(grouped(year, Registration.status))
    charts = [
        hbars("pools", _("Kursi terisi dari kapasitas per kuota"),
              [(p.name, p.held) for p, _w in pools], _("Terisi"), {p.name: p.capacity for p, _w in pools}),
        hbars("waiting", _("Daftar tunggu per kuota"), [(p.name, w) for p, w in pools], _("Menunggu")),
        columns("days", _("Pendaftaran per hari (%(n)s hari terakhir)", n=DAYS),
                per_day(year, now().date()), _("Pendaftaran")),
        hbars("kecamatan", _("Pendaftaran per kecamatan"), per_kecamatan(year, choices), _("Pendaftaran")),
        hbars("occupation", _("Pendaftaran per pekerjaan"),
              [(choices.occupations[c].name_id if c in choices.occupations else c, n)
               for c, n in grouped(year, Registration.occupation)], _("Pendaftaran")),
        hbars("channel", _("Pendaftaran per jalur"),
              [(CHANNEL_NAMES.get(c, c), n) for c, n in grouped(year, Registration.channel)], _("Pendaftaran")),
    ]
    return render_template("staff/dashboard.html", charts=charts, pools=pools, statuses=statuses,
                           year=year, total=sum(statuses.values()))
