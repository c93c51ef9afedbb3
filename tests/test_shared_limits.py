"""Rate limits hold across every gunicorn worker (make run) and every app server (Redis)."""
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.conftest import need
from tests.live_server import ROOT, LiveServer, prepare_database
from tests.redisserver import RedisServer

pytestmark = pytest.mark.slow
LIMITED = "/daftar/periksa?field=nik"  # inline validation: 120/minute per address (public/register.py)
LIMIT = 120  # inline field checks an hour from one address (LIMIT_FIELD_CHECK, set below):
# all 300 requests fall in one window however slowly a loaded machine sends them


def check_field(base_url):
    """One inline validation, with the form's CSRF token, on fresh connections; its status."""
    with requests.Session() as browser:
        page = browser.get(base_url + "/daftar", timeout=30).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return browser.post(base_url + LIMITED, data={"csrf_token": token, "nik": "1"},
                            timeout=30).status_code


def hit(urls, n, threads=16):
    """n inline validations spread over urls, 16 at a time; their status codes."""
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(lambda i: check_field(urls[i % len(urls)]), range(n)))


def test_the_default_store_holds_a_limit_across_the_workers_of_make_run(sqlite_url):
    prepare_database(sqlite_url)
    env = {"RATELIMIT_ENABLED": "1", "RATELIMIT_STORAGE_URI": "", "LIMIT_FIELD_CHECK": f"{LIMIT}/hour"}
    with LiveServer(sqlite_url, workers=4, env=env) as server:
        codes = hit([server.base_url], 300)
    assert codes.count(200) == LIMIT and codes.count(429) == 300 - LIMIT


def test_two_app_servers_share_one_redis(sqlite_url):
    redis = RedisServer()
    need(redis.available(), "redis-server (Debian package redis-server)")
    prepare_database(sqlite_url)
    with redis:
        env = {"RATELIMIT_ENABLED": "1", "RATELIMIT_STORAGE_URI": redis.url,
               "LIMIT_FIELD_CHECK": f"{LIMIT}/hour"}
        with LiveServer(sqlite_url, workers=2, env=env) as one, \
                LiveServer(sqlite_url, workers=2, env=env) as two:
            codes = hit([one.base_url, two.base_url], 300)
    assert codes.count(200) == LIMIT and codes.count(429) == 300 - LIMIT


def test_gunicorn_refuses_per_process_counters_with_several_workers(sqlite_url):
    env = {**os.environ, "DATABASE_URL": sqlite_url, "RATELIMIT_STORAGE_URI": "memory://"}
    result = subprocess.run(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py", "--bind", "127.0.0.1:0",
         "--workers", "2", "app:create_app()"], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=60)
    assert result.returncode != 0 and "memory:// counts per worker" in result.stderr
