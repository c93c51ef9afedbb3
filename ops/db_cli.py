"""Command-line tools: `flask --app app init-db`, `flask --app app pool …`."""
import click
from flask.cli import AppGroup

from core import quota
from database import migrate
from models import Pool, ProgramYear, Registration, db
from ops.refusals import refuse
from ops.seed import seed

pool_cli = AppGroup("pool", help="Pools of the current program year.")


@click.command("init-db")
def init_db():
    """Create or upgrade the schema, then load reference data and default pools if missing."""
    applied = migrate()
    seed()
    click.echo(f"Database ready ({len(applied)} migration(s) applied).")


@pool_cli.command("list")
def pool_list():
    """Print code, capacity, held and waiting per pool."""
    with db.connection_context():
        year = ProgramYear.current()
        click.echo(f"{'code':<20} {'open':<5} {'capacity':>9} {'held':>7} {'waiting':>8}")
        for pool in Pool.of_year(year):
            waiting = Registration.waiting_for(pool).count()
            click.echo(f"{pool.code:<20} {'yes' if pool.is_open else 'no':<5} "
                       f"{pool.capacity:>9} {pool.held:>7} {waiting:>8}")


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
