"""A tenant's `site_version`: the one number the public page cache and ETags are validated by.

It is bumped by the database (`site_version = site_version + 1`), never computed in Python, and by the session
itself whenever a row a public page shows is added, changed or deleted, so no writer can forget it and two
concurrent writers can never both write the same number (a worker that rendered between them would then keep
serving the first writer's page until the tenant's next change). One bump per tenant per transaction: nothing a
transaction writes is visible before its commit, so one new number covers all of it. The bump also locks the
tenant's row until the commit (PostgreSQL's row lock; SQLite's writer lock), which is what lets `claim` check that
nothing changed the site since a rendering read it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy import event, inspect, select, update
from sqlalchemy.orm import Session, scoped_session
from sqlalchemy.sql import operators, visitors
from sqlalchemy.sql.elements import BinaryExpression, BindParameter

from ..models import (
    Asset,
    BibliographySettings,
    BibliographyVersion,
    Page,
    Profile,
    Redirect,
    Revision,
    SiteFile,
    User,
)
from .unit_of_work import UnitOfWorkError, in_unit_of_work, unit_of_work

# The columns of `users` a public page shows: its address, whether it is served, and what its 410 says.
PUBLIC_USER_FIELDS = ("username", "state", "state_reason", "deleted_at", "email_verified_at")
# Every model a public page shows, so that no writer can forget to invalidate the pages (the bibliography too).
OWNED_BY_TENANT = (Page, Redirect, Asset, SiteFile, Profile, BibliographyVersion, BibliographySettings)
WATCHED_TABLES = {model.__table__.name for model in (*OWNED_BY_TENANT, Revision, User)}
BUMPED = "profilehost.site_versions.bumped"
USERS = User.__table__
# Flask-SQLAlchemy's db.session is a scoped session; jobs and tests may pass a plain one.
AnySession = Session | scoped_session[Any]


class UnversionedWrite(RuntimeError):
    """A bulk statement changes what public pages show, but its tenant cannot be read from it."""


def claim(session: AnySession, tenant_id: int) -> int:
    """Bump the tenant's version now, in the session's transaction, and return the new number.

    Called first in a write transaction, it locks the tenant until the commit: the number returned is the one read
    while rendering plus one exactly when nothing changed the site in between."""
    session.info.setdefault(BUMPED, set()).discard(tenant_id)
    _bump(session, {tenant_id})
    return current(session, tenant_id)


def current(session: AnySession, tenant_id: int) -> int:
    return session.connection().execute(select(USERS.c.site_version).where(USERS.c.id == tenant_id)).scalar_one()


# How often a change renders before its write; the last time it renders inside the write, the tenant locked.
RENDER_ATTEMPTS = 3
Rendering = TypeVar("Rendering")
Written = TypeVar("Written")


def write_after_rendering(session: AnySession, tenant_id: int, render: Callable[[], Rendering],
                          write: Callable[[Rendering | None], Written], *,
                          attempts: int = RENDER_ATTEMPTS) -> Written:
    """Render with no transaction open, then write in one short transaction: the one rule for every change that
    renders pages (a database's idle-in-transaction or statement timeout would otherwise end it).

    `render()` reads what it needs and ends that read transaction (session.rollback()) before the pipeline runs;
    it sees the site at the version read just before it. `write(rendering)` runs in the write transaction, which
    claims the tenant's version first: when the site changed since that version, the rendering is stale and is
    made again. The last attempt calls `write(None)`, which renders inside the write with the tenant locked, so a
    burst of changes makes a change slower, never refused. `write` runs in a unit of work, the outermost: what it
    writes (through the services' own functions, each a unit of work) commits together, or none of it.
    """
    if in_unit_of_work(session):
        raise UnitOfWorkError("write_after_rendering ends transactions while it renders: it must be the outermost "
                              "unit of work, never inside one.")
    for attempt in range(1, attempts + 1):
        last = attempt == attempts
        version, rendering = 0, None
        if not last:
            version = current(session, tenant_id)
            rendering = render()
            session.rollback()  # a render that read nothing more still ends the version's read
        try:
            with unit_of_work(session):
                claimed = claim(session, tenant_id)
                if not last and claimed != version + 1:
                    raise _ChangedWhileRendering
                return write(rendering)
        except _ChangedWhileRendering:
            continue  # rolled back: render again
    raise AssertionError("the last attempt always writes or raises")


class _ChangedWhileRendering(Exception):
    """The site changed between the rendering's read and the write's claim: the rendering is stale."""


def _bump(session: AnySession, tenant_ids: Iterable[int]) -> None:
    bumped = session.info.setdefault(BUMPED, set())
    due = sorted(set(tenant_ids) - bumped - {None})
    if not due:
        return
    session.connection().execute(update(USERS).where(USERS.c.id.in_(due))
                                 .values(site_version=USERS.c.site_version + 1))
    bumped.update(due)
    for tenant_id in due:
        tenant = session.identity_map.get(session.identity_key(User, tenant_id))
        if tenant is not None:
            # The number in memory is stale now; a Python-side bump pending on it must not overwrite ours.
            session.expire(tenant, ["site_version"])


def _tenants_of_flush(session: Session) -> set[int]:
    tenants = set()
    for instance in (*session.new, *session.deleted):
        tenants.add(_tenant_of(session, instance))
    for instance in session.dirty:
        if isinstance(instance, User):
            if any(_changed(instance, name) for name in PUBLIC_USER_FIELDS):
                tenants.add(instance.id)
        elif session.is_modified(instance, include_collections=False):
            tenants.add(_tenant_of(session, instance))
    return {tenant for tenant in tenants if tenant is not None}


def _changed(instance, name: str) -> bool:
    return inspect(instance).attrs[name].history.has_changes()


def _tenant_of(session: Session, instance) -> int | None:
    if isinstance(instance, OWNED_BY_TENANT):
        owner = getattr(instance, "user", None)
        return instance.user_id if instance.user_id is not None else getattr(owner, "id", None)
    if isinstance(instance, Revision):
        page = instance.page if instance.page is not None else session.get(Page, instance.page_id)
        return None if page is None else _tenant_of(session, page)
    return None  # a new account needs no bump; other models are not shown on public pages


@event.listens_for(Session, "before_flush")
def _bump_before_flush(session: Session, _context, _instances) -> None:
    with session.no_autoflush:
        tenants = _tenants_of_flush(session)
    _bump(session, tenants)


@event.listens_for(Session, "after_transaction_end")
def _forget_bumps(session: Session, transaction) -> None:
    # A savepoint rolled back may have undone a bump: the next write bumps again rather than trusting it. (A flush
    # runs in a subtransaction of its own, which ends nothing.)
    if transaction.parent is None or transaction.nested:
        session.info.pop(BUMPED, None)


@event.listens_for(Session, "do_orm_execute")
def _bump_before_bulk_write(state) -> None:
    """A bulk INSERT/UPDATE/DELETE bypasses the flush: its tenants are read from its values or its WHERE."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = state.statement.table.name  # an ORM statement's table is an annotated copy: compared by name
    if table not in WATCHED_TABLES or (table == USERS.name and not state.is_update):
        return  # a deleted account's version is never read again
    tenant_ids = _tenants_of_bulk_write(state)
    if not tenant_ids:
        raise UnversionedWrite(f"A bulk write to {table} must name its tenant (user_id in its values or "
                               f"'user_id == ...' in its WHERE) so its public pages are invalidated.")
    _bump(state.session, tenant_ids)


def _tenants_of_bulk_write(state) -> set[int]:
    if state.is_insert:
        rows = state.parameters if isinstance(state.parameters, list) else [state.parameters or {}]
        values = {column.key: bind.value for column, bind in (state.statement._values or {}).items()
                  if isinstance(bind, BindParameter)}
        if state.statement.table.name == Revision.__table__.name:  # a revision names its page, the page its tenant
            page_ids = {row.get("page_id", values.get("page_id")) for row in rows} - {None}
            return set(state.session.connection().scalars(
                select(Page.__table__.c.user_id).where(Page.__table__.c.id.in_(page_ids)))) if page_ids else set()
        return {tenant for row in rows if (tenant := row.get("user_id", values.get("user_id"))) is not None}
    key = "id" if state.statement.table.name == USERS.name else "user_id"
    found: set = set()  # of the bound values, ids
    for clause in visitors.iterate(state.statement.whereclause) if state.statement.whereclause is not None else ():
        if (isinstance(clause, BinaryExpression) and getattr(clause.left, "key", None) == key
                and isinstance(clause.right, BindParameter)):
            if clause.operator is operators.eq:
                found.add(clause.right.effective_value)
            elif clause.operator is operators.in_op:
                found.update(clause.right.effective_value or ())
    return found
