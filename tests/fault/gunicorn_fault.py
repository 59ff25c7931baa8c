"""gunicorn configuration of the fault test: each worker stalls inside every publish and every
page move.

`page_published` is sent from inside a publish, after the page row is written and before the log
entries are; `post_page_move` from inside a restructuring, after the first page has moved and before
the rest. The receiver writes the worker's pid to PORTALS_FAULT_MARKER and sleeps, so the test can
SIGKILL the worker at exactly that point.
"""

import os
import time

workers = 1
timeout = 120
graceful_timeout = 5


def post_worker_init(worker):
    from wagtail.signals import page_published, post_page_move

    marker = os.environ["PORTALS_FAULT_MARKER"]

    def stall_inside_transaction(sender, instance, **kwargs):
        with open(marker, "w") as out:
            out.write(str(os.getpid()))
        time.sleep(60)

    page_published.connect(stall_inside_transaction, weak=False)
    post_page_move.connect(stall_inside_transaction, weak=False)
