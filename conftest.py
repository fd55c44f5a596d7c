from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or (
    "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None
)
SKIP_BROWSER = (
    "未找到 Debian 的 chromium（apt-get install chromium）：浏览器测试已跳过；.ci/run 会自动安装。"
)
ARTIFACTS = Path(__file__).resolve().parent / "test-artifacts"


def pytest_report_header(config):
    db = "PostgreSQL" if os.environ.get("DATABASE_URL", "").startswith("postgres") else "SQLite"
    browser = f"chromium: {CHROMIUM}" if CHROMIUM else f"浏览器测试：{SKIP_BROWSER}"
    return [f"数据库: {db}", browser]


@pytest.fixture(autouse=True)
def _imports_run_inline(settings, tmp_path):
    """Import work runs inline in tests (one test exercises the thread); progress files go to tmp."""
    settings.DUDAO_IMPORT_SYNC = True
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def client():
    """Django's test client, dispatching as config/wsgi.py does (dudao/testing/client.py)."""
    from dudao.testing.client import ProductionClient

    return ProductionClient()


@pytest.fixture
def cast(db):
    from dudao.testing import build_cast

    return build_cast()


@pytest.fixture(scope="session")
def chromium_browser():
    """One headless Debian chromium per test worker, driven by Playwright."""
    if CHROMIUM is None:
        pytest.skip(SKIP_BROWSER)
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # around it are ordinary synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=[
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ],
    )
    yield browser
    browser.close()
    pw.stop()


DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser_page(chromium_browser, live_server):
    """A factory: browser_page(size=DESKTOP) -> a fresh Playwright page with base_url set."""
    contexts = []

    def make(size=None, *, phone=False):
        viewport = size or (PHONE if phone else DESKTOP)
        context = chromium_browser.new_context(
            base_url=live_server.url,
            viewport=viewport,
            locale="zh-CN",
            is_mobile=phone,
            has_touch=phone,
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield make
    for context in contexts:
        context.close()


def submit(page, selector: str) -> None:
    """Click a button or link that loads another page, and return once that page has loaded.

    A bare click returns as soon as the navigation has started: a check made right after it can
    read the page being left (and pass on its text), and a screenshot taken while the new page
    replaces the old one fails with "Unable to capture screenshot"."""
    with page.expect_navigation():
        page.click(selector)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/screenshots/ for a person to look at."""
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.wait_for_load_state("load")
    page.screenshot(path=str(path), full_page=True)
    return path
