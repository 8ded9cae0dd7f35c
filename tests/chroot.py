"""A throw-away Debian 12 root file system, made with debootstrap, to follow the Dockerfile in
when no Docker engine is available (see test_delivery's "image, step by step" section).

Needs root. debootstrap comes from Debian's packages: when it is missing and we may run apt-get
(as on a fresh CI machine) it is installed here; otherwise the calling test is skipped with the
command that installs it. The machine's CA bundle and resolver are copied in, so a build step
that downloads (apt-get, pip) trusts what the machine itself trusts.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

import pytest
from browser import apt_install, can_apt_install

SUITE = "bookworm"
MIRROR = "http://deb.debian.org/debian"
INSTALL = "sudo apt-get update && sudo apt-get install -y debootstrap"
CA_BUNDLE = Path("/etc/ssl/certs/ca-certificates.crt")
SLIM_EXCLUDES = "path-exclude /usr/share/man/*\npath-exclude /usr/share/doc/*\n"
"""What Debian's slim images leave out (their dpkg configuration drops man pages and docs)."""
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
"""PATH in Debian-based images before any ENV changes it."""


def _require_tools() -> None:
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("building a Debian root file system needs root (chroot, mount)")
    if shutil.which("debootstrap") is None and can_apt_install():
        apt_install("debootstrap")
    if shutil.which("debootstrap") is None:
        pytest.skip(f"debootstrap is not installed: {INSTALL}")
    if shutil.which("ip") is None and can_apt_install():
        apt_install("iproute2")
    for tool in ("chroot", "mount", "umount", "unshare", "nsenter", "ip"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not available (Debian packages util-linux, mount and iproute2)")


def _check(command: list[str], timeout: float, what: str) -> str:
    """Run ``command``; fail the test with its output if it fails, else return that output."""
    done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        pytest.fail(f"{what} failed ({done.returncode}):\n{done.stdout[-4000:]}{done.stderr[-4000:]}")
    return done.stdout + done.stderr


def make_slim_root(root: Path, packages: list[str], later: list[str]) -> Path:
    """Debian 12 (minbase) at ``root`` with ``packages``, then ``later`` installed by apt inside
    it (packages whose set-up debootstrap itself cannot finish), made slim like Debian's slim
    images: no man pages or docs, now or for anything installed later."""
    _require_tools()
    _check(["debootstrap", "--variant=minbase", f"--include={','.join(packages)}", SUITE, str(root), MIRROR],
           timeout=1200, what="debootstrap")
    (root / "etc/dpkg/dpkg.cfg.d/slim").write_text(SLIM_EXCLUDES)
    shutil.rmtree(root / "usr/share/man", ignore_errors=True)
    (root / "usr/share/man").mkdir()
    with mounted(root):
        run(root, f"apt-get update -qq && apt-get install -y -qq --no-install-recommends {' '.join(later)}"
                  " && apt-get clean && rm -rf /var/lib/apt/lists/*",
            env={"DEBIAN_FRONTEND": "noninteractive"}, timeout=600)
    return root


@contextmanager
def mounted(root: Path) -> Iterator[Path]:
    """/proc and /dev inside ``root``, and the machine's resolver and CA bundle copied in, for
    as long as the block runs; the mounts are always undone."""
    shutil.copy("/etc/resolv.conf", root / "etc/resolv.conf")
    if CA_BUNDLE.exists():
        (root / CA_BUNDLE.relative_to("/")).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CA_BUNDLE, root / CA_BUNDLE.relative_to("/"))
    proc, dev = root / "proc", root / "dev"
    mounted_here: list[Path] = []
    try:
        subprocess.run(["mount", "-t", "proc", "proc", str(proc)], check=True, timeout=30)
        mounted_here.append(proc)
        # /dev with what is mounted below it (/dev/shm, /dev/pts), as a one-way copy: nothing
        # unmounted inside reaches the machine's own /dev.
        subprocess.run(["mount", "--rbind", "/dev", str(dev)], check=True, timeout=30)
        mounted_here.append(dev)
        subprocess.run(["mount", "--make-rslave", str(dev)], check=True, timeout=30)
        yield root
    finally:
        for target in reversed(mounted_here):
            subprocess.run(["umount", "--recursive", "--lazy", str(target)], timeout=30)


def _table(root: Path, name: str) -> list[list[str]]:
    """The colon-separated lines of ``root``'s /etc/``name``."""
    return [line.split(":") for line in (root / "etc" / name).read_text().splitlines() if ":" in line]


def accounts(root: Path) -> dict[str, tuple[int, int, str]]:
    """Each user of ``root``'s /etc/passwd: name -> (uid, gid, home folder)."""
    return {f[0]: (int(f[2]), int(f[3]), f[5]) for f in _table(root, "passwd") if len(f) > 5}


def groups(root: Path) -> dict[str, int]:
    """Each group of ``root``'s /etc/group: name -> gid."""
    return {f[0]: int(f[2]) for f in _table(root, "group") if len(f) > 2}


def user_home(root: Path, uid: int) -> str:
    """The home folder of ``uid`` in ``root``'s /etc/passwd ("/" when it has no entry)."""
    return next((home for user, _, home in accounts(root).values() if user == uid), "/")


def chroot_argv(root: Path, argv: list[str], user: str = "0:0", env: Mapping[str, str] = {},
                cwd: str = "/") -> list[str]:
    """The command that runs ``argv`` inside ``root`` as ``user`` (``uid:gid``), in ``cwd``, with
    exactly ``env`` (plus HOME from the user's passwd entry, unless given)."""
    uid = int(user.split(":")[0])
    environment = {"HOME": user_home(root, uid), **env}
    inner = f"cd {shlex.quote(cwd)} && exec " + " ".join(shlex.quote(a) for a in argv)
    return ["chroot", f"--userspec={user}", str(root), "/usr/bin/env", "-i",
            *(f"{k}={v}" for k, v in environment.items()), "/bin/sh", "-c", inner]


def run(root: Path, command: str, user: str = "0:0", env: Mapping[str, str] = {}, cwd: str = "/",
        timeout: float = 600) -> str:
    """Run a shell ``command`` inside ``root`` (see :func:`chroot_argv`); fail the test with its
    output if it fails, else return that output."""
    argv = chroot_argv(root, ["/bin/sh", "-c", command], user, {"PATH": DEFAULT_PATH, **env}, cwd)
    return _check(argv, timeout, f"`{command}` in the image")
