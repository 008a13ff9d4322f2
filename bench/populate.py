"""Fill a database with N tenants x 5 pages fast: each page shape goes through the real pipeline once, then rows
are bulk-inserted with the tenant's name and paths put in."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import func, insert, inspect, select

from profilehost import create_app
from profilehost.extensions import db
from profilehost.models import Page, Profile, Redirect, Revision, User, utcnow
from profilehost.publishing import publish_source
from profilehost.services.accounts import hash_password
from sitegen import SECONDARY, profile_page, secondary_page

PASSWORD = "benchmark password"
VARIANTS = 20
BATCH = 2000
PLACEHOLDER_BASE = "/tenant-placeholder"
PLACEHOLDER_NAME = "Placeholder Name"


def bench_app(database_url: str, instance: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": instance,
                       "SECRET_KEY": "benchmark-only-secret"})


def prepare_schema(app, reset: bool) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        tables = inspect(db.engine).get_table_names()
        if "users" in tables and not reset:
            raise SystemExit("The benchmark database has tables already; pass --reset to empty it first.")
        if reset:
            db.drop_all()
            with db.engine.begin() as connection:
                connection.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
        upgrade()


def _variants() -> list[list]:
    shapes = []
    for seed in range(VARIANTS):
        rendered = [publish_source(profile_page(seed, PLACEHOLDER_NAME), filename="about.md",
                                   tenant_base=PLACEHOLDER_BASE)]
        rendered += [publish_source(secondary_page(seed, slug, order + 2), filename=f"{slug}.md",
                                    tenant_base=PLACEHOLDER_BASE) for order, slug in enumerate(SECONDARY)]
        shapes.append(rendered)
    return shapes


def tenant_count(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count(User.id)))


def populate(app, total: int, pages_per_tenant: int = 5) -> None:
    """Add tenants r00000.. until there are `total`."""
    shapes = _variants()
    password_hash = hash_password(PASSWORD)
    now = utcnow()
    with app.app_context():
        start = db.session.scalar(select(func.count(User.id)))
        next_page = (db.session.scalar(select(func.max(Page.id))) or 0) + 1
        for batch_start in range(start, total, BATCH):
            rows: dict[str, list] = {"users": [], "profiles": [], "pages": [], "revisions": [], "redirects": []}
            for index in range(batch_start, min(batch_start + BATCH, total)):
                next_page = _tenant_rows(rows, index, shapes[index % VARIANTS][:pages_per_tenant], password_hash,
                                         now, next_page)
            for model, key in ((User, "users"), (Profile, "profiles"), (Page, "pages"), (Revision, "revisions"),
                               (Redirect, "redirects")):
                if rows[key]:
                    db.session.execute(insert(model), rows[key])
            db.session.commit()
        if db.engine.dialect.name == "postgresql":
            for table in ("users", "pages", "revisions", "redirects"):
                db.session.execute(db.text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"))
            db.session.commit()


def _tenant_rows(rows: dict, index: int, rendered: list, password_hash: str, now, next_page: int) -> int:
    user_id = index + 1
    username = f"r{index:05d}"
    name = f"Researcher {index}"
    rows["users"].append({"id": user_id, "username": username, "email": f"{username}@example.org",
                          "password_hash": password_hash, "role": "user", "state": "active",
                          "session_token": f"{index:032d}", "created_at": now, "site_version": 1,
                          "email_verified_at": now})
    rows["profiles"].append({"user_id": user_id, "display_name": name, "pronouns": "", "employer": "University "
                             "of Examples", "bio": "Researcher in language technology.", "location": "Exampleton",
                             "avatar": "", "links": {"github": "https://github.com/example"}, "updated_at": now})
    for page in rendered:
        page_id = next_page
        next_page += 1
        body = page.body_html.replace(PLACEHOLDER_BASE, f"/{username}").replace(PLACEHOLDER_NAME, str(escape(name)))
        title = page.meta.title.replace(PLACEHOLDER_NAME, name)
        rows["pages"].append({"id": page_id, "user_id": user_id, "permalink": page.meta.permalink, "title": title,
                              "published": True, "nav_order": page.meta.nav_order, "nav_title": None,
                              "current_revision": 1, "updated_at": now})
        rows["revisions"].append({"id": page_id, "page_id": page_id, "number": 1, "source": page.source_text.encode(),
                                  "content_hash": f"{page_id:064d}", "front_matter": page.front_matter,
                                  "title": title, "description": page.meta.description,
                                  "author_profile": page.meta.author_profile, "body_html": body, "notices": [],
                                  "author_id": user_id, "created_at": now})
        for path in page.meta.redirect_from:
            rows["redirects"].append({"user_id": user_id, "path": path, "page_id": page_id})
    return next_page
