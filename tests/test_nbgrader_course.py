"""The course as nbgrader sees it: the root ``nbgrader_config.py`` and the ``workshop`` command
share their settings, and a throw-away course folder is laid out the way nbgrader expects."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from traitlets.config.loader import PyFileConfigLoader

from workshop_tools import nbgrader_course
from workshop_tools.nbgrader_course import course_file, nbgrader_config, shared_config, stage_source
from workshop_tools.settings import COURSE_ID, DEFAULT_CELL_TIMEOUT
from workshop_utils.paths import NOTEBOOKS, PROJECT_ROOT, SOLUTIONS, source_notebook

LESSON = "01_monotonic_xgboost"


def test_root_config_is_the_shared_settings_on_the_project_folders():
    root = PyFileConfigLoader("nbgrader_config.py", path=str(PROJECT_ROOT)).load_config()
    shared = shared_config()
    for section in ("ClearSolutions", "OverwriteCells", "Execute"):
        assert root[section] == shared[section], section
    assert root.Execute.timeout == DEFAULT_CELL_TIMEOUT
    assert (root.CourseDirectory.source_directory, root.CourseDirectory.release_directory) == (SOLUTIONS, NOTEBOOKS)


def test_a_course_folder_has_its_own_gradebook_and_the_cell_limit(tmp_path):
    config = nbgrader_config(tmp_path, cell_timeout=7)
    assert config.CourseDirectory.root == str(tmp_path) and config.CourseDirectory.course_id == COURSE_ID
    assert config.CourseDirectory.db_url == f"sqlite:///{tmp_path}/gradebook.db"
    assert config.Execute.timeout == 7 and config.Execute.allow_errors
    assert config.ClearSolutions == shared_config().ClearSolutions


def test_course_files_follow_nbgrader_layout(tmp_path):
    assert course_file(tmp_path, "release", LESSON) == tmp_path / "release" / LESSON / f"{LESSON}.ipynb"
    feedback = course_file(tmp_path, "feedback", LESSON, student="ann", suffix=".html")
    assert feedback.relative_to(tmp_path).parts == ("feedback", "ann", LESSON, f"{LESSON}.html")


def test_staging_copies_the_solution_into_source(tmp_path):
    stage_source(tmp_path, [LESSON])
    assert course_file(tmp_path, "source", LESSON).read_bytes() == source_notebook(LESSON).read_bytes()


def test_the_schema_revision_is_the_one_the_alembic_command_reports():
    """What nbgrader would ask the `alembic heads` command for, ``alembic_head`` reads at once."""
    import nbgrader.api

    alembic = str(Path(sys.executable).parent / "alembic")
    with nbgrader.api._temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
        printed = subprocess.check_output([alembic, "-c", ini, "heads"], text=True)
    assert printed.split()[0] == nbgrader_course.alembic_head()
    nbgrader_course.use_this_environment()
    assert nbgrader.api.get_alembic_version is nbgrader_course.alembic_head
