"""Flask extensions made once and bound to the app in create_app()."""
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from web import limit_store  # noqa: F401 - registers the sqlite:// rate-limit storage with `limits`

csrf = CSRFProtect()
limiter = Limiter(get_remote_address, default_limits=[])
