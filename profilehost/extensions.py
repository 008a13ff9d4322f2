"""Extension objects, created unbound here and bound to the app in create_app."""

from flask import has_app_context
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

from .publishing import cores

# Named constraints let Alembic's batch mode alter them on SQLite and PostgreSQL alike.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
# When Redis is down the limits are counted per process in memory (Flask-Limiter logs "Rate limit storage
# unreachable - falling back to in-memory storage") and go back to Redis once it answers: logins stay limited
# and keep working. swallow_errors covers what the fallback does not reach (a failed deduction).
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=True,
                  in_memory_fallback_enabled=True, swallow_errors=True)


def _forget_inherited_connections() -> None:
    """In a forked child (publishing.cores), which never uses the database: the pool forgets the connections it
    inherited without closing them, so nothing the child does can reach the parent's (SQLAlchemy's advice for
    fork)."""
    if not has_app_context():
        return
    for engine in db.engines.values():
        engine.dispose(close=False)


cores.in_each_child(_forget_inherited_connections)
