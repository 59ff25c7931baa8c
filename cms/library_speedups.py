"""Two libraries' per-object costs on every page served, cut without changing what they do.

Each is a wrapper installed once at start-up (`install`, from CmsConfig.ready) that keeps the
library's own code for every case it exists for, and skips work whose result cannot matter.

* **django-modeltranslation** makes every queryset a manager hands out multilingual by giving it
  a class built on the spot (`multilingual_queryset_factory`): a `class` statement runs for each
  `.objects` call, costing about as much as compiling a small query, and leaves cyclic garbage
  for the collector. The class built depends only on the queryset class it extends, so it is
  built once per class and kept. `pickle` still rebuilds querysets through the same factory.
* **django-modelcluster**'s `ClusterableModel.__init__` (every Wagtail page) lists the model's
  child relations on each instance, to pick them out of the keyword arguments. Rows read from
  the database arrive as positional arguments only (`Model.from_db`), so with no keyword
  arguments there is nothing to pick out: a portal page builds about twenty page objects.
"""

from __future__ import annotations

from functools import cache

from modelcluster.models import ClusterableModel
from modeltranslation import manager


def install() -> None:
    if getattr(manager.multilingual_queryset_factory, "shares_classes", False):
        return
    _share_multilingual_queryset_classes()
    _skip_child_relations_without_keywords()


def _share_multilingual_queryset_classes() -> None:
    build = manager.multilingual_queryset_factory

    @cache
    def multilingual_class(old_cls: type) -> type:
        return build(old_cls, instantiate=False)

    def multilingual_queryset_factory(old_cls, instantiate=True):
        new_class = multilingual_class(old_cls)
        return new_class() if instantiate else new_class

    multilingual_queryset_factory.shares_classes = True
    manager.multilingual_queryset_factory = multilingual_queryset_factory


def _skip_child_relations_without_keywords() -> None:
    clusterable_init = ClusterableModel.__init__

    def __init__(self, *args, **kwargs):
        if kwargs:
            clusterable_init(self, *args, **kwargs)
        else:
            super(ClusterableModel, self).__init__(*args)

    ClusterableModel.__init__ = __init__
