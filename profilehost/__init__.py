"""profilehost: hosted academic profile pages for researchers."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.middleware.proxy_fix import ProxyFix

from . import config
from .extensions import csrf, db, limiter, login_manager, migrate
from .publishing import cores

# A checkout keeps the templates and migrations beside the package; the wheel carries them inside it
# (pyproject.toml, [tool.setuptools.package-dir]).
PACKAGE = Path(__file__).resolve().parent
SHIPPED = PACKAGE if (PACKAGE / "templates").is_dir() else config.REPO_ROOT
TEMPLATES = SHIPPED / "templates"
MIGRATIONS = SHIPPED / "migrations"


def create_app(config_overrides: dict | None = None) -> Flask:
    settings = config.read_settings()
    settings.update(config_overrides or {})
    app = Flask(__name__, instance_path=settings["INSTANCE_PATH"], template_folder=str(TEMPLATES))
    register_config(app, settings)
    register_extensions(app)
    register_blueprints(app)
    register_security(app)
    register_errors(app)
    register_cli(app)
    register_jobs(app)
    register_domains(app)
    register_template_helpers(app)
    register_theme_assets(app)
    register_fast_path(app)
    register_host_gate(app)
    register_proxy_fix(app)
    return app


def register_config(app: Flask, settings: dict) -> None:
    app.config.update(settings)
    cores.use_processes(app.config["RENDER_PROCESSES"])
    if not app.config.get("SECRET_KEY"):
        # Flask's CLI makes the app before running any command, `flask instance init` (which makes the key) among
        # them: made without a key, the app refuses every request, naming that command.
        app.before_request(lambda: config.require_secret_key(app.config))
    engine_options = {
        "pool_recycle": 1800,
        # After a database restart a pooled connection is dead: pinged at checkout, it is replaced instead of
        # failing the first request of each worker (cached pages and the fast path's own lookups need no checkout).
        "pool_pre_ping": True,
    }
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A request waits this long for another writer, then answers 503 (errors.py) instead of holding a worker.
        engine_options["connect_args"] = {"timeout": app.config["SQLITE_BUSY_TIMEOUT_MS"] / 1000}
    app.config.update(
        SQLALCHEMY_ENGINE_OPTIONS={**engine_options, **app.config.get("SQLALCHEMY_ENGINE_OPTIONS", {})},
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["HTTPS"],
        PREFERRED_URL_SCHEME="https" if app.config["HTTPS"] else "http",
        MAX_CONTENT_LENGTH=64 * 1024 * 1024,
        WTF_CSRF_TIME_LIMIT=None,
        RATELIMIT_STORAGE_URI=app.config["REDIS_URL"] or "memory://",
        RATELIMIT_HEADERS_ENABLED=True,
        SEND_FILE_MAX_AGE_DEFAULT=3600,
    )


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please log in to see this page."
    login_manager.login_message_category = "info"
    from .services.accounts import load_session_user

    login_manager.user_loader(load_session_user)
    from .public.cache import ResponseCache

    app.extensions["profilehost.page_cache"] = ResponseCache(app.config["PAGE_CACHE_BYTES"])


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # SQLite ignores foreign keys unless asked, and WAL lets readers proceed while one worker writes.
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.close()


def register_blueprints(app: Flask) -> None:
    from .admin import admin
    from .api import api
    from .auth.views import auth
    from .dashboard import (
        dashboard,
        domain_views,  # noqa: F401  (its views join the dashboard blueprint before it registers)
    )
    from .public import public
    from .public.routing import TenantNameConverter

    app.url_map.converters["tenant"] = TenantNameConverter
    app.register_blueprint(auth)
    app.register_blueprint(dashboard)
    app.register_blueprint(admin)
    app.register_blueprint(api)
    csrf.exempt(api)
    app.register_blueprint(public)


def register_security(app: Flask) -> None:
    from .security import init_security

    init_security(app)


def register_errors(app: Flask) -> None:
    from .errors import init_errors

    init_errors(app)


def register_cli(app: Flask) -> None:
    from .cli import init_cli

    init_cli(app)


def register_jobs(app: Flask) -> None:
    from .jobs import init_jobs

    init_jobs(app)


def register_domains(app: Flask) -> None:
    from .domains import init_domains

    init_domains(app)


def _engine_getter(app: Flask):
    """The app's engine, found on first use (creating the app opens no connection)."""
    engines = []

    def engine():
        if not engines:
            with app.app_context():
                engines.append(db.engine)
        return engines[0]

    return engine


def register_fast_path(app: Flask) -> None:
    """Cached public pages are answered before Flask."""
    from .public.fast_path import PublicPageFastPath
    from .public.tenant_heads import TenantHeads
    from .public.views import THEME_VERSION
    from .security import security_headers
    from .services.accounts import RESERVED_USERNAMES

    head_query = app.extensions["profilehost.tenant_heads"] = TenantHeads(_engine_getter(app))
    headers = tuple(h for h in security_headers(app.config["HTTPS"]) if h[0] != "Cache-Control")
    app.wsgi_app = PublicPageFastPath(app.wsgi_app, app.extensions["profilehost.page_cache"], head_query,
                                      RESERVED_USERNAMES, THEME_VERSION, headers)


def register_host_gate(app: Flask) -> None:
    """Before the fast path and Flask: a request for a host the site does not serve does no work at all; one for
    the content origin or a researcher's domain carries no cookie in and none out."""
    from .domains.lookup import DomainTenants
    from .public.routing import HostGate
    from .services.accounts import RESERVED_USERNAMES

    app.wsgi_app = HostGate(app.wsgi_app, app.config["SERVER_NAMES"], app.config["PAGES_HOST"],
                            DomainTenants(_engine_getter(app)), RESERVED_USERNAMES)


def register_proxy_fix(app: Flask) -> None:
    """Outermost, when trusted: the host and scheme the gate checks are the ones the proxy was asked for."""
    if app.config["TRUST_PROXY"]:
        hops = app.config["TRUST_PROXY"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=0)


def register_theme_assets(app: Flask) -> None:
    from .theme_assets import init_theme_assets

    init_theme_assets(app)


def register_template_helpers(app: Flask) -> None:
    from .templating import init_templating

    init_templating(app)
