"""The run's HTML report: an index of headline findings, provenance, notebooks, figures and tables.

``report/index.html`` and ``report/notebooks/<name>.html`` are written into the run folder. The
pages are self-contained and work offline: no external scripts, fonts or style sheets; figures in
the notebook pages are embedded, and the index links to the run's own figures and tables.
Notebook code is hidden by default behind a button.
"""

from __future__ import annotations

import html
import json
import threading
from collections.abc import Collection
from pathlib import Path
from typing import Any

import nbformat
from nbconvert import HTMLExporter
from nbconvert.exporters.templateexporter import TemplateExporter
from nbconvert.filters.highlight import Highlight2HTML
from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

__all__ = ["PageExporter", "build_report", "flatten_results", "notebook_page", "render_notebook"]

CSS = """
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; margin: 2rem auto;
       max-width: 72rem; padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
h1, h2, h3 { line-height: 1.2; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.5rem; text-align: left; vertical-align: top; }
th { background: #f2f2f2; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: #f7f7f7; padding: 0.5rem; overflow-x: auto; }
figure { display: inline-block; margin: 0.5rem; max-width: 46%; vertical-align: top; }
figure img { max-width: 100%; border: 1px solid #e0e0e0; }
figcaption { font-size: 0.8rem; color: #444; }
.input, .prompt { display: none; }
body.show-code .input { display: block; }
button { font: inherit; padding: 0.3rem 0.8rem; cursor: pointer; }
.output_png img, .rendered_html img { max-width: 100%; }
.note { color: #555; font-size: 0.9rem; }
"""

TOGGLE = """
<button type="button" id="toggle-code" onclick="
  document.body.classList.toggle('show-code');
  this.textContent = document.body.classList.contains('show-code') ? 'Hide code' : 'Show code';
">Show code</button>
"""


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )


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

    def from_notebook_node(self, nb: nbformat.NotebookNode, resources: dict | None = None,
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


def render_notebook(path: Path, out: Path) -> Path:
    """Render an executed notebook to a self-contained HTML page with code hidden by default."""
    nb = nbformat.read(path, as_version=4)
    body, _ = _exporter().from_notebook_node(nb)
    back = '<p><a href="../index.html">&larr; Run report</a></p>'
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(_page(path.stem, f"{back}\n{TOGGLE}\n{body}\n{back}"), encoding="utf-8")
    return out


def flatten_results(results: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Flatten nested headline results into ``(name, formatted value)`` rows."""
    rows: list[tuple[str, str]] = []
    for key, value in results.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            rows += flatten_results(value, f"{name}.")
        elif isinstance(value, float):
            rows.append((name, f"{value:,.4g}"))
        elif isinstance(value, list):
            rows.append((name, ", ".join(f"{v:,.4g}" if isinstance(v, float) else str(v)
                                         for v in value)))
        else:
            rows.append((name, "—" if value is None else str(value)))
    return rows


def _table(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _answers_section(results: dict[str, Any]) -> str:
    """Each notebook's answer in plain words (its recorded ``answer``), in notebook order."""
    items = [f"<h3>{html.escape(notebook)}</h3><p>{html.escape(values['answer'])}</p>"
             for notebook, values in results.items()
             if isinstance(values, dict) and values.get("answer")]
    return "<h2>Answers</h2>\n" + "\n".join(items) if items else ""


def _results_section(results: dict[str, Any]) -> str:
    parts = ["<h2>Headline findings</h2>"]
    for notebook, values in results.items():
        values = {k: v for k, v in values.items() if k != "answer"}
        rows = [(html.escape(k), html.escape(v)) for k, v in flatten_results(values)]
        parts.append(f"<h3>{html.escape(notebook)}</h3>" + _table(rows, ("result", "value")))
    return "\n".join(parts)


def _manifest_section(manifest: dict[str, Any]) -> str:
    git = manifest.get("git", {})
    commit = git.get("commit") or "not a git checkout"
    dirty = {True: " (uncommitted changes)", False: "", None: ""}[git.get("dirty")]
    env = manifest.get("environment", {})
    rows = [
        ("Run", html.escape(manifest["run_name"])),
        ("Started / finished (UTC)", f"{manifest['started_utc']} / {manifest['finished_utc']}"),
        ("Parameters", f"{html.escape(str(manifest.get('parameters_file')))} "
                       f"(<a href=\"../params.yaml\">copy</a>)"),
        ("Seed", str(manifest.get("seed"))),
        ("Git commit", html.escape(commit + dirty)),
        ("Python", html.escape(f"{env.get('python')} on {env.get('platform')}")),
    ]
    durations = _table([(html.escape(k), f"{v:.1f}") for k, v in
                        manifest.get("duration_seconds", {}).items()], ("stage", "seconds"))
    inputs = _table([(html.escape(k), html.escape(v["path"]), f"<code>{v['sha256']}</code>")
                     for k, v in manifest.get("inputs", {}).items()], ("input", "file", "SHA-256"))
    packages = _table([(html.escape(k), html.escape(v)) for k, v in
                       list(manifest.get("packages", {}).items())[:14]], ("package", "version"))
    return ("<h2>What produced this run</h2>" + _table(rows, ("", "")) + "<h3>Durations</h3>"
            + durations + "<h3>Input files</h3>" + inputs + "<h3>Key packages</h3>" + packages
            + '<p class="note">All package versions: <a href="../manifest.json">manifest.json</a>.</p>')


def _figures_section(run_dir: Path) -> str:
    figures = sorted((run_dir / "figures").glob("*.png"))
    items = []
    for png in figures:
        name = html.escape(png.stem)
        items.append(f'<figure><a href="../figures/{png.name}"><img src="../figures/{png.name}" '
                     f'alt="{name}"></a><figcaption>{name} '
                     f'(<a href="../figures/{png.stem}.svg">SVG</a>)</figcaption></figure>')
    return "<h2>Figures</h2>\n" + ("\n".join(items) or "<p>None.</p>")


def _tables_section(run_dir: Path) -> str:
    tables = sorted((run_dir / "tables").glob("*.csv"))
    items = "".join(f'<li><a href="../tables/{t.name}" download>{html.escape(t.name)}</a></li>'
                    for t in tables)
    return f"<h2>Tables (CSV)</h2><ul>{items}</ul>"


def notebook_page(run_dir: Path, notebook: str) -> Path:
    """Path of the report page of an executed notebook (``report/notebooks/<name>.html``)."""
    return run_dir / "report" / "notebooks" / f"{notebook}.html"


def build_report(run_dir: Path, title: str = "", rendered: Collection[str] = ()) -> Path:
    """Write ``report/`` for a complete run folder and return the index page's path.

    Parameters
    ----------
    run_dir : Path
        A run folder holding ``notebooks/``, ``figures/``, ``tables/``, ``results.json`` and
        ``manifest.json``.
    title : str
        Title of the report (default: the run name).
    rendered : collection of str
        Notebooks whose pages were already rendered (:func:`render_notebook` to
        :func:`notebook_page`, e.g. while later notebooks ran); the others are rendered here.
    """
    results = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    manifest = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    report = run_dir / "report"
    links = []
    for nb in sorted((run_dir / "notebooks").glob("*.ipynb")):
        if nb.stem not in rendered:
            render_notebook(nb, notebook_page(run_dir, nb.stem))
        links.append(f'<li><a href="notebooks/{nb.stem}.html">{html.escape(nb.stem)}</a></li>')
    title = title or f"Run {manifest['run_name']}"
    body = "\n".join([
        f"<h1>{html.escape(title)}</h1>",
        '<p class="note">Tables suppress counts from 1 to 4 (shown as &lt;5) and the rates '
        "computed from them.</p>",
        _answers_section(results),
        _results_section(results),
        "<h2>Notebooks</h2><ul>" + "".join(links) + "</ul>",
        _figures_section(run_dir),
        _tables_section(run_dir),
        _manifest_section(manifest),
    ])
    index = report / "index.html"
    index.write_text(_page(title, body), encoding="utf-8")
    return index
