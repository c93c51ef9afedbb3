"""The floor: Jaring's durable work per registration in a minimal Flask + sqlite3 app.

One transaction per POST /daftar: a conditional seat UPDATE (held = held + 1 WHERE held <
capacity, pools in priority order), the registration row, an audit row and an outbox row, then
COMMIT; WAL and synchronous=NORMAL as database.py sets them. It runs on a database made by
`flask init-db`, so it writes into the same tables with the same indexes. Nothing else is done:
no validation beyond parsing, no CSRF check, no session, no templates. Jaring's rate as a fraction
of this app's is the yardstick of bench/bench_floor.py. Run it as `bench.floor_app:create_app()`.
"""
import datetime as dt
import fcntl
import json
import os
import secrets
import sqlite3
import threading

from flask import Flask, redirect, request

REF_ALPHABET = "ACDEFHJKMNPRTUVWXY34679"
FORM = '<form method="post"><input type="hidden" name="csrf_token" value="floor"></form>'
INSERT_REGISTRATION = (
    "INSERT INTO registration (ref, year, nik, nik_active, name, birth_date, sex, phone,"
    " occupation, region, pool, status, channel, declared_not_participant, declared_income,"
    " declared_dtks, dtks_confirmed, created_at, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
INSERT_AUDIT = ("INSERT INTO auditevent (at, actor, action, registration, before, after)"
                " VALUES (?,?,?,?,?,?)")
INSERT_OUTBOX = ("INSERT INTO outboxmessage (created_at, phone, kind, params, registration,"
                 " status, attempts, next_attempt_at) VALUES (?,?,?,?,?,?,?,?)")
TAKE_SEAT = "UPDATE pool SET held = held + 1 WHERE id = ? AND held < capacity AND is_open = 1"


def database_path():
    """The SQLite file from DATABASE_URL (sqlite:///path); the floor knows no other database."""
    url = os.environ["DATABASE_URL"]
    if not url.startswith("sqlite:///"):
        raise SystemExit("the floor app runs on SQLite only")
    return url[len("sqlite:///"):]


class Store:
    """One sqlite3 connection and one write-lock file per thread."""

    def __init__(self, path):
        self.path, self.local = path, threading.local()
        with self.connect() as conn:
            self.year = conn.execute("SELECT year FROM programyear WHERE is_current = 1").fetchone()[0]
            self.pools = [r[0] for r in conn.execute(
                "SELECT id FROM pool WHERE year = ? ORDER BY priority, id", (self.year,))]

    def connect(self):
        """A connection in autocommit mode (transactions are explicit), WAL, synchronous=NORMAL."""
        conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=wal")
        conn.execute("PRAGMA synchronous=normal")
        conn.execute("PRAGMA busy_timeout=20000")
        conn.execute("PRAGMA foreign_keys=1")
        return conn

    def thread_state(self):
        """(connection, lock file descriptor) of the calling thread."""
        if not hasattr(self.local, "conn"):
            self.local.conn = self.connect()
            # The same writer queue as database.py (flock before BEGIN): without it the floor
            # would lose time in SQLite's sleeping busy handler, and would not be a floor.
            self.local.fd = os.open(f"{self.path}.writelock", os.O_RDWR | os.O_CREAT, 0o600)
        return self.local.conn, self.local.fd

    def register(self, form):
        """Hold a seat (or wait), insert registration, audit and outbox rows; return the id or None."""
        conn, fd = self.thread_state()
        now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
        nik, phone = form["nik"], form["phone"]
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                pool = next((p for p in self.pools if conn.execute(TAKE_SEAT, (p,)).rowcount == 1),
                            None)
                status = "pending" if pool else "waitlisted"
                ref = "".join(secrets.choice(REF_ALPHABET) for _ in range(8))
                female = int(nik[6:8]) > 40
                reg_id = conn.execute(INSERT_REGISTRATION, (
                    ref, self.year, nik, nik, form["name"], form["birth_date"], "F" if female else "M",
                    phone, form["occupation"], form["kelurahan"], pool, status, "web",
                    "decl_not_participant" in form, "decl_income" in form, "decl_dtks" in form,
                    False, now, now)).lastrowid
                conn.execute(INSERT_AUDIT, (now, "worker:web", "register", reg_id, None, status))
                conn.execute(INSERT_OUTBOX, (now, phone, "registered" if pool else "waitlisted",
                                             json.dumps({"ref": ref}), reg_id, "pending", 0, now))
                conn.execute("COMMIT")
                return reg_id
            except sqlite3.IntegrityError:
                conn.execute("ROLLBACK")  # the NIK is taken: the seat goes back with the row
                return None
            except BaseException:
                conn.execute("ROLLBACK")
                raise
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def create_app():
    """The floor app: GET /daftar (a token the load generator reads), POST /daftar, /hello."""
    app = Flask(__name__)
    store = Store(database_path())

    @app.get("/daftar")
    def form():
        return FORM

    @app.post("/daftar")
    def register():
        if store.register(request.form) is None:
            return "nik taken", 422
        return redirect("/daftar/hasil", 303)

    @app.get("/hello")
    def hello():
        return "hello"

    return app
