"""Delivery checks that need no Docker engine: the attendee Dockerfile, Binder/conda's
environment.yml, and the system install script that Docker, `make` and CI share.

The Dockerfile is parsed (dockerfile-parse) and checked for what an attendee relies on; its
JupyterLab command is also started here, from this venv, to prove the flags work and the server
refuses requests without the token. environment.yml is checked against requirements.lock.
Last, the Dockerfile's final stage is followed step by step in a Debian 12 root file system (no
engine needed, but root and debootstrap) and the result is run offline as the learner.
"""

from __future__ import annotations

import csv
import json
import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from importlib import metadata
from pathlib import Path

import chroot
import numpy as np
import pytest
import yaml
from dockerfile_parse import DockerfileParser

from workshop_utils.paths import PROJECT_ROOT, feedback_page, released_notebook, source_notebook, submitted_notebook

ROOT = PROJECT_ROOT
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
ENVIRONMENT = ROOT / "environment.yml"
LOCK = ROOT / "requirements.lock"
INSTALL_SYSTEM = ROOT / "scripts" / "install-system.sh"
INSTALL = ROOT / "scripts" / "install.sh"

PORT = "8888"
BUILD_TOOLS = re.compile(
    r"\b(gcc|g\+\+|cc|clang|build-essential|make|cmake|gfortran|python3-dev|libc6-dev|"
    r"cuda[\w.-]*|nvidia[\w.-]*)\b"
)


# --------------------------------------------------------------------------------------------
# Reading the Dockerfile


def _instructions() -> list[dict]:
    parser = DockerfileParser(path=str(DOCKERFILE))
    return [i for i in parser.structure if i["instruction"] != "COMMENT"]


def _stages() -> list[list[dict]]:
    """The instructions of each build stage, FROM first."""
    stages: list[list[dict]] = []
    for ins in _instructions():
        if ins["instruction"] == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(ins)
    return stages


def _final() -> list[dict]:
    stages = _stages()
    assert stages, "the Dockerfile has no FROM"
    return stages[-1]


def _of(stage: list[dict], name: str) -> list[dict]:
    return [i for i in stage if i["instruction"] == name]


def _env(stage: list[dict]) -> dict[str, str]:
    """ENV values set in a stage (key=value form, later ones win)."""
    env: dict[str, str] = {}
    for ins in _of(stage, "ENV"):
        words = shlex.split(ins["value"])
        if len(words) >= 2 and "=" not in words[0]:  # legacy `ENV KEY value`
            env[words[0]] = " ".join(words[1:])
            continue
        for word in words:
            key, _, value = word.partition("=")
            env[key] = value
    return env


def _exec_form(ins: dict) -> list[str] | None:
    try:
        argv = json.loads(ins["value"])
    except json.JSONDecodeError:
        return None
    return argv if isinstance(argv, list) and all(isinstance(a, str) for a in argv) else None


def _command() -> list[str]:
    """What the container runs: the final stage's ENTRYPOINT followed by its CMD."""
    final = _final()
    argv: list[str] = []
    for name in ("ENTRYPOINT", "CMD"):
        found = _of(final, name)
        if found:
            ins = found[-1]
            form = _exec_form(ins)
            assert form is not None, (
                f"{name} must use the JSON exec form, so Jupyter is PID 1 and gets docker stop's "
                f"signal: {ins['value']}"
            )
            argv += form
    assert argv, "the final stage has neither CMD nor ENTRYPOINT"
    return argv


def _options(argv: list[str]) -> dict[str, str]:
    """Command-line options as {name: value}: `--a.b=v`, `--a.b v` and `--flag` (value "")."""
    opts: dict[str, str] = {}
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg.startswith("--"):
            name, eq, value = arg[2:].partition("=")
            if not eq and i + 1 < len(argv) and not argv[i + 1].startswith("--"):
                value = argv[i + 1]
                i += 1
            opts[name] = value
        i += 1
    return opts


def _option(opts: dict[str, str], *names: str) -> str | None:
    for name in names:
        if name in opts:
            return opts[name]
    return None


def _copies(stage: list[dict]) -> list[tuple[list[str], str, dict[str, str]]]:
    """(sources, destination, flags) of each COPY/ADD in a stage."""
    out = []
    for ins in _of(stage, "COPY") + _of(stage, "ADD"):
        words = shlex.split(ins["value"])
        flags = {}
        while words and words[0].startswith("--"):
            name, _, value = words.pop(0)[2:].partition("=")
            flags[name] = value
        out.append((words[:-1], words[-1], flags))
    return out


# .dockerignore, with Docker's rules: patterns in order, the last that matches a path or one of
# its parent folders wins; `!` re-includes; `*` stays within one folder, `**` crosses folders.


def _ignore_rules() -> list[tuple[re.Pattern, bool]]:
    rules = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        include = line.startswith("!")
        pattern = os.path.normpath(line[1:] if include else line).lstrip("/")
        regex, i = "", 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                regex, i = regex + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                regex, i = regex + ".*", i + 2
            elif pattern[i] == "*":
                regex, i = regex + "[^/]*", i + 1
            elif pattern[i] == "?":
                regex, i = regex + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                regex, i = regex + pattern[i : end + 1], end + 1
            else:
                regex, i = regex + re.escape(pattern[i]), i + 1
        rules.append((re.compile(regex + r"\Z"), include))
    return rules


def _in_context(path: str) -> bool:
    """Whether the build context (after .dockerignore) holds this repository path."""
    parts = Path(path).parts
    candidates = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    kept = True
    for regex, include in _ignore_rules():
        if any(regex.match(c) for c in candidates):
            kept = include
    return kept


# --------------------------------------------------------------------------------------------
# (a) The Dockerfile


def test_base_image_is_debian_python_311_pinned_by_full_tag_and_digest():
    pin = re.compile(r"^[\w./-]+:[\w.-]+@sha256:[0-9a-f]{64}$")
    names = set()
    for stage in _stages():
        words = shlex.split(stage[0]["value"])
        words = [w for w in words if not w.startswith("--platform")]
        image = words[0]
        if image in names:  # FROM an earlier stage
            continue
        assert pin.match(image), f"base image not pinned by tag and digest: {image}"
        if len(words) == 3 and words[1].lower() == "as":
            names.add(words[2])
    final_base = shlex.split(_final()[0]["value"])[0]
    assert re.match(
        r"^python:3\.11\.\d+-(slim-)?(bookworm|trixie)@sha256:[0-9a-f]{64}$", final_base
    ), f"the image must be Debian-based CPython 3.11.x, by full version tag and digest: {final_base}"


def test_runs_as_a_non_root_user_who_owns_the_course():
    final = _final()
    users = _of(final, "USER")
    assert users, "the final stage has no USER: the container would run as root"
    user = users[-1]["value"].split(":")[0]
    assert user not in {"root", "0"}, f"the container runs as root ({user})"
    runs = " ".join(i["value"] for i in _of(final, "RUN"))
    created = re.search(r"useradd\b[^&;]*?--uid[= ](\d+)[^&;]*?\s(\w[\w-]*)\s*(?:&&|;|$)", runs)
    assert created, "no `useradd --uid N NAME` makes the course user"
    uid, name = created.groups()
    assert uid != "0" and user in {uid, name}, f"USER {user} is not the user made by useradd ({name}, {uid})"
    # The user's home holds the course, and every file copied after the last `chown -R` is theirs.
    workdir = _of(final, "WORKDIR")[-1]["value"]
    assert workdir.startswith(f"/home/{name}/"), f"WORKDIR {workdir} is not in {name}'s home"
    after_chown = False
    for ins in final:
        if ins["instruction"] == "RUN" and re.search(rf"chown -R {name}\b.*{re.escape(workdir)}", ins["value"]):
            after_chown = True
        elif ins["instruction"] in {"COPY", "ADD"} and after_chown:
            chown = re.search(r"--chown=([\w-]+)", ins["value"])
            assert chown and chown.group(1) in {name, uid}, f"copied files not owned by {name}: {ins['value']}"
    assert after_chown, f"no `chown -R {name} ... {workdir}` after the install"
    assert "--allow-root" not in _command()


def test_exposes_and_serves_jupyterlab_on_all_interfaces_port_8888():
    ports = {p.split("/")[0] for ins in _of(_final(), "EXPOSE") for p in ins["value"].split()}
    assert PORT in ports
    argv = _command()
    assert Path(argv[0]).name in {"jupyter", "jupyter-lab"}, argv
    if Path(argv[0]).name == "jupyter":
        assert argv[1] == "lab", argv
    opts = _options(argv)
    assert _option(opts, "ServerApp.ip", "ip", "NotebookApp.ip") == "0.0.0.0", (
        "inside the container Jupyter must listen on 0.0.0.0, or the published port reaches nothing"
    )
    assert _option(opts, "ServerApp.port", "port", "NotebookApp.port") == PORT


def test_token_authentication_is_never_disabled_or_baked_in():
    opts = _options(_command())
    for name, value in opts.items():
        if name.split(".")[-1] in {"token", "password"}:
            shown = value.strip("'\"")
            reason = "empty: anyone on the network could run code" if not shown else "written into the image: it is public"
            pytest.fail(f"--{name}={value!r} in the command; the token would be {reason}")
        assert name not in {"ServerApp.disable_check_xsrf", "NotebookApp.disable_check_xsrf"}, name
    for stage in _stages():
        assert "JUPYTER_TOKEN" not in _env(stage), (
            "JUPYTER_TOKEN set in the Dockerfile: an empty one means a random token anyway, a fixed one is "
            "public; leave it to `docker run -e JUPYTER_TOKEN=...`"
        )
    assert "token" not in " ".join(i["value"] for i in _of(_final(), "ARG")).lower()


def test_opens_on_the_lessons():
    opts = _options(_command())
    root = _option(opts, "ServerApp.root_dir", "notebook-dir", "ServerApp.notebook_dir", "NotebookApp.notebook_dir")
    url = _option(opts, "LabApp.default_url", "ServerApp.default_url") or ""
    assert root, "the command does not say which folder JupyterLab serves"
    workdir = _of(_final(), "WORKDIR")[-1]["value"]
    assert root.rstrip("/") in {workdir, f"{workdir}/notebooks"}, root
    assert root.rstrip("/").endswith("/notebooks") or url.rstrip("/").endswith("/tree/notebooks"), (
        f"JupyterLab should open on notebooks/ (root_dir={root}, default_url={url})"
    )
    assert _in_context("notebooks/01_monotonic_xgboost/01_monotonic_xgboost.ipynb"), (
        ".dockerignore keeps the lessons out of the image"
    )


def test_the_image_and_binder_open_the_learners_jupyterlab():
    """Docker and Binder read config/learner (no nbgrader instructor panels, no news prompt)."""
    learner = ROOT / "config" / "learner"
    assert (learner / "labconfig" / "page_config.json").exists() and (learner / "jupyter_server_config.json").exists()
    env = _env(_final())
    workdir = _of(_final(), "WORKDIR")[-1]["value"]
    assert env.get("JUPYTER_CONFIG_PATH") == f"{workdir}/config/learner", env.get("JUPYTER_CONFIG_PATH")
    assert _in_context("config/learner/labconfig/page_config.json"), ".dockerignore keeps the learner settings out"
    start = (ROOT / "start").read_text()
    assert re.search(r"^export JUPYTER_CONFIG_PATH=.*config/learner", start, re.M), "Binder's start script"
    disabled = json.loads((learner / "labconfig" / "page_config.json").read_text())["disabledExtensions"]
    assert disabled.get("@jupyter/nbgrader") and disabled.get("@jupyterlab/apputils-extension:announcements")


def test_h2o_memory_cap_fits_an_8gb_laptop():
    value = _env(_final()).get("WORKSHOP_H2O_MAX_MEM")
    assert value, "no ENV WORKSHOP_H2O_MAX_MEM in the final stage"
    match = re.fullmatch(r"(\d+)([mMgG])", value)
    assert match, f"WORKSHOP_H2O_MAX_MEM={value} is not like 2G or 1500M"
    mb = int(match.group(1)) * (1024 if match.group(2).lower() == "g" else 1)
    # A lesson's budget is 3 GB for kernel and Java together (COURSE.md); 1 GB is H2O's floor here.
    assert 1024 <= mb <= 3072, f"WORKSHOP_H2O_MAX_MEM={value} does not suit an 8 GB laptop"


def test_installs_with_the_shared_scripts_into_a_venv_on_path():
    final = _final()
    order = [(i["instruction"], i["value"]) for i in final]

    def first(instruction: str, pattern: str) -> int:
        for n, (ins, value) in enumerate(order):
            if ins == instruction and re.search(pattern, value):
                return n
        pytest.fail(f"no {instruction} matching {pattern!r} in the final stage")

    system = first("RUN", r"scripts/install-system\.sh")
    python = first("RUN", r"scripts/install\.sh /opt/venv\b")
    assert first("COPY", r"scripts/(install-system\.sh|\s)") < system
    assert first("COPY", r"scripts/(install\.sh|\s)") < python
    assert first("COPY", r"\brequirements\.lock\b") < python
    assert _env(final).get("PATH", "").startswith("/opt/venv/bin:"), "the venv is not first on PATH"
    for script in (INSTALL_SYSTEM, INSTALL):
        assert _in_context(str(script.relative_to(ROOT))), f".dockerignore hides {script.name}"


def test_data_is_baked_in_and_copied_files_are_in_the_context():
    data_files = [p.relative_to(ROOT).as_posix() for p in (ROOT / "data").rglob("*") if p.is_file()]
    assert data_files, "data/ is empty"
    hidden = [p for p in data_files if not _in_context(p)]
    assert not hidden, f".dockerignore keeps data out of the image: {hidden}"
    sources = [s.rstrip("/") for srcs, _, _ in _copies(_final()) for s in srcs]
    assert "data" in sources or "." in sources, "no COPY brings data/ into the image"
    # Every file named in a COPY must exist and survive .dockerignore, or `docker build` fails.
    for source in sources:
        if source == ".":
            continue
        assert (ROOT / source).exists(), f"COPY {source}: no such file in the repository"
        assert _in_context(source), f"COPY {source}: excluded by .dockerignore"
    for private in (".git/HEAD", ".venv/bin/python", "tests/test_delivery.py", "workshop_utils/__pycache__/x.pyc"):
        assert not _in_context(private), f".dockerignore lets {private} into the build context"


def test_no_caches_build_tools_or_cuda_in_the_image():
    final = _final()
    env = _env(final)
    for ins in _of(final, "RUN"):
        command = ins["value"]
        assert not BUILD_TOOLS.search(command.replace("install.sh", "")), f"build tools in the image: {command}"
        if re.search(r"\bpip3? install\b", command):
            assert "--no-cache-dir" in command or env.get("PIP_NO_CACHE_DIR") == "1", command
        if "apt-get install" in command:
            assert "--no-install-recommends" in command and "rm -rf /var/lib/apt/lists" in command, command
    # scripts/install-packages.sh does the pip installs; it must not keep pip's cache either.
    pip_lines = [line for line in (ROOT / "scripts" / "install-packages.sh").read_text().splitlines()
                 if re.search(r"-m pip install|pip install", line)]
    assert pip_lines and all("--no-cache-dir" in line for line in pip_lines), pip_lines
    # The lock is CPU-only: no CUDA wheels, XGBoost's CPU build.
    pinned = {line.split("==")[0].strip().lower() for line in LOCK.read_text().splitlines()
              if "==" in line and not line.startswith((" ", "#"))}
    assert "xgboost-cpu" in pinned and "xgboost" not in pinned
    assert not [p for p in pinned if p.startswith(("nvidia-", "cuda", "torch"))]


def test_healthcheck_is_cheap_and_uses_the_unauthenticated_api_endpoint():
    checks = _of(_final(), "HEALTHCHECK")
    assert checks, "no HEALTHCHECK"
    argv = _healthcheck_argv()
    assert argv[0] in {"python", "/opt/venv/bin/python"} and f"127.0.0.1:{PORT}/api" in " ".join(argv)


def _healthcheck_argv() -> list[str]:
    value = _of(_final(), "HEALTHCHECK")[-1]["value"]
    form = value[value.index("CMD") + 3 :].strip()
    argv = json.loads(form)
    assert isinstance(argv, list)
    return argv


# The command, run for real from this venv: the flags exist in the pinned JupyterLab, the token is
# on, and the health check answers. (Listens on 127.0.0.1 here, not 0.0.0.0.)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _start_lab(env_token: str | None, workdir: Path) -> tuple[subprocess.Popen, int, Path]:
    jupyter = Path(sys.executable).with_name("jupyter")
    if not jupyter.exists():
        pytest.skip("jupyter is not installed next to this Python")
    port = _free_port()
    root = workdir / "course"
    (root / "notebooks").mkdir(parents=True, exist_ok=True)
    argv = []
    for arg in _command():
        name = arg.split("=")[0]
        if name == "--ServerApp.ip":
            arg = "--ServerApp.ip=127.0.0.1"
        elif name == "--ServerApp.port":
            arg = f"--ServerApp.port={port}"
        elif name == "--ServerApp.root_dir":
            arg = f"--ServerApp.root_dir={root}"
        argv.append(arg)
    argv[0] = str(jupyter)
    if os.geteuid() == 0:
        argv.append("--allow-root")  # only here: the image runs as its own user
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env["HOME"] = str(workdir / "home")
    if env_token is not None:
        env["JUPYTER_TOKEN"] = env_token
    log = workdir / "lab.log"
    with log.open("w") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=root, start_new_session=True)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"jupyter lab exited with {proc.returncode}:\n{log.read_text()[-3000:]}")
        if _get_quiet(f"http://127.0.0.1:{port}/api") == 200:
            return proc, port, log
        time.sleep(0.5)
    _stop(proc)
    pytest.fail(f"jupyter lab did not answer within 90 s:\n{log.read_text()[-3000:]}")


def _get_quiet(url: str) -> int | None:
    try:
        return _get(url)
    except (urllib.error.URLError, ConnectionError, OSError):
        return None


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


@pytest.mark.parametrize("env_token", [None, ""], ids=["no JUPYTER_TOKEN", "empty JUPYTER_TOKEN"])
def test_the_command_serves_lab_with_a_random_token_and_refuses_requests_without_it(env_token):
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, log = _start_lab(env_token, Path(tmp))
        try:
            base = f"http://127.0.0.1:{port}"
            assert _get(f"{base}/api/contents") == 403, "the server answered a request without the token"
            deadline = time.monotonic() + 20
            while not (tokens := re.findall(r"[?&]token=([0-9a-f]+)", log.read_text())):
                assert time.monotonic() < deadline, f"no token link printed:\n{log.read_text()[-3000:]}"
                time.sleep(0.5)
            token = tokens[-1]
            assert len(token) >= 32, f"token too short: {token}"
            assert _get(f"{base}/api/contents?token={token}") == 200
            assert _get(f"{base}/api/contents/notebooks?token={token}") == 200
            assert f"{base}/lab/tree/notebooks?token=" in log.read_text(), "the printed link does not open the lessons"
            # The image's HEALTHCHECK command, pointed at this server.
            health = [sys.executable] + [a.replace(f":{PORT}/", f":{port}/") for a in _healthcheck_argv()[1:]]
            assert subprocess.run(health, timeout=30).returncode == 0
        finally:
            _stop(proc)


def test_the_command_takes_the_token_from_JUPYTER_TOKEN():
    token = "course-" + os.urandom(16).hex()
    with tempfile.TemporaryDirectory() as tmp:
        proc, port, _ = _start_lab(token, Path(tmp))
        try:
            base = f"http://127.0.0.1:{port}"
            assert _get(f"{base}/api/contents") == 403
            assert _get(f"{base}/api/contents?token=wrong") == 403
            assert _get(f"{base}/api/contents?token={token}") == 200
        finally:
            _stop(proc)


# --------------------------------------------------------------------------------------------
# (b) environment.yml agrees with the lock


def _lock_pins() -> dict[str, set[str]]:
    pins: dict[str, set[str]] = {}
    for line in LOCK.read_text().splitlines():
        match = re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", line)
        if match:
            pins.setdefault(_norm(match.group(1)), set()).add(match.group(2))
    return pins


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _environment() -> tuple[list[str], dict]:
    env = yaml.safe_load(ENVIRONMENT.read_text())
    assert isinstance(env, dict), "environment.yml is not a mapping"
    conda = [d for d in env.get("dependencies", []) if isinstance(d, str)]
    return conda, env


def test_environment_uses_conda_forge_python_311_and_java_17():
    conda, env = _environment()
    channels = env.get("channels", [])
    assert "conda-forge" in channels and "defaults" not in channels, channels
    specs = {re.split(r"[=<>!~ ]", d, maxsplit=1)[0].lower(): d for d in conda}
    assert re.fullmatch(r"python\s*==?\s*3\.11(\.\*|\.\d+)?", specs.get("python", "")), specs.get("python")
    assert re.fullmatch(r"openjdk\s*==?\s*17(\.\*|\.[\d.]+)?", specs.get("openjdk", "")), specs.get("openjdk")
    assert "pip" in specs, "conda needs `pip` listed for postBuild to install the lock"
    pyproject = (ROOT / "pyproject.toml").read_text()
    assert re.search(r'requires-python\s*=\s*">=3\.11,\s*<3\.12"', pyproject), "pyproject and environment.yml disagree on Python"


def test_binder_and_conda_install_exactly_the_runtime_lock_and_the_course_package():
    """environment.yml holds no pip section (pip must not resolve dependencies on its own, or
    dice-ml would pull in the CUDA xgboost); postBuild installs the runtime lock with --no-deps
    through the script every other route uses."""
    conda, env = _environment()
    assert not [d for d in env.get("dependencies", []) if isinstance(d, dict)], "environment.yml has a pip section"
    assert {re.split(r"[=<>!~ ]", d, maxsplit=1)[0].lower() for d in conda} == {"python", "openjdk", "pip"}, conda
    post_build = (ROOT / "postBuild").read_text()
    assert os.access(ROOT / "postBuild", os.X_OK), "postBuild is not executable"
    assert re.search(r"scripts/install-packages\.sh\"? python requirements\.lock$", post_build, re.M), post_build
    packages = (ROOT / "scripts" / "install-packages.sh").read_text()
    pip_lines = [line for line in packages.splitlines() if "-m pip install" in line]
    assert len(pip_lines) == 2 and all("--no-deps" in line and "--no-cache-dir" in line for line in pip_lines), pip_lines
    assert 'bash scripts/install-packages.sh "$venv/bin/python" "$lock"' in INSTALL.read_text()


def test_the_test_lock_is_the_runtime_lock_plus_test_tools():
    """requirements-test.lock pins every runtime package at the runtime lock's version."""
    def pins(path: Path) -> dict[str, str]:
        return {_norm(m.group(1)) + (m.group(3) or ""): m.group(2) for line in path.read_text().splitlines()
                if (m := re.match(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)(\s*;.*)?$", line))}
    runtime, test = pins(LOCK), pins(ROOT / "requirements-test.lock")
    assert {name: test.get(name) for name in runtime} == runtime
    assert {"pytest", "nbval", "playwright"} <= {name.split(" ")[0] for name in test} - set(runtime)
    assert not {"pytest", "nbval", "playwright"} & set(runtime), "test tools in the runtime lock"


def test_pip_check_reports_only_the_packages_left_out_on_purpose():
    """dice-ml asks for `xgboost` (the CUDA build; xgboost-cpu gives the same module) and
    `lightgbm` (unused), lime for `scikit-image` (its image explainer, unused): pyproject's
    [tool.uv] overrides leave them out. Nothing else is broken, and what the lessons import works."""
    result = subprocess.run([sys.executable, "-m", "pip", "check"], capture_output=True, text=True)
    problems = [line for line in result.stdout.splitlines() if line.strip() and "No broken requirements" not in line]
    left_out = r"(dice-ml [\d.]+ requires (xgboost|lightgbm)|lime [\d.]+ requires scikit-image), which is not installed\."
    unexpected = [line for line in problems if not re.fullmatch(left_out, line)]
    assert not unexpected, unexpected
    import xgboost
    assert metadata.version("xgboost-cpu") == xgboost.__version__
    checked = subprocess.run([sys.executable, "-c", "import sys; sys.modules['skimage'] = None\n"
                              "import lime.lime_tabular, dice_ml, interpret.glassbox, mlserver"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr[-2000:]


def test_interpret_keeps_only_the_native_library_this_machine_loads():
    """scripts/install-packages.sh trims interpret-core's libraries for other platforms (65 MB);
    the one it loads is there and works."""
    from interpret.glassbox import ExplainableBoostingClassifier
    from interpret.utils._native import Native

    loaded = Path(Native._get_ebm_lib_path(debug=False))
    assert [p.name for p in loaded.parent.glob("libebm_*")] == [loaded.name]
    X = np.random.default_rng(0).normal(size=(200, 2))
    assert ExplainableBoostingClassifier(interactions=0, outer_bags=1, n_jobs=1).fit(X, X[:, 0] > 0).score(X, X[:, 0] > 0) > 0.9
    assert "scripts/trim_interpret.py" in (ROOT / "scripts" / "install-packages.sh").read_text()


def test_binder_reads_the_root_environment_file():
    # repo2docker uses binder/ or .binder/ instead of the root when either exists.
    for folder in ("binder", ".binder"):
        assert not (ROOT / folder).exists() or (ROOT / folder / "environment.yml").exists(), folder


# --------------------------------------------------------------------------------------------
# (c) scripts/install-system.sh


def test_install_system_script_is_valid_bash_and_executable():
    assert subprocess.run(["bash", "-n", str(INSTALL_SYSTEM)], capture_output=True).returncode == 0
    assert os.access(INSTALL_SYSTEM, os.X_OK), "scripts/install-system.sh is not executable"
    if shutil.which("shellcheck"):
        result = subprocess.run(["shellcheck", str(INSTALL_SYSTEM)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout


def test_install_system_script_installs_only_a_headless_jre_and_cleans_apt():
    text = INSTALL_SYSTEM.read_text()
    code = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#"))
    assert re.search(r"java_package=\$\{JAVA_PACKAGE:-openjdk-17-jre-headless\}", code)
    update, install = code.find("apt-get update"), code.find("apt-get install")
    assert 0 <= update < install, "apt-get update must come before apt-get install"
    assert "--no-install-recommends" in code
    assert "rm -rf /var/lib/apt/lists/*" in code
    assert not BUILD_TOOLS.search(code.replace("command -v", "")), "the script installs build tools"


def _fake_java(bin_dir: Path, version: str) -> None:
    bin_dir.mkdir(parents=True, exist_ok=True)
    java = bin_dir / "java"
    java.write_text(f"#!{shutil.which('bash')}\necho 'openjdk version \"{version}\" 2025-01-01' >&2\n")
    java.chmod(0o755)


def _shim(tmp: Path, java_version: str | None, with_apt: bool = False, with_bwrap: bool = True) -> Path:
    """A PATH holding only what the script needs, a fake `java`, a fake `bwrap` unless told
    otherwise and maybe a fake `apt-get`."""
    bin_dir = tmp / "bin"
    bin_dir.mkdir(parents=True, exist_ok=True)
    for tool in ("sed", "head", "id"):
        (bin_dir / tool).symlink_to(shutil.which(tool))
    if with_bwrap:
        (bin_dir / "bwrap").write_text(f"#!{shutil.which('bash')}\n")
        (bin_dir / "bwrap").chmod(0o755)
    if java_version is not None:
        _fake_java(bin_dir, java_version)
    if with_apt:
        apt = bin_dir / "apt-get"
        apt.write_text(f"#!{shutil.which('bash')}\ntouch '{tmp}/apt-called'\nexit 1\n")
        apt.chmod(0o755)
    return bin_dir


def _run_install_system(path: Path, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [shutil.which("bash"), str(INSTALL_SYSTEM)],
        env={"PATH": str(path), **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize("version", ["17.0.15", "11.0.25", "1.8.0_402"])
def test_install_system_does_nothing_when_h2o_can_use_the_java_there(tmp_path, version):
    result = _run_install_system(_shim(tmp_path, version, with_apt=True))
    assert result.returncode == 0, result.stderr
    assert "nothing to install" in result.stdout
    assert not (tmp_path / "apt-called").exists(), "apt-get ran although Java was there"


def test_install_system_prefers_h2o_java_home(tmp_path):
    home = tmp_path / "jdk17"
    _fake_java(home / "bin", "17.0.15")
    result = _run_install_system(_shim(tmp_path, "21.0.5", with_apt=True), H2O_JAVA_HOME=str(home))
    assert result.returncode == 0, result.stderr
    assert str(home / "bin" / "java") in result.stdout
    assert not (tmp_path / "apt-called").exists()


@pytest.mark.parametrize("version", ["21.0.5", None], ids=["java 21 (too new for H2O)", "no java"])
def test_install_system_explains_what_to_do_without_apt(tmp_path, version):
    result = _run_install_system(_shim(tmp_path, version))
    assert result.returncode == 1
    assert "not a Debian/Ubuntu system" in result.stderr and "fix:" in result.stderr


def test_install_system_wants_bubblewrap_when_bwrap_is_missing(tmp_path):
    result = _run_install_system(_shim(tmp_path, "17.0.15", with_bwrap=False))
    assert result.returncode == 1
    assert "bubblewrap missing" in result.stderr and "openjdk" not in result.stderr


def test_install_system_on_this_machine_is_quick_when_java_is_there():
    java = shutil.which("java")
    version = subprocess.run([java, "-version"], capture_output=True, text=True).stderr if java else ""
    if not re.search(r'version "(1\.8|9|1[0-7])[."]', version):
        pytest.skip("no Java 8-17 on this machine: the script would install one with apt-get")
    start = time.monotonic()
    result = subprocess.run(["bash", str(INSTALL_SYSTEM)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "nothing to install" in result.stdout
    assert time.monotonic() - start < 10


# --------------------------------------------------------------------------------------------
# (d) The image, step by step
#
# With no Docker engine, the final stage is followed instruction by instruction in a Debian 12
# root file system made by debootstrap (tests/chroot.py). The base image cannot be pulled here,
# so Debian's own Python 3.11 stands in for it: same Debian release, made as slim, linked at the
# base image's path. COPY takes the build context through .dockerignore and honours --chown;
# RUN runs as the USER so far, in the WORKDIR so far, with the ENV so far. Then the image's
# command is started as the learner in a network namespace of its own, with nothing but
# loopback, and a lesson that uses H2O is executed there: the image works offline.

BASE_PACKAGES = ["python3.11", "ca-certificates"]
BASE_LATER = ["python3.11-venv"]  # its set-up needs packages debootstrap installs after it
BASE_PYTHON = "/usr/local/bin/python3.11"  # where the python:3.11 images keep their interpreter
BUILD_ENV = {"PIP_CERT": "/etc/ssl/certs/ca-certificates.crt"}
"""Build-time only (like `docker build --build-arg`): pip trusts the machine's CA bundle, which
tests/chroot.py copies in, so a build behind an intercepting proxy can reach PyPI."""
OFFLINE_LESSON = "03_disparate_impact_analysis"  # the quickest lesson that starts H2O
GRADE_OPTIONS = ["--no-sandbox"]
"""`workshop grade` in the image runs without the sandbox: the image's learner is an unprivileged
user in a container, where bubblewrap may not make namespaces (Docker's default seccomp profile
refuses them). Instructors grade a class on their own machine, where the sandbox works."""


def _expand(value: str, env: dict[str, str]) -> str:
    """``$NAME`` and ``${NAME}`` replaced by their values so far, as Docker does in ENV."""
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), ""), value)


def _ids(root: Path, spec: str) -> tuple[int, int]:
    """``user[:group]`` (names or numbers) as numbers, from the image's /etc/passwd and /etc/group."""
    name, _, group = spec.partition(":")
    users = chroot.accounts(root)
    uid = int(name) if name.isdigit() else users[name][0]
    if not group:
        gid = next((g for u, g, _ in users.values() if u == uid), uid)
    else:
        gid = int(group) if group.isdigit() else chroot.groups(root)[group]
    return uid, gid


def _context_files(source: str) -> list[Path]:
    """The files of the build context (this repository through .dockerignore) under ``source``.
    A folder that .dockerignore leaves out is not entered (none of its rules re-includes a file
    below a folder it leaves out)."""
    base = ROOT / source
    if base.is_file():
        return [base] if _in_context(base.relative_to(ROOT).as_posix()) else []
    files = []
    for folder, subfolders, names in os.walk(base):
        here = Path(folder).relative_to(ROOT)
        subfolders[:] = sorted(d for d in subfolders if _in_context((here / d).as_posix()))
        files += [Path(folder) / n for n in sorted(names) if _in_context((here / n).as_posix())]
    return files


def _copy(root: Path, sources: list[str], destination: str, workdir: str, owner: tuple[int, int] | None) -> None:
    """COPY: a folder's contents go into the destination, a file into it (destination ending
    in / or several sources) or onto it; new files and folders get ``owner``."""
    target = Path(destination if destination.startswith("/") else f"{workdir}/{destination}")
    into = destination.endswith("/") or len(sources) > 1 or destination in {".", "./"}
    for source in sources:
        source = source.rstrip("/") or "."
        folder = (ROOT / source).is_dir()
        for file in _context_files(source):
            relative = file.relative_to(ROOT / source) if folder else Path(file.name)
            path = root / (target / relative if folder or into else target).relative_to("/")
            new_folders = [p for p in path.parents if root in p.parents and not p.exists()]
            path.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(file, path)
            if owner:
                for made in [path, *new_folders]:
                    os.chown(made, *owner)


def _build(root: Path) -> dict:
    """Follow the final stage of the Dockerfile in ``root``; return the image's configuration."""
    env = {"PATH": chroot.DEFAULT_PATH}
    workdir, user = "/", "0:0"
    for ins in _final():
        name, value = ins["instruction"], ins["value"]
        if name == "ENV":
            for key, raw in _env([ins]).items():
                env[key] = _expand(raw, env)
        elif name == "WORKDIR":
            workdir = value if value.startswith("/") else f"{workdir.rstrip('/')}/{value}"
            (root / workdir.lstrip("/")).mkdir(parents=True, exist_ok=True)
        elif name == "USER":
            user = "{}:{}".format(*_ids(root, value))
        elif name in {"COPY", "ADD"}:
            [(sources, destination, flags)] = _copies([ins])
            assert name == "COPY" and "from" not in flags, f"only plain COPY is followed here: {value}"
            owner = _ids(root, flags["chown"]) if "chown" in flags else None
            _copy(root, sources, destination, workdir, owner)
        elif name == "RUN":
            assert _exec_form(ins) is None, f"RUN in exec form is not followed here: {value}"
            chroot.run(root, value, user, {**env, **BUILD_ENV}, workdir, timeout=1800)
    return {"env": env, "workdir": workdir, "user": user}


@pytest.fixture(scope="module")
def image(tmp_path_factory):
    """The image's root file system, built step by step, with /proc and /dev mounted while the
    tests use it; and its configuration (final ENV, WORKDIR and USER)."""
    root = tmp_path_factory.mktemp("image") / "root"
    chroot.make_slim_root(root, BASE_PACKAGES, BASE_LATER)
    (root / BASE_PYTHON.lstrip("/")).symlink_to("/usr/bin/python3.11")
    with chroot.mounted(root):
        config = _build(root)
        yield root, config
    if not any(os.path.ismount(root / folder) for folder in ("dev", "proc")):
        shutil.rmtree(root, ignore_errors=True)  # 2 GB; never while the machine's /dev is mounted in it


def _offline(pid: int, argv: list[str], timeout: float) -> subprocess.CompletedProcess:
    """Run ``argv`` in the network namespace of process ``pid``."""
    return subprocess.run(["nsenter", f"--target={pid}", "--net", "--", *argv],
                          capture_output=True, text=True, timeout=timeout)


STATUS = ("import sys, urllib.request, urllib.error\n"
          "try:\n    print(urllib.request.urlopen(sys.argv[1], timeout=10).status)\n"
          "except urllib.error.HTTPError as e:\n    print(e.code)\n")


def test_the_image_builds_step_by_step_and_serves_the_lessons_offline(image, tmp_path):
    root, config = image
    env, workdir, user = config["env"], config["workdir"], config["user"]
    assert user.split(":")[0] != "0", "the image runs as root"
    assert (root / "opt/venv/.course-installed-requirements.lock").exists(), "scripts/install.sh did not finish"
    lessons = sorted(p.name for p in (root / workdir.lstrip("/") / "notebooks").iterdir())
    assert lessons == sorted(p.name for p in (ROOT / "notebooks").iterdir() if p.is_dir())
    for private in ("tests", ".git", ".venv", "benchmarks"):
        assert not (root / workdir.lstrip("/") / private).exists(), f"{private}/ got into the image"

    # The command, as the learner, in a network namespace with loopback only.
    log = tmp_path / "lab.log"
    argv = chroot.chroot_argv(root, _command(), user, env, workdir)
    with log.open("w") as out:
        server = subprocess.Popen(["unshare", "--net", "--", "sh", "-c", 'ip link set lo up && exec "$@"', "sh",
                                   *argv], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{PORT}"
        deadline = time.monotonic() + 120
        while not re.findall(r"[?&]token=([0-9a-f]+)", log.read_text()):
            assert server.poll() is None, f"jupyter lab exited:\n{log.read_text()[-3000:]}"
            assert time.monotonic() < deadline, f"no token link within 120 s:\n{log.read_text()[-3000:]}"
            time.sleep(1)
        token = re.findall(r"[?&]token=([0-9a-f]+)", log.read_text())[-1]
        assert len(token) >= 32

        def status(url: str) -> str:
            return _offline(server.pid, [sys.executable, "-c", STATUS, url], 30).stdout.strip()

        assert status(f"{base}/api") == "200"
        assert status(f"{base}/api/contents") == "403", "the image's server answered without the token"
        assert status(f"{base}/api/contents/notebooks?token={token}") == "200"
        assert status(f"{base}/lab/tree/notebooks?token={token}") == "200"
        assert status(f"{base}/formgrader?token={token}") == "404", "nbgrader's formgrader is served to learners"
        health = chroot.chroot_argv(root, _healthcheck_argv(), user, env, workdir)
        assert _offline(server.pid, health, 30).returncode == 0, "the HEALTHCHECK fails in the image"
        outside = _offline(server.pid, [sys.executable, "-c", STATUS, "https://pypi.org/simple/"], 30)
        assert outside.returncode != 0, "the namespace was not offline"

        # The `workshop` command as the learner, with no network. `workshop release` makes the
        # released notebook again, identical to the repository's.
        course = root / workdir.lstrip("/")
        release = _offline(server.pid, chroot.chroot_argv(
            root, ["workshop", "release", "--lesson", OFFLINE_LESSON], user, env, workdir), 300)
        assert release.returncode == 0, f"`workshop release` failed in the image:\n{release.stderr[-3000:]}"
        assert json.loads(released_notebook(OFFLINE_LESSON, course).read_text()) == json.loads(
            released_notebook(OFFLINE_LESSON).read_text()), "`workshop release` in the image made another notebook"

        # `workshop grade` grades a class of one: a lesson that starts H2O and trains models runs
        # top to bottom in the image, offline, and earns every autograded point.
        submission = submitted_notebook(root / "tmp/class", "ann", OFFLINE_LESSON)
        submission.parent.mkdir(parents=True)
        shutil.copy(source_notebook(OFFLINE_LESSON), submission)
        grade = _offline(server.pid, chroot.chroot_argv(
            root, ["workshop", "grade", "/tmp/class", "--out", "/tmp/graded", *GRADE_OPTIONS], user, env, workdir), 900)
        assert grade.returncode == 0, f"`workshop grade` failed in the image:\n{grade.stderr[-3000:]}"
        with (root / "tmp/graded/grades.csv").open() as table:
            [row] = list(csv.DictReader(table))
        assert row["student"] == "ann" and float(row["score"]) == float(row["max_score"]) > 0, (row, grade.stdout)
        assert feedback_page(root / "tmp/graded", "ann", OFFLINE_LESSON).exists()
    finally:
        _stop(server)
