"""`manage.py load_demo`: the Hải Dương demo (idempotent; what `make run` calls)."""

from django.core.management.base import BaseCommand

from cms.demo_loader import load_demo


class Command(BaseCommand):
    help = "Load the Hải Dương demo: 220 real portals, demo news, images and demo users."

    def handle(self, *args, **options):
        load_demo(say=self.stdout.write)
