"""Open data of a province (cms.open_data): CSV and JSON that parse and match the content."""

import csv
import datetime
import io
import json

import pytest

from cms.models import LegalDocumentPage
from sites.models import PortalPage
from tests.cms.sharing_helpers import publish_item
from tests.conftest import COMMUNE_HOST, PROVINCE_HOST, host_client


def download(host, dataset, extension):
    response = host_client(host).get(f"/du-lieu-mo/{dataset}/{extension}/")
    assert response.status_code == 200, response.status_code
    body = b"".join(response.streaming_content).decode("utf-8")
    if extension == "csv":
        return response, list(csv.DictReader(io.StringIO(body.lstrip("\ufeff"))))
    return response, json.loads(body)


@pytest.mark.django_db
def test_open_data_page_lists_every_dataset_with_the_licence(hai_duong):
    html = host_client(PROVINCE_HOST).get("/du-lieu-mo/").content.decode()
    for dataset in ("don-vi", "tin-tuc", "van-ban"):
        for extension in ("csv", "json"):
            assert f"/du-lieu-mo/{dataset}/{extension}/" in html
    assert "CC BY 4.0" in html
    # Every page links to it.
    assert "/du-lieu-mo/" in host_client(COMMUNE_HOST).get("/").content.decode()


@pytest.mark.django_db
def test_portal_directory_csv_and_json_match_the_portals(hai_duong):
    response, rows = download(PROVINCE_HOST, "don-vi", "csv")
    assert response["Content-Type"].startswith("text/csv")
    assert len(rows) == PortalPage.objects.count()
    commune = next(row for row in rows if row["unit_code"] == "10894")
    assert commune["name"] == "Xã Cẩm Hưng"
    assert commune["level"] == "commune"
    assert commune["parent_id"] == str(hai_duong.district.pk)
    assert commune["host"] == COMMUNE_HOST
    assert commune["languages"].split() == ["vi", "en"]

    _response, data = download(PROVINCE_HOST, "don-vi", "json")
    assert data["licence"]["name"] == "CC BY 4.0"
    assert [item["unit_code"] for item in data["items"]] == [int(r["unit_code"]) for r in rows]


@pytest.mark.django_db
def test_news_index_is_current_and_covers_the_portals_below(hai_duong):
    _response, before = download(PROVINCE_HOST, "tin-tuc", "json")
    publish_item(hai_duong.commune, "Cẩm Hưng trao quà cho hộ nghèo", kind="news")
    publish_item(hai_duong.province, "Tỉnh tổng kết năm", kind="news")

    _response, after = download(PROVINCE_HOST, "tin-tuc", "json")
    titles = [item["title"] for item in after["items"]]
    assert len(titles) == len(before["items"]) + 2
    assert "Cẩm Hưng trao quà cho hộ nghèo" in titles and "Tỉnh tổng kết năm" in titles
    row = next(i for i in after["items"] if i["title"] == "Cẩm Hưng trao quà cho hộ nghèo")
    assert row["publisher"] == "Xã Cẩm Hưng"
    assert row["url"].startswith(f"http://{COMMUNE_HOST}:8000/tin-tuc/")

    _response, rows = download(PROVINCE_HOST, "tin-tuc", "csv")
    assert [r["title"] for r in rows] == titles
    # A commune's open data covers the commune only.
    _response, commune_rows = download(COMMUNE_HOST, "tin-tuc", "csv")
    assert [r["title"] for r in commune_rows] == ["Cẩm Hưng trao quà cho hộ nghèo"]


@pytest.mark.django_db
def test_legal_documents_index_matches_the_documents(hai_duong):
    section = hai_duong.section(hai_duong.commune, "documents")
    document = LegalDocumentPage(
        title="Quyết định ban hành quy chế văn hóa công sở",
        slug="qd-van-hoa-cong-so",
        number="07/2026/QĐ-UBND",
        document_type="quyet-dinh",
        issuing_body="Ủy ban nhân dân xã Cẩm Hưng",
        signer="Nguyễn Văn An",
        issued_on=datetime.date(2026, 3, 2),
    )
    section.add_child(instance=document)
    document.save_revision().publish()

    _response, rows = download(PROVINCE_HOST, "van-ban", "csv")
    assert rows == [
        {
            "id": str(document.pk),
            "number": "07/2026/QĐ-UBND",
            "title": "Quyết định ban hành quy chế văn hóa công sở",
            "document_type": "quyet-dinh",
            "issuing_body": "Ủy ban nhân dân xã Cẩm Hưng",
            "signer": "Nguyễn Văn An",
            "issued_on": "2026-03-02",
            "effective_on": "",
            "publisher": "Xã Cẩm Hưng",
            "url": f"http://{COMMUNE_HOST}:8000/van-ban/qd-van-hoa-cong-so/",
            "file_url": "",
        }
    ]


@pytest.mark.django_db
def test_downloads_are_never_kept_by_shared_caches_and_unknown_datasets_are_404(hai_duong):
    response = host_client(PROVINCE_HOST).get("/du-lieu-mo/tin-tuc/csv/")
    assert "private" in response["Cache-Control"] and "no-cache" in response["Cache-Control"]
    assert "attachment" in response["Content-Disposition"]
    for path in ("/du-lieu-mo/khong-co/csv/", "/du-lieu-mo/tin-tuc/xlsx/"):
        assert host_client(PROVINCE_HOST).get(path).status_code == 404
