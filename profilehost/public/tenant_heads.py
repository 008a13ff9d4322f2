"""Whom a public request is for (a TenantHead): its one query, looked up on a connection each worker thread keeps.

This lookup runs on every page view, so it must cost less than the page. Taking a connection from the pool and
its rollback on return cost as much as the query, so each thread keeps one autocommit DB-API connection here.
On SQLite it also remembers answers, trusted only while `PRAGMA data_version` is unchanged: that number moves
whenever any other connection, in any process, commits, so a remembered answer never outlives a change.
"""

from __future__ import annotations

import logging
import os
import threading
from dataclasses import dataclass

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError

from ..models import User

MEMO_LIMIT = 50_000
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TenantHead:
    """The little a page view needs before it knows whether a cached response is still good."""

    id: int
    username: str
    state: str  # as a visitor sees it: User.public_state
    site_version: int
    domain: str | None = None  # the verified domain the site is served at, if any (profilehost.domains)


# The state a visitor sees (models.User.public_state: an unconfirmed email shows as pending), compiled once.
PUBLIC_STATE_SQL = str(User.public_state.expression.compile(compile_kwargs={"literal_binds": True}))
# The domain in the same query: whether the site is served elsewhere decides a page view as much as its state.
SERVED_DOMAIN_SQL = ("(SELECT name FROM domains WHERE domains.user_id = users.id AND domains.verified_at IS NOT NULL "
                     "ORDER BY domains.id LIMIT 1)")
# Plain DB-API SQL: this runs on every page view, and SQLAlchemy's statement pipeline would cost half of a cached
# page view.
TENANT_HEAD_SQL = ("SELECT id, username, " + PUBLIC_STATE_SQL + ", site_version, " + SERVED_DOMAIN_SQL
                   + " FROM users WHERE username = {}")
PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s", "numeric": ":1", "named": ":username"}


class TenantHeads:
    def __init__(self, engine_getter) -> None:
        self._engine_getter = engine_getter
        self._local = threading.local()
        self._opened: list[_ThreadState] = []
        self._lock = threading.Lock()
        self._listening = False

    def close_all(self, *_args) -> None:
        """Close every thread's connection (when the engine is disposed: they are outside its pool)."""
        with self._lock:
            opened, self._opened = self._opened, []
        for state in opened:
            state.close()

    def __call__(self, username: str) -> TenantHead | None:
        username = username.lower()
        try:
            state = self._state()
            if state is None:
                return pooled_tenant_head(username, self._engine_getter())
            return self._lookup(state, username)
        except Exception:  # noqa: BLE001 - a broken private connection: forget it and answer through the pool
            logger.warning("tenant lookup connection failed; reconnecting", exc_info=True)
            self._local.__dict__.clear()
            return pooled_tenant_head(username, self._engine_getter())

    def _lookup(self, state: _ThreadState, username: str) -> TenantHead | None:
        if state.is_sqlite:
            version = state.cursor.execute("PRAGMA data_version").fetchone()[0]
            if version != state.version:
                state.memo.clear()
                state.version = version
            if username in state.memo:
                return state.memo[username]
        state.cursor.execute(state.sql, state.parameters(username))
        row = state.cursor.fetchone()
        head = TenantHead(*row) if row else None
        if state.is_sqlite:
            if len(state.memo) >= MEMO_LIMIT:
                state.memo.clear()
            state.memo[username] = head
        return head

    def _state(self) -> _ThreadState | None:
        state = getattr(self._local, "state", None)
        # A forked worker must not share its parent's connection.
        if state is None or state.pid != os.getpid():
            engine = self._engine_getter()
            state = self._local.state = _ThreadState.open(engine)
            with self._lock:
                if not self._listening:
                    event.listen(engine, "engine_disposed", self.close_all)
                    self._listening = True
                self._opened.append(state)
        return state if state.usable else None


def pooled_tenant_head(username: str, engine) -> TenantHead | None:
    """The same lookup on a pooled connection, for a thread without its own (an in-memory database, a broken
    private connection)."""
    placeholder = PLACEHOLDERS[engine.dialect.paramstyle]
    driver_error = engine.dialect.loaded_dbapi.Error
    try:
        connection = engine.raw_connection()
        try:
            cursor = connection.cursor()
            parameters = {"username": username} if placeholder == ":username" else (username,)
            cursor.execute(TENANT_HEAD_SQL.format(placeholder), parameters)
            row = cursor.fetchone()
            cursor.close()
        finally:
            # Back to the pool, which rolls back whatever transaction the driver opened.
            connection.close()
    except driver_error as error:
        # The driver's own error, as SQLAlchemy would have wrapped it: errors.py answers a database that cannot
        # answer now (stopped, restarting, locked) with 503, whichever way the request reached it.
        raise DBAPIError.instance(TENANT_HEAD_SQL, None, error, driver_error) from error
    return TenantHead(*row) if row else None


class _ThreadState:
    def __init__(self, connection, dialect_name: str, paramstyle: str, usable: bool = True) -> None:
        self.pid = os.getpid()
        self.usable = usable
        self.connection = connection
        self.is_sqlite = dialect_name == "sqlite"
        self.cursor = connection.cursor() if usable else None
        self.version = None
        self.memo: dict[str, TenantHead | None] = {}
        placeholder = PLACEHOLDERS[paramstyle]
        self.sql = TENANT_HEAD_SQL.format(placeholder)
        self._named = placeholder == ":username"

    def close(self) -> None:
        if self.connection is not None and self.pid == os.getpid():
            try:
                self.connection.close()
            except Exception:  # noqa: BLE001 - closing a connection that is already gone
                pass

    def parameters(self, username: str):
        return {"username": username} if self._named else (username,)

    @classmethod
    def open(cls, engine) -> _ThreadState:
        dialect = engine.dialect
        if dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:"):
            # An in-memory database exists only on the pool's own connection.
            return cls(None, dialect.name, dialect.paramstyle, usable=False)
        pooled = engine.raw_connection()
        connection = pooled.driver_connection
        pooled.detach()
        connection.rollback()
        if dialect.name == "sqlite":
            connection.isolation_level = None
        else:
            connection.autocommit = True
        return cls(connection, dialect.name, dialect.paramstyle)
