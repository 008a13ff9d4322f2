"""A researcher turns on two-factor sign-in from the QR page (the secret read off the screen, the code computed as an
authenticator app does, and the password), keeps the recovery codes, logs out, and signs in again with password and
code."""

import time

import pyotp
import pytest

from browser_checks import follow, horizontal_overflow, serious_violations
from support import PASSWORD


def log_in_with_password(page) -> None:
    page.goto(page.base + "/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Log in"))


@pytest.mark.parametrize(("width", "height", "scheme"), [(1280, 900, "light"), (360, 740, "dark")])
def test_two_factor_journey(new_page, make_user, axe_source, width, height, scheme):
    make_user("alice")
    page = new_page(width, height, scheme=scheme)
    log_in_with_password(page)
    page.goto(page.base + "/dashboard/account")
    follow(page, page.get_by_role("link", name="Set up two-factor sign-in"))

    qr_code = page.get_by_role("img", name="QR code holding your two-factor secret for alice")
    assert qr_code.evaluate("image => image.complete && image.naturalWidth > 0")  # the CSP lets a data: image in
    assert serious_violations(page, axe_source) == [] and horizontal_overflow(page) <= 0
    totp = pyotp.TOTP(page.locator("[data-two-factor-secret]").inner_text().replace(" ", ""))
    page.get_by_label("Code from your app").fill(totp.now())
    page.get_by_label("Your password").fill(PASSWORD)  # a session alone cannot turn it on
    follow(page, page.get_by_role("button", name="Turn on two-factor sign-in"))

    assert page.get_by_role("heading", name="Save your recovery codes now").is_visible()
    assert page.locator(".recovery-codes li").count() == 10
    assert serious_violations(page, axe_source) == []
    follow(page, page.get_by_role("link", name="I have saved them"))
    assert "Recovery codes left: 10 of 10" in page.content()
    follow(page, page.get_by_role("button", name="Log out"))

    log_in_with_password(page)
    assert page.url.endswith("/login/two-factor")
    assert serious_violations(page, axe_source) == [] and horizontal_overflow(page) <= 0
    # The code that turned it on was used once already; an app shows the next one 30 seconds later.
    page.get_by_label("Code").fill(totp.at(time.time() + 30))
    follow(page, page.get_by_role("button", name="Sign in"))
    assert page.url.endswith("/dashboard/")
    assert page.errors == [] and page.foreign == []
