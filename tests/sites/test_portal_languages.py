"""A portal admin chooses which of the install's languages the portal offers (checkboxes)."""

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.test import Client

from cms.languages import LanguageCodesFormField, resolve_portal_languages
from sites.models import PortalPage
from sites.portal_tree import portal_chain_for


@pytest.fixture
def admin_client(hai_duong):
    user = get_user_model().objects.create_superuser("quantri", "qt@example.invalid", "matkhau")
    client = Client(HTTP_HOST="haiduong.localhost:8000")
    client.force_login(user)
    return client


def test_nothing_chosen_anywhere_offers_vietnamese_and_english(hai_duong):
    offer = resolve_portal_languages(portal_chain_for(hai_duong.commune))
    assert offer.codes == ("vi", "en")
    assert offer.source is None


def test_commune_inherits_the_nearest_choice_above(hai_duong):
    hai_duong.province.languages = "vi,en,zh-hans"
    hai_duong.province.save()
    hai_duong.district.languages = "en,ko"
    hai_duong.district.save()
    offer = resolve_portal_languages(
        portal_chain_for(PortalPage.objects.get(pk=hai_duong.commune.pk))
    )
    assert offer.codes == ("vi", "en", "ko")  # Vietnamese is always offered
    assert offer.source.pk == hai_duong.district.pk
    assert offer.is_inherited_by(hai_duong.commune)


def test_form_field_stores_ticked_languages_as_codes_with_vietnamese():
    field = LanguageCodesFormField()
    assert field.clean(["ko", "en"]) == "vi,en,ko"
    assert field.clean([]) == ""
    assert field.prepare_value("vi,zh-hans") == ["vi", "zh-hans"]
    with pytest.raises(ValidationError):
        field.clean(["xx"])


def test_unknown_codes_are_rejected_by_the_model(hai_duong):
    portal = hai_duong.commune
    portal.languages = "vi,xx"
    with pytest.raises(ValidationError) as error:
        portal.full_clean()
    assert "languages" in error.value.message_dict


def test_portal_editor_shows_language_checkboxes_and_what_is_inherited(hai_duong, admin_client):
    hai_duong.province.languages = "vi,en,zh-hans"
    hai_duong.province.save()
    response = admin_client.get(f"/admin/pages/{hai_duong.district.pk}/edit/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="checkbox" name="languages" value="zh-hans"' in html
    assert 'name="languages" value="ko"' in html
    assert "Không chọn ô nào: cổng này dùng các ngôn ngữ của Tỉnh Hải Dương" in html
    assert "简体中文" in html


def test_portal_admin_ticks_korean_and_the_commune_offers_it(hai_duong, admin_client):
    from tests.conftest import COMMUNE_HOST, host_client

    commune = hai_duong.commune
    edit = admin_client.get(f"/admin/pages/{commune.pk}/edit/")
    form = edit.context["form"]
    # Post back what the editor shows (as a browser would), with Korean ticked.
    data = {
        name: form[name].value()
        for name in form.fields
        if name != "languages" and form[name].value() is not None
    }
    for formset in form.formsets.values():
        for key, value in formset.management_form.initial.items():
            data[f"{formset.prefix}-{key}"] = value
    data["languages"] = ["vi", "en", "ko"]
    data["action-publish"] = "publish"
    response = admin_client.post(f"/admin/pages/{commune.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert PortalPage.objects.get(pk=commune.pk).languages == "vi,en,ko"
    assert host_client(COMMUNE_HOST).get("/ko/").status_code == 200
