"""The HTML exporter behind every feedback page: nbconvert's own, without its last step.

nbconvert's ``HTMLExporter`` renders the page, then parses the whole of it again with
BeautifulSoup's pure-Python parser to give images alt text and JupyterLab cells tab stops. On a
graded lesson 01 that second pass is half of each page's time (0.56 s of a page against 0.26 s
without it on the course machine), and ``workshop grades`` makes a page per student. nbgrader's
feedback template extends the classic template, which has no JupyterLab cells, so only the alt
text is left to give, and a regular expression on the ``<img>`` tags gives it.
``tests/test_feedback_exporter.py`` checks the pages are the same as nbconvert's, tag for tag.

Example:
    >>> add_missing_alt('<img src="a.png"/> <img alt="x" src="b.png">')
    '<img src="a.png" alt="No description has been provided for this image"/> <img alt="x" src="b.png">'
"""

from __future__ import annotations

import re
from typing import Any

from nbconvert.exporters import HTMLExporter, TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

NO_ALT = "No description has been provided for this image"
IMG_TAG = re.compile(r"<img\b([^>]*?)(\s*/?)>", re.IGNORECASE)
HAS_ALT = re.compile(r"\salt\s*=", re.IGNORECASE)


def add_missing_alt(html: str) -> str:
    """``html`` with nbconvert's stock alt text on every ``<img>`` that has none."""
    def give_alt(tag: re.Match[str]) -> str:
        attributes = tag.group(1)
        return tag.group(0) if HAS_ALT.search(attributes) else f'<img{attributes} alt="{NO_ALT}"{tag.group(2)}>'
    return IMG_TAG.sub(give_alt, html)


class FeedbackExporter(HTMLExporter):
    """``HTMLExporter`` that renders the page once and gives images alt text without re-parsing it."""

    def from_notebook_node(self, nb: Any, resources: dict[str, Any] | None = None,
                           **kw: Any) -> tuple[str, dict[str, Any]]:
        """The page for notebook ``nb``: the template's output, alt text added."""
        language = nb.metadata.get("language_info", {})
        lexer = language.get("pygments_lexer", language.get("name"))
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", self.filters.get(
            "highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self)))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        html, resources = TemplateExporter.from_notebook_node(self, nb, resources, **kw)
        return add_missing_alt(html), resources
