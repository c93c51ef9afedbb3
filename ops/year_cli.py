"""`flask --app app year …`: open a year, close or reopen registration, re-verify members."""
import click
from flask.cli import AppGroup

from core import program_year, reverification
from core.reverification import Reverification
from models import Pool, ProgramYear, Registration, db
from ops.refusals import refuse

year_cli = AppGroup("year", help="Program years: open, close, list; re-verification of members.")
DAY = click.DateTime(["%Y-%m-%d"])
@year_cli.command("list")
def year_list():
    """Print each year: current, open, window, pools, registrations, re-verifications open."""
    with db.connection_context():
        click.echo(f"{'year':<6} {'current':<8} {'open':<5} {'opens':<11} {'closes':<11} "
                   f"{'pools':>5} {'registrations':>13} {'reverify':>8}")
        for y in ProgramYear.select().order_by(ProgramYear.year):
            regs = Registration.select().where(Registration.year == y.year).count()
            open_list = Reverification.of_year(y.year, "open").count()
            current, is_open = "yes" if y.is_current else "", "yes" if y.is_open else "no"
            click.echo(f"{y.year:<6} {current:<8} {is_open:<5} "
                       f"{str(y.opens_on or '-'):<11} {str(y.closes_on or '-'):<11} "
                       f"{Pool.of_year(y.year).count():>5} {regs:>13} {open_list:>8}")


@year_cli.command("open")
@click.argument("year", type=int)
@click.option("--from", "copy_from", type=int, help="Copy pools from this year (default: current).")
@click.option("--opens-on", type=DAY, help="First day of registration (YYYY-MM-DD).")
@click.option("--closes-on", type=DAY, help="Last day of registration (YYYY-MM-DD).")
def year_open(year, copy_from, opens_on, closes_on):
    """Make YEAR current with last year's pools; last year's members go to re-verification."""
    with db.connection_context():
        outcome = program_year.open_year(year, "cli", copy_from, opens_on and opens_on.date(),
                                         closes_on and closes_on.date())
    if not outcome.ok:
        refuse(outcome.errors)
    click.echo(f"Program year {year} is current: {outcome.pools} pools, "
               f"{outcome.carried} members to re-verify.")


@year_cli.command("close")
@click.option("--on", type=DAY, help="Last day registrations are taken (default: close now).")
def year_close(on):
    """Close registration of the current year now, or after a given day."""
    with db.connection_context():
        outcome = program_year.close_registration("cli", on and on.date())
    if not outcome.ok:
        refuse(outcome.errors)
    click.echo(f"Registration {outcome.year.year}: "
               + (f"closes after {on.date()}." if on else "closed."))


@year_cli.command("reopen")
@click.option("--until", type=DAY, help="Last day registrations are taken (default: no end date).")
def year_reopen(until):
    """Open registration of the current year again."""
    with db.connection_context():
        outcome = program_year.reopen_registration("cli", until and until.date())
    if not outcome.ok:
        refuse(outcome.errors)
    click.echo(f"Registration {outcome.year.year}: open"
               + (f" until {until.date()}." if until else "."))


@year_cli.command("reverify")
@click.argument("ids", nargs=-1, type=int)
@click.option("--drop", "reason", help="Drop these entries with this reason instead of confirming.")
def year_reverify(ids, reason):
    """List the open re-verification entries, or confirm (or --drop) the given ids."""
    with db.connection_context():
        year = ProgramYear.current()
        if not ids:
            listed = (Reverification.of_year(year, "open")
                      .select(Reverification.id, Registration.ref)
                      .join(Registration, on=Reverification.previous == Registration.id).tuples())
            for rid, ref in listed:
                click.echo(f"{rid:>8} previous {ref}")
            return
        for rid in ids:
            outcome = (reverification.drop(rid, "cli", reason) if reason
                       else reverification.confirm(rid, "cli"))
            result = "ok" if outcome.ok else reason(outcome.errors)
            code = outcome.registration.ref if outcome.ok and outcome.registration else ""
            click.echo(f"{rid}: {result} {code}".rstrip())
