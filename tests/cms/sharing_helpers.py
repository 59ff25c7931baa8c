"""Publishing shared items the way an editor does, for the sharing tests."""

from django.contrib.auth import get_user_model

from cms.models import AnnouncementPage, Audience, AudienceTarget, NewsPage
from sites.models import PortalPage


def publish_item(
    portal: PortalPage,
    title: str,
    *,
    kind: str = "announcements",
    audience: str = Audience.OWN,
    level: str | None = None,
    targets: list[tuple[PortalPage, bool]] = (),
    mandatory: bool = False,
    model=None,
    slug: str | None = None,
):
    """Create and publish an item in the section of `kind` of `portal`, as editors do."""
    from cms.models import SectionPage

    section = SectionPage.objects.get(owner_portal=portal, kind=kind, depth=portal.depth + 1)
    model = model or (NewsPage if kind == "news" else AnnouncementPage)
    page = model(
        title=title,
        slug=slug or f"muc-{abs(hash(title)) % 10**8}",
        summary=f"Tóm tắt: {title}",
        audience=audience,
        audience_level_id=level,
        mandatory=mandatory,
    )
    page.audience_targets = [
        AudienceTarget(portal=target, include_subtree=subtree) for target, subtree in targets
    ]
    section.add_child(instance=page)
    page.save_revision().publish()
    return type(page).objects.get(pk=page.pk)  # as stored, with its live revision


def member_of(*groups, username="nguoidung"):
    user = get_user_model().objects.create_user(username, password="pw")
    user.groups.add(*groups)
    return user
