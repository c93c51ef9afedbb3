"""`flask sms send` drains the outbox once; `flask sms worker` keeps draining until SIGTERM."""
import logging
import signal
import threading

import click
from flask import current_app
from flask.cli import AppGroup

from models import db
from sms.sender import drain, make_client, make_pacer

sms_cli = AppGroup("sms", help="The SMS door: send the outbox of notifications.")
log = logging.getLogger("jaring.sms")


def show_logs():
    """Let the sender's log lines (ids and kinds only) reach the terminal."""
    if not logging.getLogger().handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    log.setLevel(logging.INFO)


def summary(counts):
    """`3 sent, 1 retry` or `nothing due`."""
    return ", ".join(f"{n} {what}" for what, n in sorted(counts.items())) or "nothing due"


@sms_cli.command("send")
@click.option("--batch", default=500, show_default=True, help="At most this many messages.")
def send(batch):
    """Send every outbox message that is due, once."""
    show_logs()
    with db.connection_context():
        click.echo(summary(drain(limit=batch)))


@sms_cli.command("worker")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls.")
@click.option("--batch", default=100, show_default=True, help="Messages per poll.")
def worker(interval, batch):
    """Keep sending the outbox until SIGTERM or Ctrl-C."""
    show_logs()
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    client = make_client(current_app.config)
    # One pacer for the worker's life: the pace holds across polls; SIGTERM cuts a wait short.
    pacer = make_pacer(current_app.config, sleep=stop.wait)
    log.info("sms worker started, polling every %ss", interval)
    while not stop.is_set():
        try:
            with db.connection_context():
                counts = drain(client, limit=batch, pacer=pacer)
        except Exception as e:  # noqa: BLE001 - a database hiccup must not end the worker
            # The class only: a database error's text can quote the values (personal data).
            log.error("sms worker: drain failed (%s); trying again", type(e).__name__)
            counts = {}
        if counts:
            log.info("sms worker: %s", summary(counts))
        if sum(counts.values()) < batch:
            stop.wait(interval)
    log.info("sms worker stopped")
