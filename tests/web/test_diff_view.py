"""The diff between two revisions reads as a comparison: old beside new, the changed words marked, every line
escaped, and a diff too big to show whole says that it is truncated."""

import re

from factories import page_source, publish
from profilehost.services import uploads
from profilehost.services.uploads import Diff


def diff_of(client, old: str, new: str) -> str:
    page = publish(client.user, page_source("One", "/p/", old)).page
    publish(client.user, page_source("One", "/p/", new))
    return client.get(f"/dashboard/pages/{page.id}/diff?from=1&to=2").get_data(as_text=True)


def test_a_changed_line_stands_beside_its_old_self_with_the_changed_words_marked(logged_in):
    html = diff_of(logged_in, "I study the engine in London.", "I study the analytical engine in Paris.")
    row = re.search(r'<tr class="diff-change">(.*?)</tr>', html, re.S).group(1)
    old, new = re.findall(r'<td class="diff-(?:old|new)">(.*?)</td>', row, re.S)
    assert "<del>London</del>" in old and "<ins>" not in old
    assert "<ins>analytical </ins>" in new and "<ins>Paris</ins>" in new and "<del>" not in new
    assert "I study the " in old and "I study the " in new
    assert '<th scope="col">Revision 1</th>' in html and '<th scope="col">Revision 2</th>' in html


def test_added_and_removed_lines_have_an_empty_other_side(logged_in):
    html = diff_of(logged_in, "Kept.\n\nGone.", "Kept.\n\nGone.\n\nNew line.")
    assert '<td class="diff-old diff-none"></td>' in html
    assert "<ins>New line.</ins>" in html


def test_markup_in_a_line_is_text(logged_in):
    html = diff_of(logged_in, "<b>old</b>", "<script>alert(1)</script>")
    assert "<script>alert" not in html and "<ins>script</ins>&gt;<ins>alert" in html


def test_a_truncated_diff_says_so(logged_in):
    old = "\n".join(f"line {number}" for number in range(20_000))
    new = "\n".join(f"changed {number}" for number in range(20_000))
    html = diff_of(logged_in, old, new)
    assert "Diff truncated" in html
    assert html.count('<tr class="diff-change">') <= uploads.MAX_DIFF_ROWS


def test_the_filter_pairs_a_unified_diff():
    from profilehost.dashboard.diff_view import side_by_side

    shown = side_by_side(Diff([("header", "--- a"), ("header", "+++ b"), ("header", "@@ -1,2 +1,2 @@"),
                               ("context", " same"), ("remove", "-one two"), ("add", "+one three")]))
    assert (shown.old_label, shown.new_label) == ("a", "b")
    assert [row.kind for row in shown.rows] == ["hunk", "same", "change"]
    assert str(shown.rows[2].old) == "one <del>two</del>" and str(shown.rows[2].new) == "one <ins>three</ins>"
