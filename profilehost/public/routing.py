"""The first segment of a public URL names a tenant, never a path the app keeps for itself."""

from __future__ import annotations

import re

from werkzeug.routing import BaseConverter

from ..services.accounts import RESERVED_USERNAMES

_RESERVED = "|".join(re.escape(name) for name in sorted(RESERVED_USERNAMES))


class TenantNameConverter(BaseConverter):
    """Letters, digits and hyphens, in any case (the view redirects to the lowercase name), never a reserved name.

    Reserved names are refused by the pattern itself rather than in to_python: Werkzeug gathers a 405's
    allowed methods from every rule whose pattern matches, so `/api/v1/...` must not look like a tenant's page
    or its `Allow` would offer the public view's GET."""

    regex = rf"(?!(?i:{_RESERVED})$)[A-Za-z0-9][A-Za-z0-9-]{{0,30}}[A-Za-z0-9]"
