"""Headless Chromium for the browser tests (slides, JupyterLab, the formgrader), shared by all, and
the Jupyter server those tests start, wait for and stop.

Chromium comes from Debian (`/usr/bin/chromium`), never from playwright's own download: when
it is missing and we are root on a Debian-like machine with apt-get (as on a fresh CI machine),
it is installed here; otherwise the test is skipped with the command that installs it.
Pages are opened with every request to the internet blocked, so a test also proves that what
it shows needs no network.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import psutil
import pytest

CHROMIUM = Path("/usr/bin/chromium")
INSTALL = "sudo apt-get update && sudo apt-get install -y chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--disable-sync", "--no-first-run"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
APT_ENV = {"DEBIAN_FRONTEND": "noninteractive"}
APT_WAIT = ["-o", "DPkg::Lock::Timeout=600"]  # other jobs may hold apt's lock for a while

os.environ.setdefault("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")


def apt_install(package: str) -> None:
    """``apt-get update`` then ``apt-get install -y package``; raise with apt's output on failure."""
    env = {**os.environ, **APT_ENV}
    for command in (["apt-get", *APT_WAIT, "update", "-qq"],
                    ["apt-get", *APT_WAIT, "install", "-y", "-qq", "--no-install-recommends", package]):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode != 0:
            raise RuntimeError(f"`{' '.join(command)}` failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")


def can_apt_install() -> bool:
    """True when we may install Debian packages ourselves: root, with apt-get, on Debian or Ubuntu."""
    return (hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get") is not None
            and Path("/etc/debian_version").exists())


@functools.cache
def chromium() -> str:
    """Path of Debian's Chromium, installed with apt-get first when missing and allowed;
    otherwise skip the calling test, saying how to install it."""
    if not CHROMIUM.exists() and can_apt_install():
        apt_install("chromium")
    if not CHROMIUM.exists():
        pytest.skip(f"headless Chromium is not installed: {INSTALL}")
    return str(CHROMIUM)


@functools.cache
def npm() -> str:
    """Path of npm (for the slides' reveal.js), installed with apt-get first when missing and
    allowed; otherwise skip the calling test, saying how to install it."""
    if shutil.which("npm") is None and can_apt_install():
        apt_install("npm")
    found = shutil.which("npm")
    if found is None:
        pytest.skip("npm is not installed: sudo apt-get update && sudo apt-get install -y npm")
    return found


def is_local(url: str) -> bool:
    """True for URLs that stay on this machine (files, inline data, the loopback address).

    >>> [is_local(u) for u in ("file:///tmp/a.html", "http://127.0.0.1:8888/lab", "https://unpkg.com/x")]
    [True, True, False]
    """
    parts = urlsplit(url)
    return parts.scheme in {"file", "data", "blob", "about"} or (
        parts.scheme in {"http", "https", "ws", "wss"} and (parts.hostname or "") in LOCAL_HOSTS)


@contextmanager
def browser(viewport: tuple[int, int] = (1280, 720)) -> Iterator:
    """A fresh browser context on headless Chromium with every non-local request blocked; the
    blocked URLs are collected in ``context.blocked`` (a list)."""
    from playwright.sync_api import sync_playwright

    path = chromium()
    with sync_playwright() as playwright:
        chrome = playwright.chromium.launch(executable_path=path, args=LAUNCH_ARGS, headless=True)
        try:
            context = chrome.new_context(viewport={"width": viewport[0], "height": viewport[1]})
            context.blocked = []

            def gate(route) -> None:
                if is_local(route.request.url):
                    route.continue_()
                else:
                    context.blocked.append(route.request.url)
                    route.abort("blockedbyclient")

            context.route("**/*", gate)
            yield context
            context.close()
        finally:
            chrome.close()


def watch(page) -> list[str]:
    """Collect the page's JavaScript errors, console errors and failed requests as strings."""
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"JS error: {error}"))
    page.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error" else None)
    page.on("requestfailed", lambda req: problems.append(f"request failed: {req.url} ({req.failure})"))
    return problems


@dataclass
class Lab:
    """A running JupyterLab server."""

    base: str
    token: str
    proc: subprocess.Popen
    log: Path


def free_port() -> int:
    """A port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def status(url: str, token: str | None = None) -> tuple[int, str]:
    """HTTP status and Location header of a GET, redirects not followed (0 when nothing answers)."""
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"} if token else {})
    try:
        with urllib.request.build_opener(_NoRedirect).open(request, timeout=10) as answer:
            return answer.status, answer.headers.get("Location", "")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Location", "")
    except (urllib.error.URLError, OSError):
        return 0, ""


def stop_server(lab: Lab) -> list[str]:
    """Shut the server down (kernels first, through its API), then make sure of it; return the
    processes that had to be killed."""
    family = []
    with contextlib.suppress(psutil.NoSuchProcess):
        family = psutil.Process(lab.proc.pid).children(recursive=True)
    with contextlib.suppress(urllib.error.URLError, OSError):
        urllib.request.urlopen(urllib.request.Request(
            f"{lab.base}/api/shutdown", method="POST", headers={"Authorization": f"token {lab.token}"}), timeout=20)
    with contextlib.suppress(subprocess.TimeoutExpired):
        lab.proc.wait(timeout=30)
    left = []
    if lab.proc.poll() is None:
        left.append(f"server {lab.proc.pid}")
        with contextlib.suppress(ProcessLookupError):
            os.killpg(lab.proc.pid, signal.SIGKILL)
        lab.proc.wait(timeout=10)
    _, alive = psutil.wait_procs(family, timeout=10)
    for process in alive:
        with contextlib.suppress(psutil.Error):
            left.append(f"{process.pid} {' '.join(process.cmdline()[:4])}")
            process.kill()
    return left


def wait_for_server(server: Lab, timeout: float) -> Lab:
    """Wait until the server answers an authorised request; fail the test with its log (and stop
    it) when it ends or does not answer within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    try:
        while status(f"{server.base}/api/status", server.token)[0] != 200:
            if server.proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Jupyter server did not start:\n{server.log.read_text()[-3000:]}")
            time.sleep(0.5)
    except BaseException:
        stop_server(server)
        raise
    return server
