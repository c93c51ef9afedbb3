"""The one result type of every core operation, and the retry of a write that met a lock."""
import functools
import time
from dataclasses import dataclass, field

from peewee import OperationalError

from models import ProgramYear, Registration


@dataclass
class Outcome:
    """What an operation did: ok, or errors {field: message key}; plus what it touched or made."""

    ok: bool
    errors: dict = field(default_factory=dict)
    registration: Registration = None
    position: int = None  # place on the waiting list, when waitlisted
    promoted: list = field(default_factory=list)  # registrations moved up from the waiting list
    year: ProgramYear = None  # program-year operations: the year opened, closed or reopened
    pools: int = 0  # pools made for a new year
    carried: int = 0  # members carried over to re-verification
    notes: list = field(default_factory=list)  # message keys the worker should also read
    pool: object = None  # pool operations: the pool made or changed
    counts: object = None  # purges (core/retention.py): what was anonymised or deleted


def fail(field_name, key):
    """An Outcome with one error {field_name: key}."""
    return Outcome(False, {field_name: key})


def retrying(operation):
    """Run a write again when the database reports a lock or deadlock (5 tries, 50-200 ms apart)."""
    @functools.wraps(operation)  # run.__wrapped__: the operation once, as a race test needs it
    def run(*args, **kwargs):
        for attempt in range(5):
            try:
                return operation(*args, **kwargs)
            except OperationalError:
                if attempt == 4:
                    raise
                time.sleep(0.05 * (attempt + 1))
    return run
