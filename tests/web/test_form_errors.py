"""A form sent with several mistakes shows every one at once: each beside its field (aria-invalid, described by
its message) and all of them in a summary at the top that links to the fields."""

import re

from support import post_form


def test_every_mistake_of_the_profile_form_is_shown_at_once(logged_in):
    response = post_form(logged_in, "/dashboard/profile", {
        "display_name": "x" * 500, "avatar": "javascript:alert(1)", "link_orcid": "0000-0002-1825-0098",
        "link_email": "not-an-email", "link_github": "alice"})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    summary = html[html.index('class="error-summary"'):html.index("</div>", html.index('class="error-summary"'))]
    assert "There are 4 problems" in summary
    linked = re.findall(r'<a href="#([\w-]+)">', summary)
    assert sorted(linked) == ["avatar", "display_name", "link_email", "link_orcid"]
    for field in linked:
        tag = re.search(rf'<(?:input|textarea)[^>]*\bid="{field}"[^>]*>', html).group(0)
        assert 'aria-invalid="true"' in tag and f"{field}-error" in tag
        assert f'id="{field}-error"' in html


def test_a_form_with_one_mistake_says_so_and_keeps_what_was_typed(logged_in):
    response = post_form(logged_in, "/dashboard/profile", {"display_name": "Alice", "link_email": "nope"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and "There is a problem" in html and 'value="Alice"' in html
