"""The browser pages the server serves itself: GraphiQL, the dashboard and their vendored files.

Every file is on disk under api/static (see static/vendor/manifest.json for the npm packages and
their licences); the Content-Security-Policy keeps the browser from loading anything from another host.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

STATIC_DIR = Path(__file__).resolve().parent / "static"

# 'unsafe-inline' styles: GraphiQL's React components set style attributes. Fonts and icons are data: URLs.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'"
)
PAGE_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, "Referrer-Policy": "no-referrer",
                "X-Content-Type-Options": "nosniff", "Cache-Control": "no-cache"}


@lru_cache(maxsize=None)
def _page(name: str) -> str:
    return (STATIC_DIR / name).read_text(encoding="utf-8")


def page_response(name: str) -> Response:
    """An HTML page from api/static with the headers that keep it on this host."""
    return HTMLResponse(_page(name), headers=PAGE_HEADERS)


def graphiql_page() -> Response:
    return page_response("graphiql/index.html")


async def dashboard(request: Request) -> Response:
    return page_response("dashboard/index.html")


def web_routes() -> list[Route | Mount]:
    return [
        Route("/dashboard", dashboard),
        Route("/dashboard/", dashboard),
        Mount("/static", StaticFiles(directory=STATIC_DIR), name="static"),
    ]
