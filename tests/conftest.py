"""Fixtures: an app on a real database file (and on a real PostgreSQL server), client, runner."""
import itertools
import os

import pytest

from app import create_app
from database import migrate
from models import db
from ops.seed import seed
from tests.pgserver import PgServer

IN_CI = os.environ.get("CI") == "true"
_counter = itertools.count()


def need(condition, why):
    """Skip on a laptop without the tool; in CI a missing tool is a failure, never a skip."""
    if not condition:
        if IN_CI:
            pytest.fail(f"CI must provide this: {why}")
        pytest.skip(why)


@pytest.fixture(scope="session")
def pg_server():
    """One PostgreSQL server for the whole run, started on loopback."""
    server = PgServer()
    need(server.available(), "PostgreSQL server programs (Debian package postgresql)")
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a new database on the test PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'jaring.sqlite3'}"
    server = request.getfixturevalue("pg_server")
    return server.create_database(f"jaring_test_{os.getpid()}_{next(_counter)}")


@pytest.fixture
def sqlite_url(tmp_path):
    """A fresh SQLite file, for tests that are about one door rather than the database."""
    return f"sqlite:///{tmp_path / 'jaring.sqlite3'}"


def make_app(url, **extra):
    """An app on url with the schema migrated and the reference data seeded."""
    app = create_app({"TESTING": True, "DATABASE_URL": url, "SECRET_KEY": "test",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_ENABLED": False, **extra})
    migrate()
    seed()
    return app


@pytest.fixture
def app(sqlite_url):
    """The app on a temporary SQLite file."""
    application = make_app(sqlite_url)
    yield application
    db.close()


@pytest.fixture
def core_app(database_url):
    """The app on each real database (SQLite and PostgreSQL), with a connection open."""
    application = make_app(database_url)
    with application.app_context():
        db.connect(reuse_if_open=True)
        yield application
        db.close()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
