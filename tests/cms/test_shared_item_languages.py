"""A shared item is read in every language it was written in, on every receiver that offers it."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.models import AnnouncementPage, Audience
from tests.conftest import COMMUNE_HOST, DISTRICT_HOST, PROVINCE_HOST, host_client


@pytest.fixture
def announcement(hai_duong):
    """A province announcement to every portal below, written in Vietnamese and English."""
    section = hai_duong.section(hai_duong.province, "announcements")
    page = AnnouncementPage(
        title_vi="Thông báo lịch tiếp công dân",
        title_en="Citizen reception schedule",
        slug="lich-tiep-cong-dan",
        summary_vi="Lịch tiếp công dân tháng 1.",
        summary_en="The January citizen reception schedule.",
        body_vi=[("paragraph", "<p>Nội dung thông báo.</p>")],
        body_en=[("paragraph", "<p>The announcement in English.</p>")],
        audience=Audience.SUBTREE,
    )
    section.add_child(instance=page)
    page.save_revision().publish()
    hai_duong.commune.languages = "vi,en,ko"
    hai_duong.commune.save()
    return AnnouncementPage.objects.get(pk=page.pk)


def shared_path(item):
    return f"/thong-bao/chia-se/{item.pk}/{item.slug}/"


@pytest.mark.parametrize("host", [DISTRICT_HOST, COMMUNE_HOST])
def test_shared_item_shows_in_vietnamese_and_english_on_every_receiver(announcement, host):
    client = host_client(host)
    vietnamese = client.get(shared_path(announcement))
    english = client.get("/en" + shared_path(announcement))
    assert vietnamese.status_code == english.status_code == 200
    assert "<h1>Thông báo lịch tiếp công dân</h1>" in vietnamese.text
    assert "<h1>Citizen reception schedule</h1>" in english.text
    assert "The announcement in English." in english.text
    assert "not yet available" not in english.text
    listing = client.get("/en/thong-bao/")
    assert "Citizen reception schedule" in listing.text
    assert "The January citizen reception schedule." in listing.text


def test_receiver_offering_korean_shows_vietnamese_with_the_note(announcement):
    response = host_client(COMMUNE_HOST).get("/ko" + shared_path(announcement))
    assert response.status_code == 200
    assert '<h1 lang="vi">Thông báo lịch tiếp công dân</h1>' in response.text
    assert "이 기사는 아직 한국어로 제공되지 않아 베트남어로 표시됩니다." in response.text
    assert '<meta name="robots" content="noindex, follow">' in response.text
    listing = host_client(COMMUNE_HOST).get("/ko/thong-bao/")
    assert 'lang="vi">Thông báo lịch tiếp công dân</a>' in listing.text


def test_receiver_not_offering_korean_answers_404(announcement):
    assert host_client(DISTRICT_HOST).get("/ko" + shared_path(announcement)).status_code == 404


def test_shared_item_alternates_point_at_its_owner_in_the_languages_it_has(announcement):
    response = host_client(COMMUNE_HOST).get("/en" + shared_path(announcement))
    head = response.text.split("</head>")[0]
    links = dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', head))
    owner = f"http://{PROVINCE_HOST}:8000"
    assert links == {
        "vi": f"{owner}/thong-bao/lich-tiep-cong-dan/",
        "en": f"{owner}/en/thong-bao/lich-tiep-cong-dan/",
        "x-default": f"{owner}/thong-bao/lich-tiep-cong-dan/",
    }


def test_switcher_on_a_shared_item_stays_on_the_receiver(announcement):
    response = host_client(COMMUNE_HOST).get("/en" + shared_path(announcement))
    switcher = response.text.split('class="language-switcher"')[1].split("</nav>")[0]
    assert f'href="{shared_path(announcement)}"' in switcher
    assert f'href="/ko{shared_path(announcement)}"' in switcher


def test_shared_item_in_another_language_costs_the_same_queries(announcement):
    client = host_client(COMMUNE_HOST)
    counts = {}
    for prefix in ("", "/en", "/ko"):
        client.get(prefix + shared_path(announcement))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(prefix + shared_path(announcement)).status_code == 200
        counts[prefix] = len(queries)
    assert counts[""] == counts["/en"] == counts["/ko"]
