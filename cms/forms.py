"""The page editor's form for shareable pages: checks the audience against the chosen portals."""

from wagtail.admin.forms import WagtailAdminPageForm

from sites.portal_tree import portal_chain_for


class ShareablePageForm(WagtailAdminPageForm):
    def clean(self):
        cleaned_data = super().clean()
        from cms.sharing import audience_errors

        page = self.instance
        page.audience = cleaned_data.get("audience", page.audience)
        page.audience_level = cleaned_data.get("audience_level")
        chain = portal_chain_for(self.parent_page if page.pk is None else page)
        owner = chain[-1] if chain else None
        formset = self.formsets.get("audience_targets")
        targets = []
        if formset is not None and formset.is_valid():  # validated here, before ClusterForm does
            for form in formset.forms:
                data = getattr(form, "cleaned_data", None) or {}
                if data.get("portal") and not data.get("DELETE"):
                    targets.append(data["portal"])
        for field, message in audience_errors(page, owner=owner, targets=targets).items():
            self.add_error(field, message)
        return cleaned_data
