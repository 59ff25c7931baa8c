"""Editors' forms posted with hostile values: a form error or a 4xx, never a 5xx, and a rejected
post saves nothing."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import count_response
from tests.fuzz.harness import any_text, data_fingerprint, main_form_fields, mutated_form, values
from tests.fuzz.targets import ADMIN_FORMS, ADMIN_LISTINGS


@pytest.mark.parametrize("target", ADMIN_FORMS, ids=lambda t: t.name)
def test_admin_form_posts_never_give_a_server_error_and_rejected_ones_save_nothing(
    admin_client, fuzz_objects, target
):
    url = target.path.format(**fuzz_objects)
    page = admin_client.get(url)
    assert page.status_code == 200, url
    fields = main_form_fields(page.text)

    @settings(max_examples=20)
    @given(data=st.data())
    def post(data):
        form = mutated_form(data.draw, fields)
        before = data_fingerprint()
        response = admin_client.post(url, form)
        count_response(response)
        assert response.status_code < 500, (url, form)
        if response.status_code != 302:  # not accepted: nothing may have been saved
            assert data_fingerprint() == before, (url, form, response.status_code)

    post()


@pytest.mark.parametrize("target", ADMIN_LISTINGS, ids=lambda t: t.name)
def test_admin_listing_filters_never_give_a_server_error(admin_client, fuzz_objects, target):
    url = target.path.format(**fuzz_objects)
    assert admin_client.get(url).status_code == 200, url

    @settings(max_examples=12)
    @given(
        params=st.lists(
            st.tuples(
                st.one_of(
                    st.sampled_from(
                        [
                            "q",
                            "p",
                            "ordering",
                            "collection_id",
                            "tag",
                            "locale",
                            "page_type",
                            "owner",
                            "has_child_pages",
                            "sort",
                            "date_from",
                            "multiple",
                        ]
                    ),
                    any_text,
                ),
                values,
            ),
            min_size=1,
            max_size=4,
        )
    )
    def request(params):
        response = admin_client.get(url, data=params)
        count_response(response)
        assert response.status_code < 500, (url, params)

    request()
