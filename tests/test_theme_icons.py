"""The theme's icon sprite is made at its first request, not when an app is made: making an app reads no files."""

from __future__ import annotations

from profilehost import theme_assets


def test_making_an_app_builds_no_sprite(make_app, monkeypatch):
    def refuse():
        raise AssertionError("the sprite was built while the app was made")

    theme_assets._sprite_and_etag.cache_clear()
    monkeypatch.setattr(theme_assets, "build_sprite", refuse)
    make_app()


def test_the_sprite_is_served_and_revalidated(client):
    theme_assets._sprite_and_etag.cache_clear()
    response = client.get(theme_assets.SPRITE_URL)
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert b'<symbol id="github"' in response.data
    again = client.get(theme_assets.SPRITE_URL, headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304
