"""Refresh the browser files vendored under api/static/vendor from their npm packages.

    python scripts/refresh_vendor.py            # fetch the pinned versions, rewrite files and sha256s
    python scripts/refresh_vendor.py --check    # verify the files on disk against the manifest, offline

The pins live in api/static/vendor/manifest.json: for each package, its version, the files taken from
its tarball (`npm pack NAME@VERSION`) and the licence file. To upgrade, change a version there and run
the script; it writes each file's sha256 back into the manifest. Needs `npm` on PATH (registry access)
except with --check.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

VENDOR = Path(__file__).resolve().parent.parent / "api" / "static" / "vendor"
MANIFEST = VENDOR / "manifest.json"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def package_dir(name: str, version: str) -> Path:
    return VENDOR / f"{name.replace('/', '__')}@{version}"


def fetch(name: str, version: str, workdir: Path) -> Path:
    """The unpacked `package/` folder of NAME@VERSION's npm tarball."""
    out = subprocess.run(["npm", "pack", "--silent", f"{name}@{version}", "--pack-destination", str(workdir)],
                         check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    with tarfile.open(workdir / out) as tar:
        tar.extractall(workdir / name.replace("/", "__"), filter="data")
    return workdir / name.replace("/", "__") / "package"


def refresh(manifest: dict) -> None:
    for old in VENDOR.iterdir():
        if old.is_dir():
            shutil.rmtree(old)
    with tempfile.TemporaryDirectory() as tmp:
        for pkg in manifest["packages"]:
            src = fetch(pkg["name"], pkg["version"], Path(tmp))
            dest = package_dir(pkg["name"], pkg["version"])
            hashes = {}
            for rel in [*pkg["files"], pkg["licenseFile"]]:
                origin = src / rel if (src / rel).exists() else Path(tmp) / pkg.get("licenseFrom", "") / "package" / rel
                target = dest / Path(rel).name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(origin, target)
                hashes[target.name] = sha256(target)
            pkg["sha256"] = hashes
            print(f"{pkg['name']}@{pkg['version']}: {', '.join(hashes)}")
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")


def check(manifest: dict) -> list[str]:
    problems = []
    for pkg in manifest["packages"]:
        dest = package_dir(pkg["name"], pkg["version"])
        for fname, digest in pkg["sha256"].items():
            path = dest / fname
            if not path.exists():
                problems.append(f"missing {path.relative_to(VENDOR)}")
            elif sha256(path) != digest:
                problems.append(f"changed {path.relative_to(VENDOR)}")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="verify files against the manifest, fetch nothing")
    args = parser.parse_args()
    manifest = json.loads(MANIFEST.read_text())
    if args.check:
        problems = check(manifest)
        print("\n".join(problems) or "vendored files match the manifest")
        return 1 if problems else 0
    refresh(manifest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
