"""What cms/library_speedups.py changes in two libraries keeps their behaviour: querysets stay
multilingual, and a page built with its child relations in keyword arguments keeps them."""

from django.utils import translation
from modeltranslation.manager import MultilingualQuerySet

from cms.models import AnnouncementPage, AudienceTarget
from sites.models import PortalPage


def test_querysets_share_one_multilingual_class_per_queryset_class(hai_duong):
    first, second = PortalPage.objects.all(), PortalPage.objects.filter(depth=3)
    assert isinstance(first, MultilingualQuerySet)
    assert type(first) is type(second)
    commune = PortalPage.objects.get(pk=hai_duong.commune.pk)
    commune.title_en = "Cam Hung Commune"
    commune.save(update_fields=["title_en"])
    with translation.override("en"):
        # modeltranslation's rewriting of lookups to the active language still applies.
        assert PortalPage.objects.filter(title="Cam Hung Commune").get().pk == commune.pk


def test_child_relations_given_as_keywords_are_kept(hai_duong):
    section = hai_duong.section(hai_duong.province, "announcements")
    target = AudienceTarget(portal=hai_duong.commune, include_subtree=False)
    page = AnnouncementPage(
        title="Thông báo chọn xã", slug="thong-bao-chon-xa", audience_targets=[target]
    )
    assert [t.portal_id for t in page.audience_targets.all()] == [hai_duong.commune.pk]
    section.add_child(instance=page)
    # Read back: a row from the database, built from positional values only.
    again = AnnouncementPage.objects.get(pk=page.pk)
    assert [(t.portal_id, t.include_subtree) for t in again.audience_targets.all()] == [
        (hai_duong.commune.pk, False)
    ]
