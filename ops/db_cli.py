"""Command-line tools: `flask --app app init-db`, `flask --app app pool …`."""
import click
from flask import current_app
from flask.cli import AppGroup

from core import pools, quota
from database import migrate
from models import Pool, ProgramYear, Registration, db
from ops import regions
from ops.refusals import refuse
from ops.regions_cli import describe
from ops.seed import load_regions, seed

pool_cli = AppGroup("pool", help="Pools of the current program year.")
SMS_NAME_HELP = (f"Short name SMS replies use, e.g. 'Kota Samarinda': GSM-7, at most "
                 f"{pools.SMS_NAME_MAX} characters (^{{}}[]~|€\\ count two). Empty: the name, "
                 "shortened by whole words.")
SHARES_HELP = ("Counters the seats are kept in, 1-64: more than 1 for a pool taking more "
               "registrations a second than one row allows (docs/scaling.md, section 5).")


@click.command("init-db")
def init_db():
    """Create or upgrade the schema, then load reference data and default pools if missing."""
    applied = migrate()
    try:
        with db.connection_context():
            counts = load_regions()  # the configured provinces, every time: new ones get loaded
    except regions.RegionDataError as error:
        raise click.ClickException(str(error))
    seed()
    click.echo(f"Database ready ({len(applied)} migration(s) applied; {describe(counts)}).")


@pool_cli.command("list")
def pool_list():
    """Print code, capacity, held and waiting per pool."""
    with db.connection_context():
        year = ProgramYear.current()
        click.echo(f"{'code':<20} {'open':<5} {'capacity':>9} {'held':>7} {'waiting':>8} {'shares':>6}")
        for pool in Pool.of_year(year):
            waiting = Registration.waiting_for(pool).count()
            click.echo(f"{pool.code:<20} {'yes' if pool.is_open else 'no':<5} "
                       f"{pool.capacity:>9} {pool.seats_held:>7} {waiting:>8} {pool.shares:>6}")


@pool_cli.command("set-capacity")
@click.argument("code")
@click.argument("capacity", type=int)
def pool_set_capacity(code, capacity):
    """Set a pool's capacity (never below the seats held)."""
    with db.connection_context():
        outcome = quota.set_capacity(code, capacity, "cli")
    if not outcome.ok:
        refuse(outcome.errors)
    click.echo(f"{code}: capacity {capacity}; {len(outcome.promoted)} promoted from the waiting list.")


def _set_open(code, is_open):
    with db.connection_context():
        outcome = quota.set_pool_open(code, is_open, "cli")
    if not outcome.ok:
        refuse(outcome.errors)
    click.echo(f"{code}: {'open' if is_open else 'closed'} for registration.")


@pool_cli.command("open")
@click.argument("code")
def pool_open(code):
    """Open a pool for new registrations."""
    _set_open(code, True)


@pool_cli.command("close")
@click.argument("code")
def pool_close(code):
    """Close a pool to new registrations (the waiting list still moves)."""
    _set_open(code, False)


@pool_cli.command("create")
@click.argument("code")
@click.option("--name", required=True, help="Name shown to workers, e.g. 'Kuota Kota Samarinda'.")
@click.option("--region", required=True, help="Province or regency code it serves, e.g. 64.72.")
@click.option("--capacity", type=int, required=True, help="Seats.")
@click.option("--priority", type=int, required=True,
              help="Lower first: a regency pool (1) before the provincial one (2).")
@click.option("--requires-dtks", is_flag=True, help="Only people on DTKS (declared or on the list).")
@click.option("--sms-name", default="", help=SMS_NAME_HELP)
@click.option("--shares", type=int, default=1, show_default=True, help=SHARES_HELP)
def pool_create(code, name, region, capacity, priority, requires_dtks, sms_name, shares):
    """Add a pool to the current program year (those waiting that it serves get its seats)."""
    with db.connection_context():
        outcome = pools.create_pool(code, name, region, capacity, priority, requires_dtks, "cli",
                                    current_app.config["REGION_PROVINCES"], sms_name=sms_name,
                                    shares=shares)
    if not outcome.ok:
        refuse(outcome.errors, with_fields=True)
    pool = outcome.pool
    click.echo(f"{pool.code}: {pool.capacity} seats for {pool.region_prefix}, priority "
               f"{pool.priority}{', DTKS only' if pool.requires_dtks else ''}"
               f"{f', SMS name {pool.sms_name!r}' if pool.sms_name else ''}"
               f"{f', in {pool.shares} shares' if pool.shares > 1 else ''}; "
               f"{len(outcome.promoted)} promoted from the waiting list.")


@pool_cli.command("edit")
@click.argument("code")
@click.option("--name")
@click.option("--capacity", type=int)
@click.option("--priority", type=int)
@click.option("--requires-dtks/--no-requires-dtks", default=None)
@click.option("--sms-name", help=SMS_NAME_HELP + " '' clears it.")
@click.option("--shares", type=int, help=SHARES_HELP)
def pool_edit(code, name, capacity, priority, requires_dtks, sms_name, shares):
    """Change a pool's name, SMS name, capacity, priority, DTKS rule or shares (the rest stays)."""
    with db.connection_context():
        pool = Pool.get_or_none((Pool.code == code) & (Pool.year == ProgramYear.current()))
        if pool is None:
            refuse({"pool": "pool_unknown"})
        outcome = pools.update_pool(
            code, pool.name if name is None else name,
            pool.capacity if capacity is None else capacity,
            pool.priority if priority is None else priority,
            pool.requires_dtks if requires_dtks is None else requires_dtks, "cli", sms_name=sms_name,
            shares=shares)
    if not outcome.ok:
        refuse(outcome.errors, with_fields=True)
    click.echo(f"{code}: changed; {len(outcome.promoted)} promoted from the waiting list.")
