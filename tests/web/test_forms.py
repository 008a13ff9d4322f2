"""Every form takes a file only in a field made for files: a file posted under a text field's name is left out, so
the form answers as for a missing field (it reached the field's validators, which failed with a 500)."""

from __future__ import annotations

import io

from flask_wtf import FlaskForm

from profilehost.extensions import db
from profilehost.forms import AppForm
from support import csrf_token_from


def every_subclass(kind: type) -> set[type]:
    found = set()
    for subclass in kind.__subclasses__():
        found |= {subclass, *every_subclass(subclass)}
    return found


def test_every_form_of_the_app_is_an_app_form(app):
    ours = {form for form in every_subclass(FlaskForm) if form.__module__.startswith("profilehost.")}
    assert ours and {form for form in ours if not issubclass(form, AppForm)} == set()


def test_a_file_posted_as_the_profiles_text_fields_is_left_out_as_if_they_were_sent_empty(logged_in):
    token = csrf_token_from(logged_in.get("/dashboard/profile").get_data(as_text=True))
    response = logged_in.post("/dashboard/profile", content_type="multipart/form-data", data={
        "csrf_token": token, "display_name": (io.BytesIO(b"Alice"), "name.txt"),
        "avatar": (io.BytesIO(b"\x89PNG"), "me.png")})
    assert response.status_code == 302  # both fields are optional: saved as empty, nothing of the files kept
    db.session.expire_all()
    profile = logged_in.user.profile
    assert profile.avatar == "" and "name.txt" not in profile.display_name and "Alice" != profile.display_name
