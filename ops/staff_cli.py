"""`flask --app app staff …`: create accounts, set a password, unlock, list."""
import sys

import click
from flask.cli import AppGroup

from models import StaffUser, db
from ops.refusals import refuse
from staff import users
from staff.roles import ROLES

staff_cli = AppGroup("staff", help="Staff accounts.")


def read_password(from_stdin):
    """The new password: the first line of stdin, or typed twice at a hidden prompt."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


def fail(errors):
    """Stop with the account errors, one per line."""
    refuse(errors, with_fields=True)


@staff_cli.command("create")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--kelurahan", help="Region code an operator is tied to, e.g. 64.71.01.1001.")
@click.option("--agency", help="Agency a verifier works for (Disnaker, Dishub, DPPP); none = all.")
@click.option("--region", help="Regency a verifier or admin works for, e.g. 64.72; none = province.")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def create(username, role, kelurahan, agency, region, password_stdin):
    """Make a staff account."""
    password = read_password(password_stdin)
    with db.connection_context():
        errors, user = users.create(username, role, password, "cli", kelurahan=kelurahan,
                                    agency=agency, region=region)
    if errors:
        fail(errors)
    where = f", regency {user.region}" if user.region else ""
    click.echo(f"Account '{user.username}' created ({user.role}{where}).")


@staff_cli.command("set-password")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="Read the password from the first line of stdin.")
def set_password(username, password_stdin):
    """Give an account a new password (and unlock it)."""
    user = change_account(username, password=read_password(password_stdin))
    click.echo(f"Password of '{user.username}' changed.")


@staff_cli.command("unlock")
@click.argument("username")
def unlock(username):
    """Lift a lockout after too many failed logins."""
    user = change_account(username, unlock=True)
    click.echo(f"'{user.username}' unlocked.")


def change_account(username, **change):
    """Apply one change to an account, keeping its role, state and place; stop on an error."""
    with db.connection_context():
        user = StaffUser.get_or_none(StaffUser.username == username.strip().lower())
        if user is None:
            raise click.ClickException(f"No account '{username}'.")
        errors = users.update(user, "cli", user.role, user.active, kelurahan=user.kelurahan_id,
                              agency=user.agency, region=user.region, **change)
    if errors:
        fail(errors)
    return user


@staff_cli.command("list")
def list_accounts():
    """Print every account with its role, place and state."""
    with db.connection_context():
        for user in StaffUser.select().order_by(StaffUser.username):
            place = user.kelurahan_id or "/".join(filter(None, (user.region, user.agency))) or "-"
            state = "active" if user.active else "disabled"
            click.echo(f"{user.username:<24} {user.role:<9} {place:<16} {state}")
