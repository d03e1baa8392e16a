"""Install uv into .tools/ on a machine that has python3 but maybe no pip (a fresh Debian).

Tries pip first; otherwise fetches uv's wheel from the package index and unpacks its binary.
"""

from __future__ import annotations

import io
import json
import os
import platform
import stat
import subprocess
import sys
import urllib.parse
import urllib.request
import zipfile
from pathlib import Path

DEST = Path(__file__).resolve().parent.parent / ".tools"
INDEX = os.environ.get("PINGAN_PYPI_JSON", "https://pypi.org/pypi/uv/json")


def via_pip() -> bool:
    target = DEST / "pip-uv"
    result = subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--target", str(target), "uv"],
        capture_output=True, check=False,
    )
    binary = target / "bin" / "uv"
    if result.returncode == 0 and binary.exists():
        link(binary)
        return True
    return False


def via_wheel() -> None:
    arch = {"x86_64": "x86_64", "amd64": "x86_64", "aarch64": "aarch64", "arm64": "aarch64"}[
        platform.machine().lower()]
    meta = json.load(urllib.request.urlopen(INDEX, timeout=60))  # noqa: S310 - fixed https URL
    wheel = next(f for f in meta["urls"] if f["filename"].endswith(".whl")
                 and "manylinux" in f["filename"] and arch in f["filename"])
    url = urllib.parse.urljoin(INDEX, wheel["url"])  # mirrors may give relative links
    data = urllib.request.urlopen(url, timeout=300).read()  # noqa: S310
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        name = next(n for n in zf.namelist() if n.endswith("/scripts/uv"))
        target = DEST / "wheel-uv" / "uv"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(zf.read(name))
    target.chmod(target.stat().st_mode | stat.S_IEXEC)
    link(target)


def link(binary: Path) -> None:
    bindir = DEST / "bin"
    bindir.mkdir(parents=True, exist_ok=True)
    dest = bindir / "uv"
    if dest.exists() or dest.is_symlink():
        dest.unlink()
    dest.symlink_to(binary)


if __name__ == "__main__":
    DEST.mkdir(exist_ok=True)
    if not via_pip():
        via_wheel()
    print(DEST / "bin" / "uv")
