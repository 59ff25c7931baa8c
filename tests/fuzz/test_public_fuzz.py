"""Citizens' requests with hostile paths, hosts and query strings get a 4xx or a page, never a
5xx, and change nothing."""

from urllib.parse import quote

import pytest
from django.test import Client
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST, host_client
from tests.fuzz.conftest import count_response
from tests.fuzz.harness import any_text, data_fingerprint, nasty, path_segments, values
from tests.fuzz.targets import PUBLIC_TARGETS

HOSTS = [PROVINCE_HOST, DISTRICT_HOST, COMMUNE_HOST, "khongco.haiduong.localhost"]


def get(client, path, **kwargs):
    response = client.get(path, **kwargs)
    count_response(response)
    assert response.status_code < 500, (path, kwargs, response.status_code)
    return response


def test_any_path_on_any_portal_is_answered_without_a_server_error(fuzz_objects):
    before = data_fingerprint()

    @settings(max_examples=300)
    @given(
        host=st.sampled_from(HOSTS),
        segments=path_segments(),
        trailing_slash=st.booleans(),
    )
    def request(host, segments, trailing_slash):
        path = "/" + "/".join(segments) + ("/" if trailing_slash and segments else "")
        get(host_client(host), path)

    request()
    assert data_fingerprint() == before


def test_any_host_header_is_answered_without_a_server_error(fuzz_objects):
    @settings(max_examples=150)
    @given(
        host=st.one_of(
            any_text,
            nasty,
            st.from_regex(r"[a-z0-9\-\.]{0,300}(:[0-9]{0,7})?", fullmatch=True),
            st.sampled_from(
                [
                    "haiduong.localhost:99999999",
                    "camhung..haiduong.localhost",
                    "CAMHUNG.CAMGIANG.HAIDUONG.LOCALHOST",
                    "camhung.camgiang.haiduong.localhost.",
                    "[::1]",
                    "127.0.0.1:8000",
                    "xn--cmhng-7ya4g.haiduong.localhost",
                ]
            ),
        ),
        path=st.sampled_from(["/", "/tin-tuc/", "/en/", "/admin/"]),
    )
    def request(host, path):
        get(Client(HTTP_HOST=host), path)

    request()


@pytest.mark.parametrize("target", PUBLIC_TARGETS, ids=lambda t: t.name)
def test_any_query_string_on_public_pages_is_answered_without_a_server_error(fuzz_objects, target):
    path = target.path.format(**fuzz_objects)
    assert get(host_client(target.host), path).status_code in (200, 301, 302)
    before = data_fingerprint()

    @settings(max_examples=25)
    @given(
        params=st.lists(
            st.tuples(
                st.one_of(st.sampled_from(["page", "q", "p", "lang", "order", "tag"]), any_text),
                values,
            ),
            max_size=4,
        ),
        raw=st.one_of(st.none(), any_text.map(lambda s: quote(s, safe="=&%+;"))),
    )
    def request(params, raw):
        if raw is not None:
            get(host_client(target.host), f"{path}?{raw}")
        else:
            get(host_client(target.host), path, data=params)

    request()
    assert data_fingerprint() == before


@pytest.mark.parametrize("page", ["abc", "0", "-1", "1.5", "99999999999999999999", "9" * 400])
def test_bad_page_numbers_show_a_listing_not_an_error(fuzz_objects, page):
    response = host_client(COMMUNE_HOST).get("/tin-tuc/", {"page": page})
    assert response.status_code == 200


@pytest.mark.parametrize("prefix", ["xx", "de", "zh", "en-us", "EN", "vi"])
def test_unknown_language_prefixes_are_not_found(fuzz_objects, prefix):
    assert host_client(COMMUNE_HOST).get(f"/{prefix}/tin-tuc/").status_code in (301, 302, 404)
