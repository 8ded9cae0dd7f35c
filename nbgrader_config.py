"""nbgrader configuration for instructors running nbgrader directly from the project root.

`solutions/` is the source (the full notebooks), `notebooks/` the release (what learners open).
The `workshop` command builds the same settings in `workshop_tools.nbgrader_course`.
"""

c = get_config()  # noqa: F821 (provided by nbgrader)
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "notebooks"
c.CourseDirectory.db_url = "sqlite:///gradebook.db"
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"
c.OverwriteCells.add_missing_cells = True
c.Execute.timeout = 120
