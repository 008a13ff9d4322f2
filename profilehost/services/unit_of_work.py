"""The one place a service decides when its writes commit: `with unit_of_work(): ...`.

Each action that writes (store assets, update the profile, write a page) is one function that runs in a unit of
work, so called alone it commits when it succeeds and leaves nothing behind when it fails. An import runs many of
those same functions inside its own unit: the inner units neither commit nor roll back, and the outermost one
commits everything or nothing. Its depth lives on the session (`session.info`), so it is per request, job and
thread, never global.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session, scoped_session

from ..extensions import db

DEPTH = "profilehost.unit_of_work.depth"
FAILED_INSIDE = "profilehost.unit_of_work.failed_inside"
COMMITTING = "profilehost.unit_of_work.committing"
AnySession = Session | scoped_session[Any]


class UnitOfWorkError(RuntimeError):
    """A unit of work was misused: a commit inside one, or an inner unit's error caught and the work carried on."""


@contextmanager
def unit_of_work(session: AnySession | None = None) -> Iterator[None]:
    """Commit at the end of the outermost unit when its block succeeds; roll back (and re-raise) on any error.

    An inner unit leaves both to the outer one. An inner unit that failed has left its writes half done, so the
    outer unit rolls back even when its block caught that error: everything or nothing, never the half."""
    session = db.session if session is None else session
    info = session.info
    depth = info.get(DEPTH, 0)
    info[DEPTH] = depth + 1
    try:
        yield
        if depth == 0:
            _commit(session)
    except BaseException:
        if depth == 0:
            session.rollback()
        else:
            info[FAILED_INSIDE] = True
        raise
    finally:
        info[DEPTH] = depth
        if depth == 0:
            info.pop(FAILED_INSIDE, None)


def in_unit_of_work(session: AnySession | None = None) -> bool:
    """Whether a unit of work is open on the session: its caller decides when the transaction ends."""
    return (db.session if session is None else session).info.get(DEPTH, 0) > 0


def _commit(session: AnySession) -> None:
    if session.info.get(FAILED_INSIDE):
        raise UnitOfWorkError("An inner unit of work failed and its error was caught; nothing was written, since "
                              "committing would have written the failed unit's half.")
    session.info[COMMITTING] = True
    try:
        session.commit()
    finally:
        session.info.pop(COMMITTING, None)


@event.listens_for(Session, "before_commit")
def _refuse_a_commit_inside_a_unit(session: Session) -> None:
    # A commit inside a unit would write the outer unit's work before it is whole (an import's pages without its
    # assets): the outermost unit commits, nothing else.
    if session.info.get(DEPTH, 0) > 0 and not session.info.get(COMMITTING):
        raise UnitOfWorkError("db.session.commit() inside a unit of work: the outermost unit commits.")
