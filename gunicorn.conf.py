"""gunicorn settings for `make run`, the benchmarks and the multi-process tests."""
# The path only (%(U)s), never the query string, so no personal data reaches the access log.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# gunicorn's logger, gathering only the fields the format above names (web/gunicorn_log.py).
logger_class = "web.gunicorn_log.Logger"
# gunicorn's gthread worker, with our own Indonesian page for what gunicorn refuses (414, 431, 400).
worker_class = "web.gunicorn_worker.Worker"
# Two threads a worker: with four, a registration holding SQLite's write lock shared its process's
# GIL with three others and held the lock longer, and the writers queued behind it (docs/scaling.md,
# "the rush"). More concurrent requests come from more workers (WORKERS). On PostgreSQL, where a
# thread waits for the database server more, GUNICORN_CMD_ARGS="--threads 4" may pay (measure).
threads = 2
timeout = 30
graceful_timeout = 10
# gunicorn's control socket has one default path for all servers; tests run several at once.
control_socket_disable = True


def on_starting(server):
    """Refuse to start several workers on per-process rate-limit counters (each would allow the
    whole limit); the default store is shared (web/limit_store.py)."""
    import config

    uri = config.from_environment("instance")["RATELIMIT_STORAGE_URI"]
    if server.cfg.workers > 1 and (uri or "").startswith("memory://"):
        raise SystemExit(f"RATELIMIT_STORAGE_URI=memory:// counts per worker; with "
                         f"{server.cfg.workers} workers leave it empty or use redis://")


def post_worker_init(worker):
    """Compile every template before the worker takes its first request: otherwise an opening
    morning's first seconds go to compiling them, in several threads at once (Jinja keeps them
    compiled for the worker's life)."""
    jinja = worker.wsgi.jinja_env
    for name in jinja.list_templates():
        jinja.get_template(name)
