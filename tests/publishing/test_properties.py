"""For any input: the pipeline returns a result or refuses with a PublishError, and every result keeps the
sanitizer's promise."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from html_invariants import assert_safe_html
from profilehost.publishing import PublishError, publish_source

MARKUP = st.sampled_from([
    "<", ">", "<script>", "</script>", "<img src=x onerror=alert(1)>", "javascript:", "[a](", ")", "![i](", "*",
    "**", "_", "`", "```", "\n", "\n\n", "  \n", "- ", "1. ", "> ", "# ", "| a |", "|---|", "{: .x}", "{:toc}",
    "<div markdown=\"1\">", "</div>", "&#", "&#x6A;", ";", "\"", "'", "{{ base_path }}", "{% x %}", "[^1]",
    "---\n", "title: ", "permalink: ", "<svg>", "<math>", "<style>", "<!--", "-->", "<a href=\"", "data:",
    "<font color=\"", "style=\"color:", "\\", "\t", "\x00", "é", "郑", "🤗",
])
DOCUMENTS = st.lists(st.one_of(MARKUP, st.text(max_size=12)), max_size=40).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(DOCUMENTS)
def test_any_text_is_published_safely_or_refused(text):
    try:
        rendered = publish_source(text.encode("utf-8", "surrogatepass"), filename="any.md", tenant_base="/ada")
    except PublishError as refused:
        assert refused.message
        return
    assert_safe_html(rendered.body_html)
    assert rendered.meta.permalink.startswith("/") and rendered.meta.permalink.endswith("/")


@SETTINGS
@given(st.binary(max_size=400))
def test_any_bytes_are_published_safely_or_refused(raw):
    try:
        rendered = publish_source(raw, filename="any.md", tenant_base="/ada")
    except PublishError as refused:
        assert refused.message
        return
    assert_safe_html(rendered.body_html)
