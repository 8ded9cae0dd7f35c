"""nbgrader configuration for instructors running nbgrader directly from the project root.

`solutions/` is the source (the full notebooks), `notebooks/` the release (what learners open).
The stubs and the cell time limit are the `workshop` command's own (`workshop_tools.settings`,
put together by `workshop_tools.nbgrader_course.shared_config`).
"""

from workshop_tools.nbgrader_course import shared_config
from workshop_utils.paths import NOTEBOOKS, SOLUTIONS

c = get_config()  # noqa: F821 (provided by nbgrader)
c.merge(shared_config())
c.CourseDirectory.source_directory = SOLUTIONS
c.CourseDirectory.release_directory = NOTEBOOKS
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
