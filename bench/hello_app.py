"""WSGI entry points for the benchmark: the real app plus /hello, and a bare Flask hello app."""
from flask import Flask

import app as jaring


def hello():
    """The cheapest possible answer."""
    return "hello"


def create_app():
    """The production app (every hook, header and extension) with one extra route, /hello."""
    application = jaring.create_app()
    application.add_url_rule("/hello", "hello", hello)
    return application


def create_bare_app():
    """A bare Flask app with only /hello: the design's yardstick for registration throughput."""
    application = Flask(__name__)
    application.add_url_rule("/hello", "hello", hello)
    return application
