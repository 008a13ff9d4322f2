"""Caddy's on-demand TLS asks here before it gets a certificate for a name a client asked it for (the `ask` of
deploy/Caddyfile): 200 for a verified domain of an account whose pages are up, 404 for any other name, so that
nobody can make the proxy request certificates for names of their choosing."""

from __future__ import annotations

from flask import Blueprint, Response, request

from ..config import host_name
from ..extensions import csrf, limiter
from .service import is_servable

caddy = Blueprint("caddy", __name__)


@caddy.route("/caddy/ask")
@limiter.exempt
@csrf.exempt
def ask() -> Response:
    name = host_name(request.args.get("domain", ""))
    allowed = name is not None and ":" not in name and is_servable(name)
    return Response("yes\n" if allowed else "no\n", 200 if allowed else 404, mimetype="text/plain",
                    headers={"Cache-Control": "no-store"})
