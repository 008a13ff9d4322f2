"""Researchers' domains are checked again every few hours, in the worker: a domain whose records were removed or
now point elsewhere stops being served (and Caddy's ask then refuses it a certificate); one fixed since is
served again; a claim still unverified when it expires is removed."""

from __future__ import annotations

from flask import Flask
from huey import Huey, crontab

# Off the hour, so that many sites' timers do not ask their DNS providers at the same minute.
RECHECK = crontab(minute="23", hour="*/3")


def recheck_domains(app: Flask) -> int:
    from ..domains.service import recheck_all

    with app.app_context():
        return recheck_all()


def register_domain_tasks(app: Flask, queue: Huey) -> None:
    @queue.periodic_task(RECHECK, name="recheck_domains")
    def recheck_domains_task() -> None:
        recheck_domains(app)

    app.extensions["profilehost.jobs.recheck_domains"] = recheck_domains_task
