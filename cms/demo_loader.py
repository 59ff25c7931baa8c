"""The Hải Dương demo: the real 220 portals, news written for the demo, images and demo users.

`manage.py load_demo` (what `make run` calls) runs `load_demo()`. Every step looks for what it
would create and skips it when present, so loading twice changes nothing. Texts are templates in
fixtures/demo/news.json filled with the real names of the units.
"""

from __future__ import annotations

import datetime
import io
import json
import random
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from PIL import Image as PILImage
from PIL import ImageDraw
from wagtail.images import get_image_model

from cms import sharing
from cms.models import (
    AnnouncementPage,
    AudienceTarget,
    LegalDocumentPage,
    NewsPage,
    Proposal,
    SectionPage,
)
from sites.hosts import committee_name, english_unit_name, strip_unit_type
from sites.models import PortalPage
from sites.unit_import import import_units, read_units

DEMO = settings.BASE_DIR / "fixtures" / "demo"
UNITS_FILE = settings.BASE_DIR / "fixtures" / "units" / "hai-duong-3level-2024.json"
PROVINCE_CODE = 30
SHOWCASE = ("camgiang", "camhung")  # district and commune slugs of the README's examples
# Development only: documented in the README, never created by anything but the demo.
DEMO_PASSWORD = "demo-2026"  # noqa: S105
IMAGE_SUBJECTS = [
    ("Cánh đồng lúa", "Rice fields", ((46, 125, 50), (205, 220, 57))),
    ("Sông Thái Bình", "Thái Bình river", ((21, 101, 192), (129, 212, 250))),
    ("Trụ sở UBND", "People's Committee building", ((183, 28, 28), (255, 202, 40))),
    ("Đường làng", "Village road", ((93, 64, 55), (215, 204, 200))),
    ("Lễ hội mùa xuân", "Spring festival", ((173, 20, 87), (255, 138, 128))),
    ("Vườn vải Thanh Hà", "Thanh Hà lychee orchard", ((56, 142, 60), (239, 83, 80))),
    ("Khu công nghiệp", "Industrial park", ((55, 71, 79), (144, 164, 174))),
    ("Trường học", "School", ((2, 119, 189), (255, 241, 118))),
]


def load_demo(say: Callable[[str], None] = print, *, showcase_only: bool = False) -> None:
    """`showcase_only`: news only on the three portals the README shows (the province, Cẩm Giàng
    and Cẩm Hưng), everything else as usual; the browser checks' demo, loaded in a fraction of
    the time (news on the 220 portals is most of it)."""
    say(str(import_units(read_units(UNITS_FILE), progress=say)))
    province = PortalPage.objects.get(level_id="province", unit_code=PROVINCE_CODE)
    images = demo_images(province)
    say(f"{len(images)} demo images")
    created = create_demo_news(province, images, showcase_only=showcase_only)
    say(f"{created} demo news articles created")
    say(f"{demo_languages(province)} portals' languages and Chinese titles set")
    create_demo_users(province)
    say("demo users ready (README, “Demo accounts”)")
    say(f"{create_demo_sharing(province)} demo sharing steps taken")
    say(f"{configure_demo_portals(province, images)} portals given demo settings")
    say(f"{create_demo_documents(province)} demo legal documents created")


def demo_images(province: PortalPage) -> list:
    """A few generated pictures, in the province's collection."""
    Image = get_image_model()
    images = []
    for number, (title_vi, title_en, colours) in enumerate(IMAGE_SUBJECTS, start=1):
        image = Image.objects.filter(title_vi=title_vi, collection=province.collection).first()
        if image is None:
            image = Image(title_vi=title_vi, collection=province.collection)
            image.file = ImageFile(_picture(colours, seed=number), name=f"demo-{number}.jpg")
        if image.pk is None or not image.title_en:
            # Title and alt text in Vietnamese and English (cms.media_translation).
            image.title_en = title_en
            image.description_vi = f"Ảnh minh họa: {title_vi.lower()}"
            image.description_en = f"Illustration: {title_en.lower()}"
            image.save()
        images.append(image)
    return images


def _picture(colours, seed: int, size=(1200, 675)) -> io.BytesIO:
    """A landscape-like picture: a vertical gradient with a few soft shapes."""
    rng = random.Random(seed)  # deterministic demo content
    top, bottom = colours
    picture = PILImage.new("RGB", size)
    draw = ImageDraw.Draw(picture)
    width, height = size
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(int(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    for _ in range(6):
        x, y = rng.randrange(width), rng.randrange(height // 2, height)
        r = rng.randrange(60, 220)
        shade = tuple(max(0, c - 40) for c in bottom)
        draw.ellipse([x - r, y - r // 3, x + r, y + r // 3], fill=shade)
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", quality=82)
    buffer.seek(0)
    return buffer


def _paragraphs(texts: list[str]) -> list[tuple[str, str]]:
    return [("paragraph", f"<p>{text}</p>") for text in texts]


@transaction.atomic
def create_demo_news(province: PortalPage, images: list, showcase_only: bool = False) -> int:
    data = json.loads((DEMO / "news.json").read_text(encoding="utf-8"))
    today = timezone.localdate()
    portals = PortalPage.objects.filter(path__startswith=province.path).order_by("path")
    if showcase_only:
        portals = portals.filter(pk__in=[portal.pk for portal in showcase_portals(province)])
    news_sections = {
        section.owner_portal_id: section
        for section in SectionPage.objects.filter(
            kind="news", owner_portal__in=portals, depth__gt=province.depth
        )
    }
    existing = {
        (page.owner_portal_id, page.slug): page
        for page in NewsPage.objects.filter(owner_portal__in=portals)
    }
    created = 0
    for portal in portals:
        section = news_sections.get(portal.pk)
        if section is None:
            continue
        if portal.pk == province.pk:
            items = data["province_news"]
        else:
            rng = random.Random(portal.unit_code)  # deterministic demo content
            items = rng.sample(data["local_news"], 3)
        for number, item in enumerate(items):
            page = existing.get((portal.pk, item["slug"]))
            if page is None:
                created += 1
                _publish_news(portal, section, item, images, today, number)
            elif not page.title_en and "title_en" in item:
                # Made by an older demo, in Vietnamese only: add the translations.
                _set_translations(page, item, _placeholders(portal))
                page.save_revision().publish()
    return created


def showcase_portals(province: PortalPage) -> list[PortalPage]:
    """The province, Cẩm Giàng district and Cẩm Hưng commune: the portals the README shows."""
    district_slug, commune_slug = SHOWCASE
    district = PortalPage.objects.child_of(province).get(slug=district_slug)
    return [province, district, PortalPage.objects.child_of(district).get(slug=commune_slug)]


def _placeholders(portal) -> dict:
    name = portal.unit_name
    type_word, short = strip_unit_type(name)
    return {
        "Name": name,  # at the start of a sentence: “Xã Cẩm Hưng …”
        "name": f"{type_word.lower()} {short}",  # inside one: “… của xã Cẩm Hưng”
        "committee": committee_name(name),
        "name_en": english_unit_name(name),
        "committee_en": committee_name(name, "en"),
    }


def _set_translations(page, item, values) -> None:
    """The demo item's texts in every language it has (keys `title_en`, `body_zh_hans`, …)."""
    for language in [code.replace("-", "_") for code, _name in settings.LANGUAGES]:
        if language == "vi" or f"title_{language}" not in item:
            continue
        setattr(page, f"title_{language}", item[f"title_{language}"].format(**values))
        setattr(page, f"summary_{language}", item[f"summary_{language}"].format(**values))
        setattr(
            page,
            f"body_{language}",
            _paragraphs([text.format(**values) for text in item[f"body_{language}"]]),
        )


def _publish_news(portal, section, item, images, today, number) -> None:
    values = _placeholders(portal)
    rng = random.Random(f"{portal.unit_code}-{item['slug']}")
    page = NewsPage(
        title_vi=item["title"].format(**values),
        slug=item["slug"],
        date=today - datetime.timedelta(days=number * 9 + rng.randrange(0, 7)),
        summary_vi=item["summary"].format(**values),
        image=images[rng.randrange(len(images))],
        body_vi=_paragraphs([text.format(**values) for text in item["body"]]),
    )
    _set_translations(page, item, values)
    section.add_child(instance=page)
    page.save_revision().publish()


# Languages of the demo (README, "Languages"): Chinese on the province's portal only, Korean on
# one commune with no Korean text (so its pages show the Vietnamese fallback), the others
# Vietnamese and English.
PROVINCE_LANGUAGES = "vi,en,zh-hans"
DISTRICT_LANGUAGES = "vi,en"
KOREAN_COMMUNE = SHOWCASE
KOREAN_COMMUNE_LANGUAGES = "vi,en,ko"
PROVINCE_TITLE_ZH = "海阳省"
SECTION_TITLES_ZH = {
    "about": "简介",
    "news": "新闻动态",
    "announcements": "通知公告",
    "documents": "法规文件",
    "drafts": "征求意见稿",
    "procedures": "行政手续与在线公共服务",
    "plans": "战略、规划和计划",
    "budget": "预算与统计",
    "investment": "投资、招标与公共采购",
    "recruitment": "招聘",
    "feedback": "问答与意见",
    "spokesperson": "新闻发言人",
    "schedule": "工作日程",
    "contact": "联系我们",
}


@transaction.atomic
def demo_languages(province: PortalPage) -> int:
    """Set the demo portals' languages, and Chinese titles where Chinese is offered."""
    changed = 0
    wanted = {province.pk: PROVINCE_LANGUAGES}
    districts = PortalPage.objects.child_of(province).filter(level_id="district")
    for district in districts:
        wanted[district.pk] = DISTRICT_LANGUAGES
    district_slug, commune_slug = KOREAN_COMMUNE
    commune = PortalPage.objects.child_of(districts.get(slug=district_slug)).get(slug=commune_slug)
    wanted[commune.pk] = KOREAN_COMMUNE_LANGUAGES
    has_chinese = "zh-hans" in dict(settings.LANGUAGES)
    for portal in PortalPage.objects.filter(pk__in=wanted):
        zh_title = has_chinese and portal.pk == province.pk and not portal.title_zh_hans
        if portal.languages == wanted[portal.pk] and not zh_title:
            continue
        portal.languages = wanted[portal.pk]
        if zh_title:
            portal.title_zh_hans = PROVINCE_TITLE_ZH
        portal.save_revision().publish()
        changed += 1
    if has_chinese:
        sections = SectionPage.objects.child_of(province).filter(
            Q(title_zh_hans__isnull=True) | Q(title_zh_hans="")
        )
        for section in sections:
            if section.kind in SECTION_TITLES_ZH:
                section.title_zh_hans = SECTION_TITLES_ZH[section.kind]
                section.save_revision().publish()
    return changed


def create_demo_users(province: PortalPage) -> None:
    """An editor, a moderator and an administrator for the province, Cẩm Giàng district and
    Cẩm Hưng commune (README, "Roles and permissions")."""
    User = get_user_model()
    if not User.objects.filter(username="admin").exists():
        User.objects.create_superuser("admin", "admin@example.invalid", "admin")
    district = PortalPage.objects.get(
        path__startswith=province.path, level_id="district", slug="camgiang"
    )
    commune = PortalPage.objects.get(path__startswith=district.path, slug="camhung")
    for prefix, portal in (("tinh", province), ("camgiang", district), ("camhung", commune)):
        for role, group in (
            ("bientap", portal.editors_group),
            ("kiemduyet", portal.moderators_group),
            ("quantri", portal.admins_group),
        ):
            username = f"{prefix}.{role}"
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": username, "email": f"{username}@example.invalid"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            user.groups.add(group)


@transaction.atomic
def create_demo_sharing(province: PortalPage) -> int:
    """Announcements pushed down (mandatory, optional and hidden, to one district), a district
    announcement to its communes, an adapted item, an accepted and a pending proposal."""
    data = json.loads((DEMO / "sharing.json").read_text(encoding="utf-8"))
    User = get_user_model()
    actor = User.objects.filter(is_superuser=True).first()
    portals = {
        (p.level_id, p.unit_code): p
        for p in PortalPage.objects.filter(path__startswith=province.path)
    }
    steps = 0
    published = {}
    for item in data["province_announcements"]:
        page, created = _demo_announcement(province, item, portals)
        published[item["slug"]] = page
        steps += created
        for code in item.get("hidden_by", []):
            commune = portals[("commune", code)]
            if not page.receiver_choices.filter(portal=commune, hidden=True).exists():
                sharing.hide(page, commune, actor)
                steps += 1
    for item in data["district_announcements"]:
        _page, created = _demo_announcement(portals[("district", item["district"])], item, portals)
        steps += created

    adapted = data["adapted"]
    commune = portals[("commune", adapted["commune"])]
    source = published[adapted["source"]]
    if not source.adaptations.filter(owner_portal=commune).exists():
        local = sharing.adapt(source, commune, actor).specific
        local.title = local.title_vi = adapted["title"]
        local.save_revision(user=actor).publish()
        steps += 1

    for proposal in data["proposals"]:
        commune = portals[("commune", proposal["commune"])]
        story = NewsPage.objects.filter(owner_portal=commune, live=True).order_by("pk").first()
        district = commune.portal_chain[-2]
        if story is None or Proposal.objects.filter(page=story, to_portal=district).exists():
            continue
        made = sharing.propose(story, district, actor, note="Đề xuất đăng trên cổng của huyện.")
        if proposal["accept"]:
            sharing.decide(made, actor, accept=True)
        steps += 1
    return steps


def _demo_announcement(portal: PortalPage, item: dict, portals) -> tuple[AnnouncementPage, bool]:
    section = SectionPage.objects.get(
        owner_portal=portal, kind="announcements", depth=portal.depth + 1
    )
    existing = AnnouncementPage.objects.filter(owner_portal=portal, slug=item["slug"]).first()
    if existing is not None:
        return existing, False
    page = AnnouncementPage(
        title=item["title"],
        slug=item["slug"],
        summary=item["summary"],
        body=_paragraphs(item["body"]),
        audience=item["audience"],
        audience_level_id=item.get("level"),
        mandatory=item["mandatory"],
    )
    page.title_vi, page.summary_vi, page.body_vi = page.title, page.summary, page.body
    if "title_en" in item:
        page.title_en = item["title_en"]
        page.summary_en = item["summary_en"]
        page.body_en = _paragraphs(item["body_en"])
    page.audience_targets = [
        AudienceTarget(portal=portals[("district", code)], include_subtree=subtree)
        for code, subtree in item.get("targets", [])
    ]
    section.add_child(instance=page)
    page.save_revision().publish()
    return AnnouncementPage.objects.get(pk=page.pk), True


@transaction.atomic
def configure_demo_portals(province: PortalPage, images: list) -> int:
    """The province's theme, banner, contact and footer (inherited below it), Cẩm Giàng's own
    contact block (inherited by its communes): fixtures/demo/portal_settings.json."""
    data = json.loads((DEMO / "portal_settings.json").read_text(encoding="utf-8"))
    by_title = {image.title: image for image in images}
    changed = 0
    for entry in data["portals"]:
        portal = PortalPage.objects.get(
            path__startswith=province.path, level_id=entry["level"], unit_code=entry["code"]
        )
        values = {
            key: value for key, value in entry.items() if key not in ("level", "code", "banner")
        }
        if "banner" in entry:
            values["banner"] = by_title[entry["banner"]]
        if all(getattr(portal, key) == value for key, value in values.items()):
            continue
        for key, value in values.items():
            setattr(portal, key, value)
        portal.save_revision().publish()
        changed += 1
    return changed


@transaction.atomic
def create_demo_documents(province: PortalPage) -> int:
    """Legal documents of the province, Cẩm Giàng and Cẩm Hưng, some shared down the tree, each
    with a small PDF (fixtures/demo/documents.json)."""
    from wagtail.documents import get_document_model

    Document = get_document_model()
    data = json.loads((DEMO / "documents.json").read_text(encoding="utf-8"))
    today = timezone.localdate()
    created = 0
    for item in data["documents"]:
        level, code = item["owner"]
        portal = PortalPage.objects.get(
            path__startswith=province.path, level_id=level, unit_code=code
        )
        if LegalDocumentPage.objects.filter(owner_portal=portal, slug=item["slug"]).exists():
            continue
        section = SectionPage.objects.get(
            owner_portal=portal, kind="documents", depth=portal.depth + 1
        )
        document = Document(title=item["number"], collection=portal.collection)
        document.file.save(
            f"{item['slug']}.pdf", ContentFile(_demo_pdf(item["number"])), save=False
        )
        document.save()
        issued = today - datetime.timedelta(days=item["issued_days_ago"])
        effective = item.get("effective_days_ago")
        page = LegalDocumentPage(
            title=item["title"],
            slug=item["slug"],
            number=item["number"],
            document_type=item["type"],
            issuing_body=item["issuing_body"],
            signer=item.get("signer", ""),
            issued_on=issued,
            effective_on=today - datetime.timedelta(days=effective) if effective else None,
            date=issued,
            summary=item["summary"],
            document=document,
            audience=item["audience"],
            audience_level_id=item.get("level"),
            mandatory=item["mandatory"],
        )
        page.title_vi, page.summary_vi = page.title, page.summary
        section.add_child(instance=page)
        page.save_revision().publish()
        created += 1
    return created


def _demo_pdf(number: str) -> bytes:
    """A one-page PDF saying it stands in for the document (Pillow writes PDF)."""
    picture = PILImage.new("L", (420, 594), 255)
    draw = ImageDraw.Draw(picture)
    for line, text in enumerate(
        ["DEMO", f"So / No. {number.encode('ascii', 'ignore').decode()}", "(illustrative file)"]
    ):
        draw.text((40, 60 + line * 30), text, fill=0)
    buffer = io.BytesIO()
    picture.save(buffer, "PDF", resolution=50)
    return buffer.getvalue()
