"""The restore windows are promised on screens, in messages and in the command line's help from the constants the
services enforce: a window written out as a number would go on promising it after the constant changed."""

from __future__ import annotations

import re

from profilehost import config
from profilehost.models import ACCOUNT_RESTORE_WINDOW
from profilehost.services.pages import RESTORE_WINDOW

WRITTEN_OUT = re.compile(rf"\b({ACCOUNT_RESTORE_WINDOW.days}|{RESTORE_WINDOW.days}) days\b")


def test_no_template_or_module_writes_a_restore_window_as_a_number():
    sources = [*(config.REPO_ROOT / "templates").rglob("*.html"), *(config.REPO_ROOT / "profilehost").rglob("*.py")]
    written_out = [f"{path.relative_to(config.REPO_ROOT)}: {found.group(0)}" for path in sources
                   for found in WRITTEN_OUT.finditer(path.read_text())]
    assert written_out == []


def test_the_command_lines_help_says_the_account_window(runner):
    days = ACCOUNT_RESTORE_WINDOW.days
    assert f"(within {days} days)" in runner.invoke(args=["user", "restore", "--help"]).output
    assert f"restorable for {days} days" in runner.invoke(args=["user", "delete", "--help"]).output
    assert f"more than {days} days ago" in runner.invoke(args=["purge", "--help"]).output
