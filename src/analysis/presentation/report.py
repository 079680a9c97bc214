"""The run's HTML report: the answer on one screen, then every number, notebooks, figures, tables.

``report/index.html`` opens with the run's answer (:mod:`analysis.presentation.report_front`),
then every headline number with its unit (:mod:`analysis.presentation.report_numbers`), each
notebook's answer, the notebooks, figures and tables, the board pack and what produced the run.
``report/notebooks/<name>.html`` are the notebook pages
(:mod:`analysis.presentation.report_pages`). The folder is self-contained: the figures, tables,
parameters and manifest are copied into it and every link stays inside it, so ``report/`` can
be copied, emailed or put on an intranet alone. Nothing is loaded from the network.
"""

from __future__ import annotations

import base64
import html
import shutil
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import Any

import nbformat

from analysis.presentation.board_pack import write_board_pack
from analysis.presentation.report_changes import CHANGES_FILE, changes_section, write_changes
from analysis.presentation.report_front import front_page
from analysis.presentation.report_numbers import numbers_section
from analysis.presentation.report_pages import (
    PageExporter,
    notebook_page,
    notebook_title,
    render_notebook,
)
from analysis.presentation.report_style import page
from analysis.presentation.result_labels import NOTEBOOK_TITLES
from analysis.presentation.run_files import RunFiles
from analysis.presentation.run_summary import summarise
from analysis.presentation.table_titles import table_title

__all__ = ["KEY_PACKAGES", "PageExporter", "build_report", "copy_run_files", "figure_captions",
           "key_packages", "notebook_page", "render_notebook"]

#: The analysis stack listed on the report (all versions are in the manifest).
KEY_PACKAGES = ("pandas", "numpy", "statsmodels", "lifelines", "scipy", "matplotlib", "papermill")
#: Files of the run folder copied into ``report/run/`` (linked from the report).
RUN_FILES = ("params.yaml", "manifest.json", "results.json", CHANGES_FILE)


def _table(rows: Sequence[Sequence[str]], header: Sequence[str]) -> str:
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<div class="scroll"><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>'


def copy_run_files(run_dir: Path, report: Path) -> None:
    """Copy the run's figures, tables, parameters, manifest and results into ``report/``."""
    for sub, patterns in (("figures", ("*.png", "*.svg")), ("tables", ("*.csv",))):
        (report / sub).mkdir(parents=True, exist_ok=True)
        for pattern in patterns:
            for f in sorted((run_dir / sub).glob(pattern)):
                shutil.copyfile(f, report / sub / f.name)
    (report / "run").mkdir(parents=True, exist_ok=True)
    for name in RUN_FILES:
        if (run_dir / name).is_file():
            shutil.copyfile(run_dir / name, report / "run" / name)


def figure_captions(run_dir: Path, notebooks: Sequence[nbformat.NotebookNode] | None = None
                    ) -> dict[str, str]:
    """Each figure's title (the alt text its notebook showed it with), by PNG file name.

    ``notebooks`` are the run's executed notebooks, when already read.
    """
    if notebooks is None:
        notebooks = [nbformat.read(p, as_version=4)
                     for p in sorted((run_dir / "notebooks").glob("*.ipynb"))]
    shown: dict[str, str] = {}
    for nb in notebooks:
        for cell in nb.cells:
            for output in cell.get("outputs", []):
                data, meta = output.get("data", {}), output.get("metadata", {})
                alt = meta.get("image/png", {}).get("alt") if isinstance(meta, Mapping) else None
                if "image/png" in data and alt:
                    shown["".join(data["image/png"].split())] = str(alt)
    captions = {}
    for png in sorted((run_dir / "figures").glob("*.png")):
        caption = shown.get(base64.b64encode(png.read_bytes()).decode("ascii"))
        if caption:
            captions[png.name] = caption
    return captions


def key_packages(manifest: Mapping[str, Any]) -> list[tuple[str, str]]:
    """Python and the analysis stack (:data:`KEY_PACKAGES`) with the run's versions."""
    versions = manifest.get("packages") or {}
    python = (manifest.get("environment") or {}).get("python", "")
    return [("python", str(python))] + [(p, str(versions[p])) for p in KEY_PACKAGES
                                         if p in versions]


def _answers_section(results: Mapping[str, Any]) -> str:
    """Each notebook's answer in plain words (its recorded ``answer``), in notebook order."""
    items = [f"<h3>{html.escape(NOTEBOOK_TITLES.get(notebook, notebook))}</h3>"
             f"<p>{html.escape(values['answer'])}</p>"
             for notebook, values in results.items()
             if isinstance(values, dict) and values.get("answer")]
    return '<h2 id="answers">Each notebook\'s answer</h2>\n' + "\n".join(items) if items else ""


def _manifest_section(manifest: Mapping[str, Any]) -> str:
    git = manifest.get("git", {})
    commit = git.get("commit") or "not a git checkout"
    dirty = {True: " (uncommitted changes)", False: "", None: ""}[git.get("dirty")]
    env = manifest.get("environment", {})
    rows = [
        ("Run", html.escape(str(manifest.get("run_name", "")))),
        ("Started / finished (UTC)",
         f"{manifest.get('started_utc', '')} / {manifest.get('finished_utc', '')}"),
        ("Parameters", f"{html.escape(str(manifest.get('parameters_file')))} "
                       '(<a href="run/params.yaml">copy</a>)'),
        ("Seed", html.escape(str(manifest.get("seed")))),
        ("Git commit", html.escape(commit + dirty)),
        ("Python", html.escape(f"{env.get('python')} on {env.get('platform')}")),
    ]
    durations = _table([(html.escape(k), f"{v:.1f}") for k, v in
                        manifest.get("duration_seconds", {}).items()], ("stage", "seconds"))
    inputs = _table([(html.escape(k), html.escape(v["path"]), f"<code>{v['sha256']}</code>")
                     for k, v in manifest.get("inputs", {}).items()], ("input", "file", "SHA-256"))
    packages = _table([(html.escape(k), html.escape(v)) for k, v in key_packages(manifest)],
                      ("package", "version"))
    return ('<h2 id="provenance">What produced this run</h2>' + _table(rows, ("", ""))
            + "<h3>Durations</h3>" + durations + "<h3>Input files</h3>" + inputs
            + "<h3>Key packages</h3>" + packages + '<p class="note">All package versions: '
            '<a href="run/manifest.json">manifest.json</a>; headline numbers as data: '
            '<a href="run/results.json">results.json</a>.</p>')


def _figures_section(report: Path, captions: Mapping[str, str]) -> str:
    items = []
    for png in sorted((report / "figures").glob("*.png")):
        caption = html.escape(captions.get(png.name, png.stem.split("__")[-1].replace("_", " ")))
        items.append(f'<figure><a href="figures/{png.name}"><img src="figures/{png.name}" '
                     f'alt="{caption}"></a><figcaption>{caption} '
                     f'(<a href="figures/{png.stem}.svg">SVG</a>)</figcaption></figure>')
    return '<h2 id="figures">Figures</h2>\n' + ("\n".join(items) or "<p>None.</p>")


def _tables_section(report: Path, board_pack: tuple[Path, Path]) -> str:
    docx, xlsx = (p.relative_to(report).as_posix() for p in board_pack)
    rows = []
    for t in sorted((report / "tables").glob("*.csv")):
        title, note = table_title(t.stem)
        rows.append((f'<a href="tables/{t.name}" download>{html.escape(title)}</a>',
                     html.escape(note), f"<code>{html.escape(t.name)}</code>"))
    return ('<h2 id="tables">Tables</h2><p>Board pack: <a href="' + html.escape(docx)
            + '" download>summary (Word)</a> and <a href="' + html.escape(xlsx)
            + '" download>every published table (Excel)</a>, one sheet per table with a contents '
            "sheet.</p>" + _table(rows, ("table (CSV)", "note", "file")))


def _masthead_links(manifest: Mapping[str, Any], board_pack: tuple[Path, Path],
                    report: Path) -> str:
    docx, xlsx = (html.escape(p.relative_to(report).as_posix()) for p in board_pack)
    finished = html.escape(str(manifest.get("finished_utc", ""))[:10])
    return (f"Run {html.escape(str(manifest.get('run_name', '')))}, {finished} · "
            '<a href="#numbers">Every number</a> · <a href="#notebooks">Notebooks</a> · '
            '<a href="#figures">Figures</a> · <a href="#tables">Tables</a> · '
            f'<a href="{docx}" download>Word summary</a> · '
            f'<a href="{xlsx}" download>Excel tables</a>')


def build_report(run_dir: Path, title: str = "", rendered: Collection[str] = (),
                 previous: Path | None = None) -> Path:
    """Write ``report/`` for a complete run folder and return the index page's path.

    Parameters
    ----------
    run_dir : Path
        A run folder holding ``notebooks/``, ``figures/``, ``tables/``, ``results.json`` and
        ``manifest.json``.
    title : str
        Title of the report (default: the run's title, else its name).
    rendered : collection of str
        Notebooks whose pages were already rendered (:func:`render_notebook` to
        :func:`notebook_page`, e.g. while later notebooks ran); the others are rendered here.
    previous : Path, optional
        The complete run of the same name this run replaces: the report lists what changed
        since it and ``comparison_with_previous.csv`` is written
        (:mod:`analysis.presentation.report_changes`); None: the report says there was none.
    """
    run = RunFiles(run_dir)
    report = run_dir / "report"
    links, executed = [], []
    for path in sorted((run_dir / "notebooks").glob("*.ipynb")):
        if path.stem not in rendered:
            render_notebook(path, notebook_page(run_dir, path.stem))
        executed.append(nbformat.read(path, as_version=4))
        heading = notebook_title(executed[-1], path.stem)
        links.append(f'<li><a href="notebooks/{path.stem}.html">{html.escape(heading)}</a></li>')
    changes = write_changes(run_dir, previous)
    copy_run_files(run_dir, report)
    board_pack = write_board_pack(run_dir, report)
    summary = summarise(run)
    if title:
        summary = type(summary)(**{**summary.__dict__, "title": title})
    body = "\n".join([
        front_page(summary, _masthead_links(run.manifest, board_pack, report)),
        numbers_section(run.results),
        _answers_section(run.results),
        '<h2 id="notebooks">Notebooks</h2><p class="note">Narrative, tables and figures of each '
        "step; the code is behind a button.</p><ul>" + "".join(links) + "</ul>",
        _figures_section(report, figure_captions(run_dir, executed)),
        _tables_section(report, board_pack),
        changes_section(run_dir, changes, previous),
        _manifest_section(run.manifest),
    ])
    index = report / "index.html"
    index.write_text(page(summary.title, body), encoding="utf-8")
    return index
