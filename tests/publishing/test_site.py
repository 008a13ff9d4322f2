"""What a page's Liquid sees of its site: the site files read as Jekyll reads them."""

import pytest

from profilehost.publishing import PublishError, load_yaml_document
from profilehost.publishing.site import read_site_files


def test_a_csv_data_file_is_a_list_of_rows_keyed_by_its_header():
    _config, data, _includes = read_site_files({"_data/people.csv": b"name,role\nAda,PI\n"}, load_yaml_document)
    assert data["people"] == [{"name": "Ada", "role": "PI"}]


def test_a_csv_data_file_that_cannot_be_read_is_refused_naming_the_file_and_line():
    raw = b"name,bio\nAda,short\nGrace,\"" + b"x" * 200_000 + b"\"\n"
    with pytest.raises(PublishError) as refused:
        read_site_files({"_data/people.csv": raw}, load_yaml_document)
    assert refused.value.message.startswith("_data/people.csv, line 3: ")
    assert refused.value.line == 3
