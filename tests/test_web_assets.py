"""The files the browser pages load: all vendored from npm with pinned versions and licences, served by this
server, and no page or script of ours names another host."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "api" / "static"
MANIFEST = json.loads((STATIC / "vendor" / "manifest.json").read_text())
OURS = [p for p in STATIC.rglob("*") if p.is_file() and "vendor" not in p.parts]
REMOTE = re.compile(r"""(?:src|href)\s*=\s*["']?(?:https?:)?//|url\(\s*["']?(?:https?:)?//|https?://(?!127\.0\.0\.1|localhost)""")


def test_vendored_files_match_the_manifest_offline():
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "refresh_vendor.py"), "--check"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.parametrize("package", MANIFEST["packages"], ids=lambda p: p["name"])
def test_each_package_is_pinned_and_keeps_its_licence(package):
    assert re.fullmatch(r"\d+\.\d+\.\d+", package["version"])
    folder = STATIC / "vendor" / f"{package['name'].replace('/', '__')}@{package['version']}"
    licence = (folder / Path(package["licenseFile"]).name).read_text()
    assert "Permission is hereby granted" in licence and "MIT" in licence
    assert set(package["sha256"]) == {Path(f).name for f in [*package["files"], package["licenseFile"]]}


@pytest.mark.parametrize("path", OURS, ids=lambda p: str(p.relative_to(STATIC)))
def test_our_pages_name_no_other_host(path):
    assert not REMOTE.search(path.read_text()), f"{path} refers to another host"


def test_pages_load_only_files_that_exist():
    for page in STATIC.rglob("*.html"):
        for ref in re.findall(r"""(?:src|href)="(/static/[^"]+)\"""", page.read_text()):
            assert (STATIC / ref.removeprefix("/static/")).is_file(), f"{page.name}: {ref} is missing"


async def test_graphiql_and_the_dashboard_are_served_with_a_policy_that_keeps_them_local(client):
    for path in ("/graphql", "/dashboard"):
        response = await client.http.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, path
        policy = response.headers["content-security-policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "connect-src 'self'" in policy
        assert "unpkg" not in response.text and "cdn" not in response.text.lower()
    script = await client.http.get("/static/vendor/graphiql@3.8.3/graphiql.min.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith(("text/javascript",
                                                                                   "application/javascript"))
    missing = await client.http.get("/static/vendor/nothing.js")
    assert missing.status_code == 404
