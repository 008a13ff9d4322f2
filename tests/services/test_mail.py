"""Outgoing mail without HTTP: the SMTP setting read from the environment, the instance-folder mail of a site
without a server, and links that cannot pass for one another."""

from __future__ import annotations

from email import message_from_bytes, policy

import pytest
from sqlalchemy import select

from profilehost import config
from profilehost.extensions import db
from profilehost.mail import delivery, tokens
from profilehost.mail.backend import mail_folder
from profilehost.mail.models import OutboxMessage
from profilehost.mail.outbox import queue_mail


@pytest.mark.parametrize(("url", "expected"), [
    ("smtp://mail.example.org", {"MAIL_SERVER": "mail.example.org", "MAIL_PORT": 25, "MAIL_USE_TLS": False,
                                 "MAIL_USE_SSL": False, "MAIL_USERNAME": None}),
    ("smtp://ann:p%40ss@mail.example.org:587?starttls=true",
     {"MAIL_PORT": 587, "MAIL_USE_TLS": True, "MAIL_USERNAME": "ann", "MAIL_PASSWORD": "p@ss"}),
    ("smtps://ann:secret@mail.example.org", {"MAIL_PORT": 465, "MAIL_USE_SSL": True, "MAIL_USE_TLS": False}),
])
def test_the_smtp_url_sets_the_mail_server(url, expected):
    settings = config.read_settings({"PROFILEHOST_SMTP_URL": url})
    assert settings["MAIL_BACKEND"] == "smtp"
    assert {key: settings[key] for key in expected} == expected


@pytest.mark.parametrize(("environ", "says"), [
    ({"PROFILEHOST_SMTP_URL": "http://mail.example.org"}, "is not an SMTP server address"),
    ({"PROFILEHOST_SMTP_URL": "smtp://mail.example.org?tls=1"}, "unknown option 'tls'"),
    ({"PROFILEHOST_SMTP_URL": "smtps://mail.example.org?starttls=true"}, "starttls does not apply"),
    ({"PROFILEHOST_SMTP_URL": "smtp://mail.example.org:port"}, "is not an SMTP server address"),
    ({"PROFILEHOST_MAIL_FROM": "profilehost"}, "has no address"),
    ({"PROFILEHOST_SMTP_TIMEOUT": "0"}, "SMTP_TIMEOUT must be at least 1"),
    ({"PROFILEHOST_EMAIL_VERIFICATION": "maybe"}, "is not a boolean"),
])
def test_a_bad_mail_setting_is_refused_at_start_naming_it(environ, says):
    with pytest.raises(config.ConfigError, match=says):
        config.read_settings(environ)


def test_without_a_server_mail_goes_to_the_instance_folder(app):
    assert app.config["MAIL_BACKEND"] == config.INSTANCE_FOLDER_MAIL
    message = queue_mail("report_closed", "reporter@example.org", report_id=7, reported_url="/alice/",
                         outcome="We removed it.", resolved=True)
    db.session.commit()  # JOBS_IMMEDIATE: sent in the commit

    files = sorted(mail_folder().glob(f"*-{message.id}.eml"))
    assert len(files) == 1
    written = message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert written["To"] == "reporter@example.org" and written["Subject"] == "Your report #7 is closed"
    assert "We removed it." in written.get_body(preferencelist=("plain",)).get_content()
    assert "<blockquote>We removed it.</blockquote>" in written.get_body(preferencelist=("html",)).get_content()


def test_a_message_is_sent_once(app):
    message = queue_mail("report_closed", "reporter@example.org", report_id=7, reported_url="/a/", outcome="x",
                         resolved=False)
    db.session.commit()
    assert delivery.deliver(message.id) is False  # sent in the commit already
    assert db.session.scalar(select(OutboxMessage.attempts)) == 1


def test_html_in_what_a_tenant_or_reporter_wrote_is_escaped_in_the_html_part(app):
    message = queue_mail("report_closed", "r@example.org", report_id=1, reported_url="/a/",
                         outcome="<img src=https://evil.example/t.png>", resolved=True)
    assert "<img" not in message.html_body and "&lt;img" in message.html_body


def test_a_link_of_one_kind_is_not_accepted_as_another(app):
    confirm = tokens.confirm_email_token("alice", "a@example.org")
    with pytest.raises(tokens.LinkInvalid):
        tokens.read_password_reset_token(confirm)
    with pytest.raises(tokens.LinkInvalid):
        tokens.read_unsubscribe_token(confirm)


def test_mailed_links_start_with_the_configured_address():
    from profilehost.mail.links import LOCAL_BASE_URL, base_url

    assert base_url({"SERVER_NAMES": ("profiles.example.org", "www.example.org"), "HTTPS": True}) == \
        "https://profiles.example.org"
    assert base_url({"SERVER_NAMES": ("profiles.example.org",), "BASE_URL": "https://Other.example:8443/"}) == \
        "https://other.example:8443"
    assert base_url({"MAIL_BACKEND": config.INSTANCE_FOLDER_MAIL}) == LOCAL_BASE_URL
    with pytest.raises(config.ConfigError, match="PROFILEHOST_SERVER_NAME"):
        base_url({"MAIL_BACKEND": "smtp"})


def test_the_base_url_is_read_from_the_environment():
    settings = config.read_settings({"PROFILEHOST_BASE_URL": " https://profiles.example.org "})
    assert settings["BASE_URL"] == "https://profiles.example.org"
