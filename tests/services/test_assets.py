"""Which file names a tenant's files may have: names that are their own address."""

import pytest

from profilehost.services.assets import is_valid_name


@pytest.mark.parametrize("name", ["cv.pdf", "My CV.pdf", "figs/fig 1.png", "a/b/c/d.png"])
def test_letters_digits_spaces_dots_dashes_and_up_to_three_folders_are_kept(name):
    assert is_valid_name(name)


@pytest.mark.parametrize("name", ["x\n/cv.pdf", "cv.pdf\n", " cv.pdf", "cv.pdf ", "../cv.pdf", "a;b.pdf",
                                  "a/b/c/d/e.png", ".hidden.png"])
def test_anything_else_is_refused_a_trailing_newline_too(name):
    assert not is_valid_name(name)
