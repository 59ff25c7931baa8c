"""The host scheme: slugs and hostnames from official unit names."""

from sites.hosts import (
    ascii_slug,
    committee_name,
    english_unit_name,
    fold_diacritics,
    portal_hostname,
    portal_slug,
    unique_sibling_slugs,
)


def test_slug_strips_the_type_word_and_folds_diacritics():
    assert portal_slug("Xã Cẩm Hưng") == "camhung"
    assert portal_slug("Huyện Cẩm Giàng") == "camgiang"
    assert portal_slug("Tỉnh Hải Dương") == "haiduong"
    assert portal_slug("Thành phố Hải Dương") == "haiduong"
    assert portal_slug("Thị xã Kinh Môn") == "kinhmon"
    assert portal_slug("Thị trấn Lai Cách") == "laicach"
    assert portal_slug("Xã Đức Chính") == "ducchinh"
    assert portal_slug("Đặc khu Phú Quốc") == "phuquoc"


def test_slug_of_a_numbered_unit_keeps_its_type_word():
    assert portal_slug("Phường 1") == "phuong1"
    assert portal_slug("Quận 3") == "quan3"


def test_slug_is_the_same_for_both_unicode_forms_and_tone_placements():
    decomposed = "Xa\u0303 Ca\u0302\u0309m Hu\u031bng"  # NFD
    assert portal_slug(decomposed) == "camhung"
    assert portal_slug("Xã Thanh Hoà") == portal_slug("Xã Thanh Hòa") == "thanhhoa"


def test_same_named_siblings_get_unique_slugs_whatever_their_order():
    # Gia Lâm has both “Thị trấn Yên Viên” and “Xã Yên Viên”.
    units = [(532, "Xã Yên Viên"), (498, "Thị trấn Yên Viên")]
    assert unique_sibling_slugs(units) == {498: "yenvien", 532: "yenvien-532"}
    assert unique_sibling_slugs(list(reversed(units))) == {498: "yenvien", 532: "yenvien-532"}


def test_new_sibling_never_takes_an_existing_slug():
    assert unique_sibling_slugs([(10894, "Xã Cẩm Hưng")], taken={"camhung"}) == {
        10894: "camhung-10894"
    }


def test_hostname_nests_under_the_parent_and_the_base_domain(settings):
    settings.PORTALS_BASE_DOMAIN = "gov.vn"
    assert (
        portal_hostname(["haiduong", "camgiang", "camhung"]) == "camhung.camgiang.haiduong.gov.vn"
    )


def test_ascii_slug_and_folding():
    assert ascii_slug("Tin tức – Sự kiện") == "tin-tuc-su-kien"
    assert fold_diacritics("Đồng Hới") == "Dong Hoi"


def test_committee_and_english_names():
    assert committee_name("Xã Cẩm Hưng") == "UBND xã Cẩm Hưng"
    assert committee_name("Tỉnh Hải Dương") == "UBND tỉnh Hải Dương"
    assert committee_name("Huyện Cẩm Giàng", "en") == "Cẩm Giàng District People's Committee"
    assert english_unit_name("Thị xã Kinh Môn") == "Kinh Môn Town"
