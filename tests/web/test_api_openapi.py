"""The running API answers as its OpenAPI document says: schemathesis generates requests for every operation
from profilehost/api/openapi.json and checks each real HTTP answer (status codes, headers, content types and
bodies against the response schemas, 405s for undocumented methods, authentication enforced)."""

from __future__ import annotations

import threading
from importlib import resources

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance
from werkzeug.serving import make_server

from factories import PNG, page_source, publish
from profilehost.services import assets, tokens

schema = schemathesis.openapi.from_path(str(resources.files("profilehost.api").joinpath("openapi.json")))


@pytest.fixture
def live_api(make_app, make_user):
    """The app on a real socket, a tenant with pages and a file, and that tenant's token."""
    user = make_user("alice")
    publish(user, page_source("About", "/"))
    publish(user, page_source("Talks", "/talks/"))
    assets.store_assets(user, [("me.png", PNG)], 10 * 1024 * 1024)
    secret = tokens.create_token(user, "schemathesis")[1]
    server = make_server("127.0.0.1", 0, make_app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/api/v1", {"Authorization": f"Bearer {secret}"}
    server.shutdown()
    thread.join(timeout=10)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck))
def test_the_api_conforms_to_its_openapi_document(case, live_api, app):
    base_url, authorization = live_api
    case.call_and_validate(base_url=base_url, headers=authorization, excluded_checks=_checks_it_cannot_hold(case))


def _checks_it_cannot_hold(case) -> list:
    # A text body has no invalid form a schema can describe (any text is a page, or a 422 naming the line),
    # so a "negative" body is just another page; the other checks still hold every answer to the document.
    excluded = [negative_data_rejection]
    if case.operation.path.startswith("/files/"):
        # Which bytes are a PNG, a JPEG or a PDF is beyond a schema: random bytes are rightly refused.
        excluded.append(positive_data_acceptance)
    if (case.operation.path.startswith("/site-files/") or case.operation.path == "/bibliography") \
            and case.method.upper() == "PUT":
        # Which text is YAML that parses (or a navigation.yml with a main: list), or BibTeX without a malformed
        # entry, is beyond a schema too.
        excluded.append(positive_data_acceptance)
    return excluded
