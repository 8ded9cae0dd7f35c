# syntax=docker/dockerfile:1
#
# The attendee image: JupyterLab on the course, with Python 3.11, Java for H2O, every pinned
# package and the data inside, so it runs with no network.
#
#   docker build -t responsible-ml .
#   docker run --rm -it --init -p 127.0.0.1:8888:8888 responsible-ml
#
# then open the http://127.0.0.1:8888/lab/...?token=... link the container prints.
# A token of your own: add `-e JUPYTER_TOKEN=<something long>`. H2O's memory cap: add
# `-e WORKSHOP_H2O_MAX_MEM=3G` (the default, 2G, leaves room on an 8 GB laptop).
#
# The install steps are the repository's own scripts, the ones `make` and CI run on a Debian
# machine: scripts/install-system.sh (Java, bubblewrap) and scripts/install.sh (the venv, from the lock).
# All wheels in requirements.lock are binary, so nothing is compiled and no build tools are needed.

# Debian 12 (bookworm) slim with CPython 3.11.14, pinned by the digest of its multi-arch index.
FROM python:3.11.14-slim-bookworm@sha256:65a93d69fa75478d554f4ad27c85c1e69fa184956261b4301ebaf6dbb0a3543d

LABEL org.opencontainers.image.title="Responsible Machine Learning with Python" \
      org.opencontainers.image.description="JupyterLab with the course lessons, helpers and data; runs offline."

ENV PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    WORKSHOP_H2O_MAX_MEM=2G \
    JUPYTER_CONFIG_PATH=/home/learner/course/config/learner

# The learner: a normal user (uid 1000, like most laptops' first user) who owns the course folder.
RUN groupadd --gid 1000 learner \
    && useradd --uid 1000 --gid 1000 --create-home --shell /bin/bash learner \
    && install -d -o learner -g learner /home/learner/course
WORKDIR /home/learner/course

# 1. System packages: a headless Java 17 runtime for H2O and bubblewrap, the grading sandbox
#    (apt lists are cleaned by the script).
COPY scripts/install-system.sh scripts/
RUN bash scripts/install-system.sh

# 2. Python packages from requirements.lock (the runtime part: no test tools) into /opt/venv, and the course package (editable, so
#    it is the copy in the course folder). Only the files the install reads are copied first, so
#    editing lessons or helper modules later does not redo this big layer.
COPY --chown=learner:learner pyproject.toml requirements.lock README.md ./
COPY --chown=learner:learner scripts/install.sh scripts/install-packages.sh scripts/trim_interpret.py scripts/
COPY --chown=learner:learner workshop_utils/__init__.py workshop_utils/
COPY --chown=learner:learner workshop_tools/__init__.py workshop_tools/
RUN PYTHON=/usr/local/bin/python3.11 bash scripts/install.sh /opt/venv \
    && chown -R learner:learner /home/learner/course \
    && rm -rf /root/.cache /tmp/*

# 3. The course: data (baked in, so no network is needed), helpers, lessons and solutions.
#    .dockerignore lists what goes in; everything else (.git, .venv, caches) stays out.
COPY --chown=learner:learner data/ data/
COPY --chown=learner:learner . .

# learner (numeric, so the runtime can tell it is not root without reading /etc/passwd)
USER 1000:1000

# Build matplotlib's font cache now, so the first plot in class is instant; also a smoke test.
RUN python -c "import matplotlib.pyplot, xgboost, h2o, workshop_utils, workshop_tools" && workshop --help >/dev/null

EXPOSE 8888
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8888/api', timeout=4)"]

# Token authentication stays on: Jupyter makes a random token per container and prints the
# link, or takes the one in JUPYTER_TOKEN. No token is ever written here.
CMD ["jupyter", "lab", \
     "--ServerApp.ip=0.0.0.0", \
     "--ServerApp.port=8888", \
     "--ServerApp.port_retries=0", \
     "--ServerApp.open_browser=False", \
     "--ServerApp.root_dir=/home/learner/course", \
     "--LabApp.default_url=/lab/tree/notebooks", \
     "--LabApp.extension_manager=readonly"]
