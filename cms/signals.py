"""Signals of the content app.

`portal_listings_changed` says that what one portal shows changed without any page of its own being
published: a receiver hid, showed or pinned an inherited item, or accepted a story from below. The
whole-page cache listens to it; publishing, unpublishing and moving pages are Wagtail's own signals.
"""

from django.dispatch import Signal

# sent with portal=<PortalPage>
portal_listings_changed = Signal()
