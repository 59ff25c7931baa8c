"""Keep the sharing fields of shareable pages in step with the tree when pages move."""

from wagtail.signals import post_page_move


def refresh_moved_shareable_pages(sender, instance, **kwargs):
    from cms.models import ShareablePage

    ShareablePage.refresh_subtree_positions(instance)


def register() -> None:
    post_page_move.connect(refresh_moved_shareable_pages, dispatch_uid="cms-refresh-moved-pages")
