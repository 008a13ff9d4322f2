"""Where a link in a tenant's page points.

Rules, applied to href and src after sanitizing:
- absolute http(s) and mailto URLs stay as they are; '//host/x' becomes 'https://host/x';
- '#frag' becomes '#user-content-frag' (ids are prefixed so pages cannot clobber the app's DOM);
- root-relative '/x' goes inside the tenant: '{base}/x' (academicpages writes '/files/cv.pdf', '/publications/');
- 'files/x.pdf', 'images/x.png', './x.pdf', '../x.pdf' and bare 'x.pdf' (a file name with an extension) go to
  '{base}/files/...' unless they already name the files/ or images/ folder;
- 'about.md', 'about.html', 'about' and 'about/' are pages: '{base}/about/'.
"""

from __future__ import annotations

import posixpath
import re
from urllib.parse import urlsplit

ID_PREFIX = "user-content-"
PAGE_SUFFIXES = (".md", ".markdown", ".html", ".htm")
HAS_EXTENSION = re.compile(r"\.[A-Za-z0-9]{1,5}$")


def is_external(url: str) -> bool:
    return urlsplit(url).scheme in ("http", "https")


def resolve_url(url: str, tenant_base: str) -> str:
    url = url.strip()
    if not url:
        return url
    if url.startswith("//"):
        return "https:" + url
    if url.startswith("#"):
        return "#" + prefix_id(url[1:])
    if urlsplit(url).scheme:
        return url
    path, sep, rest = _split_suffix(url)
    if path.startswith("/"):
        return url if _inside(path, tenant_base) else tenant_base + url
    return tenant_base + _relative_target(path) + sep + rest


def _split_suffix(url: str) -> tuple[str, str, str]:
    for mark in ("?", "#"):
        if mark in url:
            path, rest = url.split(mark, 1)
            return path, mark, rest
    return url, "", ""


def _inside(path: str, tenant_base: str) -> bool:
    return bool(tenant_base) and (path == tenant_base or path.startswith(tenant_base + "/"))


def _relative_target(path: str) -> str:
    clean = posixpath.normpath("/" + path).lstrip("/")
    if clean in ("", "."):
        return "/"
    if clean.startswith(("files/", "images/")):
        return "/" + clean
    if clean.lower().endswith(PAGE_SUFFIXES):
        stem = clean.rsplit(".", 1)[0]
        return "/" if stem in ("index", "README") else f"/{stem}/"
    if HAS_EXTENSION.search(clean):
        return "/files/" + clean
    return "/" + clean.rstrip("/") + "/"


def prefix_id(value: str) -> str:
    return value if value.startswith(ID_PREFIX) else ID_PREFIX + value


def canonical_path(url: str) -> str:
    """The permalink a path stands for: '/cv', '/cv.html' and '/cv/index.html' are the page '/cv/'; a '#fragment'
    is kept."""
    path, mark, fragment = url.partition("#")
    if path.endswith("/index.html"):
        path = path[: -len("index.html")]
    elif path.endswith(".html"):
        path = path[: -len(".html")] + "/"
    elif not path.endswith("/"):
        path += "/"
    return path + mark + fragment
