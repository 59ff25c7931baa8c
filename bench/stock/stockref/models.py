"""Plain Wagtail pages: a home, sections and an article with a rich text body."""

from wagtail.fields import RichTextField
from wagtail.models import Page


class SectionPage(Page):
    intro = RichTextField(blank=True)


class ArticlePage(Page):
    summary = RichTextField(blank=True)
    body = RichTextField(blank=True)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        home = self.get_site().root_page
        context["home"] = home
        context["nav_sections"] = home.get_children().live().in_menu()
        context["breadcrumbs"] = self.get_ancestors().filter(depth__gt=home.depth)
        return context
