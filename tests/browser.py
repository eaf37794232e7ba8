"""Headless Chromium for the dashboard tests and benchmark: Debian's `chromium` driven by Playwright.

The browser is never downloaded (`playwright install` cannot reach its host here): it is the system's,
found at $CHROMIUM or on PATH. Its host resolver knows only localhost, so a page that reached for another
host would fail to load, and every request that leaves 127.0.0.1 is recorded and refused.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from urllib.parse import urlparse

HOW_TO_GET_IT = ("headless Chromium is needed: on Debian/Ubuntu `apt-get install -y chromium` (or set CHROMIUM to "
                 "a Chromium binary), and the test extras (`pip install -e '.[test]'`: Playwright for Python)")
# As root Chromium needs --no-sandbox; the background-networking flags stop it from calling home.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--disable-default-apps", "--disable-extensions",
         "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}


def chromium_path() -> str | None:
    if given := os.environ.get("CHROMIUM"):
        return given if os.access(given, os.X_OK) else None
    return shutil.which("chromium") or shutil.which("chromium-browser")


def missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        return "Playwright for Python is not installed; " + HOW_TO_GET_IT
    if chromium_path() is None:
        where = f"CHROMIUM={os.environ['CHROMIUM']} is not an executable" if os.environ.get("CHROMIUM") else \
            "no Chromium binary found"
        return f"{where}; {HOW_TO_GET_IT}"
    return None


@dataclass
class Guard:
    """Every URL the page asked for that was not on this machine."""

    outside: list[str] = field(default_factory=list)

    def is_local(self, url: str) -> bool:
        parsed = urlparse(url)
        return parsed.scheme in ("data", "blob", "about") or parsed.hostname in LOCAL_HOSTS


@asynccontextmanager
async def chromium() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:  # Playwright gives the browser a new empty profile directory
        browser = await p.chromium.launch(executable_path=chromium_path(), headless=True, args=FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


async def new_page(browser, guard: Guard, *, width: int = 1300, height: int = 900):
    """A page in a fresh context (its own sessionStorage) whose requests off this machine are refused."""
    context = await browser.new_context(viewport={"width": width, "height": height})

    async def route(r):
        if guard.is_local(r.request.url):
            await r.continue_()
        else:
            guard.outside.append(r.request.url)
            await r.abort()

    await context.route("**/*", route)
    page = await context.new_page()
    page.on("websocket", lambda ws: None if guard.is_local(ws.url) else guard.outside.append(ws.url))
    return page
