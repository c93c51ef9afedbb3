"""The program at a glance: seats per pool, waiting list, registrations by day, place, work, channel."""
import datetime as dt
import threading
import time

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from peewee import SQL, fn

from core import clock
from models import OutboxMessage, Pool, ProgramYear, Region, Registration, in_area, now
from staff import bp
from staff.charts import columns, hbars
from staff.listing import CHANNELS, Choices
from staff.roles import role_required

DAYS = 30
# Counting a province of a million registrations walks a million index entries (about a second on
# SQLite): each server process counts a scope at most once a minute, and the page says when.
FRESH_SECONDS = 60
PARTS = (Registration.region, Registration.status, Registration.occupation, Registration.channel)
_counting = threading.Lock()  # one count at a time per process: a crowd at 9:00 waits for the first


def of_year(year, region):
    """The year's registrations (of one regency, when region is a code like 64.72)."""
    condition = Registration.year == year
    return condition & in_area(Registration.region, region) if region else condition


def walks(year, region=None):
    """Queries whose rows are (region, status, occupation, channel, registrations), None for a part
    a query does not group by. One regency: one walk of its part of the dashboard's covering index
    (migrations/0011). The province: status and one other part at a time, each query walking an
    index that holds both in that order (a million entries, no sort, a few thousand groups at most).
    """
    if region:
        return [Registration.select(*PARTS, fn.COUNT(SQL("*"))).where(of_year(year, region)).group_by(*PARTS)]
    return [Registration.select(*(p if p.name in ("status", part.name) else SQL("NULL") for p in PARTS),
                                fn.COUNT(SQL("*")))
            .where(of_year(year, None)).group_by(Registration.status, part)
            for part in (Registration.region, Registration.occupation, Registration.channel)]


def tally(year, region=None):
    """{"status"|"region"|"waiting"|"occupation"|"channel": {value: registrations}} of the year (of
    one regency); "region" is by kelurahan (or regency) code, "waiting" the waitlisted of each."""
    found = {part: {} for part in ("status", "region", "waiting", "occupation", "channel")}

    def add(part, value, n):
        found[part][value] = found[part].get(value, 0) + n

    for query in walks(year, region):
        for code, status, occupation, channel, n in query.tuples().iterator():
            if code is not None:  # every registration is in exactly one of these rows
                add("region", code, n)
                add("status", status, n)
                if status == "waitlisted":
                    add("waiting", code, n)
            if occupation is not None:
                add("occupation", occupation, n)
            if channel is not None:
                add("channel", channel, n)
    return found


def per_day(year, today, region=None):
    """Registrations on each of the last DAYS days of the program's calendar, zero-filled, oldest
    first, as [("dd/mm", n)]. The province: one count per day between the program's midnights, each
    a short walk of the (year, created_at) index. One regency: counted per stored UTC hour over its
    part of the dashboard index, each hour then put on its local day (right for every whole-hour
    zone, as all of Indonesia's are)."""
    first = today - dt.timedelta(days=DAYS - 1)
    dates = [first + dt.timedelta(days=i) for i in range(DAYS)]
    if region:
        counted = {}
        hour = fn.SUBSTR(Registration.created_at.cast("TEXT"), 1, 13).coerce(False)
        for text, n in (Registration.select(hour, fn.COUNT(SQL("*")))
                        .where(of_year(year, region) & (Registration.created_at >= clock.day_start(first)))
                        .group_by(hour).tuples()):
            day = clock.local(dt.datetime.strptime(str(text)[:13], "%Y-%m-%d %H")).date()
            counted[day] = counted.get(day, 0) + n
    else:
        starts = [clock.day_start(d) for d in dates + [today + dt.timedelta(days=1)]]
        counted = {d: Registration.select().where(
            of_year(year, None) & (Registration.created_at >= start) & (Registration.created_at < end)).count()
            for d, start, end in zip(dates, starts, starts[1:])}
    return [(d.strftime("%d/%m"), counted.get(d, 0)) for d in dates]


def per_kecamatan(by_region, names):
    """Registrations per kecamatan (or per regency, for those registered at regency level), largest
    first; names is {code: (level, name)}."""
    named = {}
    for code, n in by_region.items():
        name = (names.get(code[:8]) or names.get(code[:5]) or (None, code))[1]
        named[name] = named.get(name, 0) + n
    return sorted(named.items(), key=lambda item: -item[1])


def waiting_per_pool(pools, waiting):
    """Waitlisted applicants each pool could take, from {region code: waitlisted}."""
    return [(pool, sum(n for code, n in waiting.items() if pool.serves(code))) for pool in pools]


def count_all(year, region):
    """Everything the charts count, for the province (region None) or one regency."""
    found = tally(year, region)
    return found | {"at": now(), "names": Region.names_of({c[:n] for c in found["region"] for n in (5, 8)}),
            "days": per_day(year, clock.today(), region),
            "sms": OutboxMessage.summary(current_app.config["SMS_SEGMENT_PRICE"])}


def figures(year, region):
    """count_all's figures, counted again when older than FRESH_SECONDS or from another day."""
    kept, key = current_app.extensions.setdefault("jaring.dashboard", {}), (year and year.year, region)
    with _counting:
        found = kept.get(key)
        if (found is None or time.monotonic() - found["counted"] > FRESH_SECONDS
                or found["day"] != clock.today()):
            found = kept[key] = count_all(year, region) | {"counted": time.monotonic(), "day": clock.today()}
    return found


@bp.get("/dasbor")
@role_required()
def dashboard():
    """Charts as server-drawn SVG, each with its numbers in a table; `?region=` one regency's."""
    year = ProgramYear.current()
    choices = Choices.load(year)
    regencies = dict(sorted(choices.regencies.items()))
    region = g.staff.region or request.args.get("region", "")[:16]
    region = region if region in regencies else None
    counted = figures(year, region)
    statuses = counted["status"]
    # Seats held come live from the pools; the waiting list from the count.
    pools = waiting_per_pool([p for p in choices.pools.values() if not region or p.serves(region)],
                             counted["waiting"])
    occupations = choices.occupations
    charts = [
        hbars("pools", _("Kursi terisi dari kapasitas per kuota"),
              [(p.name, p.seats_held) for p, _w in pools], _("Terisi"), {p.name: p.capacity for p, _w in pools}),
        hbars("waiting", _("Daftar tunggu yang dapat masuk ke tiap kuota"),
              [(p.name, w) for p, w in pools], _("Menunggu")),
        columns("days", _("Pendaftaran per hari (%(n)s hari terakhir)", n=DAYS), counted["days"],
                _("Pendaftaran")),
        hbars("kecamatan", _("Pendaftaran per kecamatan"), per_kecamatan(counted["region"], counted["names"]),
              _("Pendaftaran")),
        hbars("occupation", _("Pendaftaran per pekerjaan"),
              [(occupations[c].name_id if c in occupations else c, n)
               for c, n in counted["occupation"].items()],
              _("Pendaftaran")),
        hbars("channel", _("Pendaftaran per jalur"),
              [(str(CHANNELS.get(c, c)), n) for c, n in counted["channel"].items()], _("Pendaftaran")),
    ]
    config = current_app.config
    return render_template("staff/dashboard.html", charts=charts, pools=pools, statuses=statuses,
                           year=year, total=sum(statuses.values()), sms=counted["sms"],
                           price=config["SMS_SEGMENT_PRICE"], currency=config["SMS_PRICE_CURRENCY"],
                           region=region, regencies=regencies, counted_at=counted["at"])
