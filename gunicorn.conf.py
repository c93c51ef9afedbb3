"""gunicorn settings for `make run`, the benchmarks and the multi-process tests."""
# The path only (%(U)s), never the query string, so no personal data reaches the access log.
accesslog = "-"
access_log_format = '%(h)s %(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
worker_class = "gthread"
threads = 4
timeout = 30
graceful_timeout = 10
# gunicorn's control socket has one default path for all servers; tests run several at once.
control_socket_disable = True
