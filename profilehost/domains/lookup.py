"""Which tenant a verified domain serves: asked by the HostGate for every request to a host that is not one of
the site's own names, before Flask, so on a connection of the pool and without the ORM."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import text

DOMAIN_TENANT_SQL = text(
    "SELECT users.username FROM domains JOIN users ON users.id = domains.user_id "
    "WHERE domains.name = :name AND domains.verified_at IS NOT NULL")


class DomainTenants:
    def __init__(self, engine_getter: Callable) -> None:
        self._engine_getter = engine_getter

    def __call__(self, host: str) -> str | None:
        with self._engine_getter().connect() as connection:
            return connection.scalar(DOMAIN_TENANT_SQL, {"name": host})
