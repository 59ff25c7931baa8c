"""Admin URLs of the sharing screens (mounted at /admin/chia-se/ by cms.wagtail_hooks)."""

from django.urls import path

from cms import sharing_views as views

app_name = "cms_sharing"

urlpatterns = [
    path("", views.inherited_items_index, name="inherited_index"),
    path("cong/<int:portal_id>/", views.inherited_items, name="inherited"),
    path(
        "cong/<int:portal_id>/muc/<int:item_id>/<slug:action>/",
        views.inherited_item_action,
        name="inherited_action",
    ),
    path(
        "ban-dia-phuong/<int:page_id>/thay-doi/",
        views.AdaptationDiffView.as_view(),
        name="adaptation_diff",
    ),
    path("pham-vi/<int:page_id>/", views.reach, name="reach"),
    path("tong-quan/", views.overview, name="overview"),
    path("de-xuat/<int:page_id>/", views.propose, name="propose"),
    path("de-xuat/", views.proposals_inbox, name="proposals"),
    path("de-xuat/<int:proposal_id>/<slug:decision>/", views.decide_proposal, name="decide"),
]
