import pytest

from profilehost.services.collections import canonical_path, default_item_permalink, safe_url


@pytest.mark.parametrize(("collection", "filename", "template", "expected"), [
    ("publications", "_publications/2009-10-01-paper-1.md", None, "/publications/2009-10-01-paper-1/"),
    ("talks", "2012-03-01-talk-1.md", "/:collection/:path/", "/talks/2012-03-01-talk-1/"),
    ("posts", "_posts/2020-08-14-blog-post-1.md", None, "/blog-post-1/"),
    ("posts", "2020-08-14-blog-post-1.md", "/:categories/:year/:month/:day/:title/", "/2020/08/14/blog-post-1/"),
    ("posts", "2020-08-14-Blog Post.md", "pretty", "/2020/08/14/blog-post/"),
    ("teaching", "course.md", "/:collection/:name", "/teaching/course/"),
])
def test_an_item_without_a_permalink_goes_where_jekyll_puts_it(collection, filename, template, expected):
    assert default_item_permalink(collection, filename, template) == expected


def test_categories_fill_the_posts_template():
    assert default_item_permalink("posts", "2020-01-02-x.md", None, ["Research", "ML"]) == "/research/ml/x/"


@pytest.mark.parametrize(("value", "expected"), [
    ("https://doi.org/10.1/x", "https://doi.org/10.1/x"),
    ("/files/paper.pdf", "/ada/files/paper.pdf"),
    ("files/paper.pdf", "/ada/files/paper.pdf"),
    ("javascript:alert(1)", None),
    ("data:text/html,<script>", None),
    ("  ", None),
    ({"url": "x"}, None),
    (42, None),
])
def test_front_matter_links_are_web_addresses_or_paths_in_the_tenant(value, expected):
    assert safe_url(value, "/ada") == expected


@pytest.mark.parametrize(("url", "expected"), [
    ("/cv", "/cv/"), ("/cv.html", "/cv/"), ("/x/index.html", "/x/"), ("/", "/"), ("/#news", "/#news"),
])
def test_menu_paths_take_the_form_of_permalinks(url, expected):
    assert canonical_path(url) == expected
