"""A large export in a real browser: the page shows its progress and offers the download when the
worker (here a thread beside the live server) has written it."""
import threading
from io import BytesIO
from pathlib import Path

import pytest
from openpyxl import load_workbook

from talent.extensions import db
from talent.jobs import operations as jobs
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.browser


def test_a_large_export_shows_progress_and_downloads_when_ready(page, live_app):
    live_app.config["EXPORT_SYNC_LIMIT"] = 0  # every export counts as large here
    sign_in(page, "zzb")
    page.goto("/talents/export.xlsx?status=all")
    page.wait_for_url("**/jobs/*")
    bar = page.locator("#job-progress")
    assert bar.get_attribute("aria-valuenow") == "0" and page.get_by_text("排队中").is_visible()
    assert page.locator("#job-download").is_hidden()

    stop = threading.Event()

    def worker():
        with live_app.app_context():
            while not stop.is_set():
                if not jobs.run_next():
                    stop.wait(0.2)
            db.session.remove()

    thread = threading.Thread(target=worker, daemon=True)
    thread.start()
    try:
        page.locator("#job-download-link").wait_for(state="visible")
        assert bar.get_attribute("aria-valuenow") == "100" and page.get_by_text("已完成").is_visible()
        with page.expect_download() as info:
            page.locator("#job-download-link").click()
        workbook = load_workbook(BytesIO(Path(info.value.path()).read_bytes()), read_only=True)
        rows = list(workbook.active.iter_rows(values_only=True))
        assert rows[0][0] == "人才编号" and any(r[1] == "李明" for r in rows[1:])
        assert info.value.suggested_filename.startswith("科技人才信息库-")
    finally:
        stop.set()
        thread.join(10)
        live_app.config["EXPORT_SYNC_LIMIT"] = 10_000
