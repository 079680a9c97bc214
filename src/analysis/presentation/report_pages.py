"""The report's notebook pages: an executed notebook as a page for readers.

``report/notebooks/<name>.html`` shows the notebook's narrative, tables and figures (embedded),
with the code hidden behind a button. Cells tagged ``check`` (the rounded numbers that nbval
compares, starting ``# NBVAL_CHECK_OUTPUT``) are left out of the page; the notebook keeps them.
Shown tables lose pandas' row numbers and get readable numbers
(:func:`analysis.presentation.html_tables.tidy_table_html`), and links to files outside the
report folder (the project's ``docs/``) become the file's name in plain text, so the folder
can be copied alone.
"""

from __future__ import annotations

import copy
import html
import re
import threading
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

from analysis.presentation.html_tables import tidy_table_html
from analysis.presentation.report_style import TOGGLE, page

__all__ = ["CHECK_MARK", "CHECK_TAG", "PageExporter", "for_readers", "is_check_cell",
           "notebook_page", "notebook_title", "outside_links_as_text", "render_notebook"]

#: Tag of the cells that print the numbers nbval checks; the report leaves them out.
CHECK_TAG = "check"
#: First line of the same cells (nbval's marker).
CHECK_MARK = "# NBVAL_CHECK_OUTPUT"
_LINK = re.compile(r'<a\s+href="(?P<href>[^"]*)"[^>]*>(?P<text>.*?)</a>', re.S)


def _unchanged(text: str) -> str:
    return text


class PageExporter(HTMLExporter):
    """nbconvert's HTML exporter (``basic`` template, images embedded) without two slow passes.

    * The code of the cells is highlighted by pygments, which escapes it; passing it through
      the HTML sanitiser as well only costs time.
    * ``HTMLExporter`` parses the finished page again with BeautifulSoup, to give images
      without alt text a placeholder one and to make cells focusable; on the pages of a run
      that pass took two thirds of the rendering time. The figures a notebook shows carry
      their title as alt text (:meth:`analysis.presentation.outputs.RunOutput.figure`), so it is skipped.
    """

    def __init__(self, **kw: Any) -> None:
        super().__init__(template_name="basic", embed_images=True, exclude_anchor_links=True,
                         **kw)
        self.register_filter("clean_html", _unchanged)

    def from_notebook_node(  # type: ignore[override]  # HTMLExporter returns the page (str)
            self, nb: nbformat.NotebookNode, resources: dict | None = None,
            **kw: Any) -> tuple[str, dict[str, Any]]:
        """Render ``nb`` as ``HTMLExporter`` does, up to its BeautifulSoup pass."""
        langinfo = nb.metadata.get("language_info", {})
        lexer = langinfo.get("pygments_lexer", langinfo.get("name", None))
        resources = self._init_resources(resources)
        self.register_filter("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
        self.register_filter("filter_data_type", WidgetsDataTypeFilter(
            notebook_metadata=self._nb_metadata, parent=self, resources=resources))
        return TemplateExporter.from_notebook_node(self, nb, resources, **kw)


_exporters = threading.local()


def _exporter() -> PageExporter:
    """This thread's exporter (its templates are compiled once, not once per page)."""
    if not hasattr(_exporters, "page"):
        _exporters.page = PageExporter()
    return _exporters.page


def is_check_cell(cell: nbformat.NotebookNode) -> bool:
    """Whether a cell prints the numbers nbval checks (tagged ``check`` or marked in its code)."""
    return (CHECK_TAG in cell.get("metadata", {}).get("tags", [])
            or (cell.get("cell_type") == "code" and cell.source.lstrip().startswith(CHECK_MARK)))


def for_readers(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of ``nb`` as the report shows it: no ``check`` cells, tables tidied."""
    nb = copy.deepcopy(nb)
    nb.cells = [c for c in nb.cells if not is_check_cell(c)]
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                data["text/html"] = tidy_table_html(data["text/html"])
    return nb


def notebook_title(nb: nbformat.NotebookNode, default: str) -> str:
    """The first Markdown heading of ``nb`` (without ``#``), else ``default``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("#"):
                    return line.lstrip("#").strip()
    return default


def outside_links_as_text(markup: str, allowed: tuple[str, ...] = ("#", "../index.html")) -> str:
    """Replace links that leave the report folder by their text (a file's name in the project).

    Links starting with one of ``allowed`` stay; a link to anything else (``../docs/x.md``, a
    web address) becomes ``<span class="doc-ref">`` with its text and, where the text is not
    the address, the address in brackets.
    """

    def replace(match: re.Match[str]) -> str:
        href, text = match.group("href"), match.group("text")
        if href.startswith(allowed):
            return match.group(0)
        target = html.escape(href.lstrip("./"))
        shown = text if html.unescape(text).strip("` ") in (href, href.lstrip("./")) else (
            f"{text} ({target})")
        return f'<span class="doc-ref" title="in the project folder">{shown}</span>'

    return _LINK.sub(replace, markup)


def render_notebook(path: Path, out: Path) -> Path:
    """Render an executed notebook to a self-contained HTML page with code hidden by default."""
    nb = nbformat.read(path, as_version=4)
    body, _ = _exporter().from_notebook_node(for_readers(nb))
    back = '<p><a href="../index.html">&larr; Run report</a></p>'
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(page(notebook_title(nb, path.stem),
                        outside_links_as_text(f"{back}\n{TOGGLE}\n{body}\n{back}")),
                   encoding="utf-8")
    return out


def notebook_page(run_dir: Path, notebook: str) -> Path:
    """Path of the report page of an executed notebook (``report/notebooks/<name>.html``)."""
    return run_dir / "report" / "notebooks" / f"{notebook}.html"
