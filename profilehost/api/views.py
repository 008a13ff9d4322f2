"""Publish from scripts and CI: pages, files and site files of the token's owner."""

from __future__ import annotations

from importlib import resources

from flask import Response, current_app, g, jsonify, request

from ..extensions import limiter
from ..limits import publish_limit
from ..publishing import PublishError
from ..publishing.meta import CONTROL_CHARACTERS
from ..services import assets, bibliography, pages, site_files, tokens
from ..services.pages import EditConflict
from . import api

RATE = "120 per minute"



def _token_key() -> str:
    return "api:" + request.headers.get("Authorization", request.remote_addr or "")[-32:]


def error(status: int, title: str, message: str):
    return jsonify(error=title, message=message), status


@api.before_request
def authenticate():
    if request.endpoint == "api.openapi":
        return None
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    user = tokens.user_for_token(secret.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        response = error(401, "Unauthorized", "Send a valid API token: 'Authorization: Bearer ph_...'. "
                                              "Create one under Dashboard > API tokens.")
        return response[0], 401, {"WWW-Authenticate": 'Bearer realm="profilehost"'}
    g.api_user = user
    return None


@api.get("/openapi.json")
def openapi():
    document = resources.files("profilehost.api").joinpath("openapi.json").read_text()
    return Response(document, mimetype="application/json")


def _page_json(page) -> dict:
    return {"permalink": page.permalink, "title": page.title, "published": page.published,
            "moderated": page.moderation_reason is not None, "revision": page.current_revision,
            "url": pages.public_url(g.api_user, page.permalink), "updated_at": page.updated_at.isoformat()}


@api.get("/pages")
@limiter.limit(RATE, key_func=_token_key)
def list_pages():
    return jsonify(pages=[_page_json(page) for page in pages.list_pages(g.api_user)])


def _permalink(path: str) -> str:
    return "/" if path.strip("/") == "index" else "/" + path.strip("/") + "/"


@api.put("/pages/<path:path>")
@limiter.limit(RATE, key_func=_token_key)
@publish_limit
def put_page(path: str):
    permalink = _permalink(path)
    # The name is the page's own (pages.file_name), or made from the address: a control character there is the
    # address's fault, and its check (with expected_permalink) says so; no database is asked about such an address.
    page = None if CONTROL_CHARACTERS.search(permalink) else pages.find_page(g.api_user, permalink)
    filename = pages.file_name(page, address=permalink)
    return _publish(CONTROL_CHARACTERS.sub("", filename), expected_permalink=permalink)


@api.post("/pages")
@limiter.limit(RATE, key_func=_token_key)
@publish_limit
def post_page():
    """Publish a file wherever its front matter (or, without one, its file name) puts it."""
    filename = request.args.get("filename", "").strip() or "page.md"
    return _publish(filename.rsplit("/", 1)[-1])


def _publish(filename: str, expected_permalink: str | None = None):
    try:
        raw = request.get_data()
        outcome = (pages.put_page(g.api_user, raw, filename, expected_permalink) if expected_permalink
                   else pages.publish_upload(g.api_user, raw, filename))
    except PublishError as refused:
        return error(422, "Refused", refused.message)
    except EditConflict as changed:
        return error(409, "Conflict", str(changed))
    status = 201 if outcome.created else 200
    return jsonify(page=_page_json(outcome.page), unchanged=outcome.unchanged, notices=outcome.notices), status


@api.delete("/pages/<path:path>")
@limiter.limit(RATE, key_func=_token_key)
@publish_limit
def delete_page(path: str):
    page = pages.find_page(g.api_user, _permalink(path))
    if page is None or page.deleted_at is not None:
        return error(404, "Not found", f"You have no page at {_permalink(path)}.")
    try:
        pages.delete_page(g.api_user, page)
    except PublishError as refused:  # a page that lists this one could not be rendered without it
        return error(422, "Refused", refused.message)
    return "", 204


@api.put("/files/<name>")
@limiter.limit(RATE, key_func=_token_key)
@publish_limit
def put_file(name: str):
    existed = assets.find_asset(g.api_user, name) is not None
    try:
        stored = assets.store_assets(g.api_user, [(name, request.get_data())], current_app.config["ASSET_QUOTA_BYTES"])
    except assets.AssetError as refused:
        return error(422, "Refused", refused.message)
    asset = stored[0]
    return jsonify(file={"name": asset.name, "content_type": asset.content_type, "size": asset.size,
                         "url": assets.asset_url(g.api_user, asset)}), 200 if existed else 201


@api.get("/site-files")
@limiter.limit(RATE, key_func=_token_key)
def list_site_files():
    return jsonify(site_files=[{"path": found.path, "size": found.size, "versions": found.versions,
                                "changed_at": found.changed_at.isoformat()}
                               for found in site_files.list_site_files(g.api_user)])


def _no_site_file(path: str):
    return error(404, "Not found", f"You have no site file {path}.")


@api.get("/site-files/<path:file_path>")
@limiter.limit(RATE, key_func=_token_key)
def get_site_file(file_path: str):
    current = site_files.current_version(g.api_user, file_path)
    if current is None:
        return _no_site_file(file_path)
    return Response(current.source, content_type=site_files.media_type(file_path))


@api.put("/site-files/<path:file_path>")
@limiter.limit(RATE, key_func=_token_key)
@publish_limit
def put_site_file(file_path: str):
    try:
        saved = site_files.save_site_file(g.api_user, file_path, request.get_data())
    except PublishError as refused:
        return error(422, "Refused", refused.message)
    return jsonify(_saved_json(saved))


@api.delete("/site-files/<path:file_path>")
@limiter.limit(RATE, key_func=_token_key)
@publish_limit
def delete_site_file(file_path: str):
    try:
        saved = site_files.delete_site_file(g.api_user, file_path)
    except LookupError:
        return _no_site_file(file_path)
    except PublishError as refused:
        return error(422, "Refused", refused.message)
    return jsonify(_saved_json(saved))


def _saved_json(saved: site_files.SiteFileSaved) -> dict:
    return {"path": saved.path, "version": saved.version, "unchanged": saved.unchanged,
            "rerendered": saved.rerendered, "notices": saved.notices}


@api.get("/bibliography")
@limiter.limit(RATE, key_func=_token_key)
def get_bibliography():
    current = bibliography.current_version(g.api_user)
    if current is None or current.source is None:
        return error(404, "Not found", "You have no bibliography. PUT a .bib to /api/v1/bibliography.")
    return Response(current.source, content_type="application/x-bibtex; charset=utf-8")


@api.put("/bibliography")
@limiter.limit(RATE, key_func=_token_key)
@publish_limit
def put_bibliography():
    try:
        saved = bibliography.save_bibliography(g.api_user, request.get_data(),
                                               source_name=request.args.get("filename", "").strip()[:255]
                                               or "bibliography.bib")
    except PublishError as refused:
        return error(422, "Refused", refused.message)
    return jsonify(version=saved.version, entries=saved.entries, unchanged=saved.unchanged, notices=saved.notices,
                   incomplete=[{"key": key, "missing": list(missing)} for key, missing in saved.missing],
                   rerendered=saved.rerendered)
