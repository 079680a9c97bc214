"""The board pack of a run: a Word summary of the answer and the Excel workbook of its tables.

Both are written into ``report/board-pack/`` by every run, from the run's published outputs
only: the Word document (python-docx) carries the front page's answer
(:func:`analysis.presentation.run_summary.summarise`), a table of its key figures, the
performance measures with their RAG status, the data and their limits, and the key charts;
the workbook (:func:`analysis.presentation.workbook.write_workbook`) every published table.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.document import Document as DocumentType
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from analysis.presentation.report_front import target_text
from analysis.presentation.run_files import RunFiles
from analysis.presentation.run_summary import Summary, summarise
from analysis.presentation.workbook import write_workbook

__all__ = ["KEY_CHARTS", "board_pack_paths", "write_board_pack", "write_summary_document"]

#: Charts put in the Word summary when the run drew them (published values only).
KEY_CHARTS = {
    "records": ("03_intervention_effects__risk_difference_estimates",
                "04_cost_of_crime__net_benefit", "05_performance_measures__pan_dorset_measures"),
    "survival": ("03_intervention_effects__risk_difference_estimates", "02_survival__km_cumulative"),
}
_RAG_FILL = {"Green": "00703C", "Amber": "B35C00", "Red": "C2261A"}


def board_pack_paths(report_dir: Path, run_name: str) -> tuple[Path, Path]:
    """Where the Word summary and the workbook of a run go (``report/board-pack/``)."""
    folder = report_dir / "board-pack"
    return folder / f"{run_name}-summary.docx", folder / f"{run_name}-tables.xlsx"


def _shade(cell: object, colour: str) -> None:
    """Give a table cell a background colour (python-docx has no API for it)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)  # type: ignore[attr-defined]


def _table(doc: DocumentType, header: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    table = doc.add_table(rows=1, cols=len(header))
    table.style = "Light Grid Accent 1"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
            if text in _RAG_FILL:
                _shade(cell, _RAG_FILL[text])


def _section(doc: DocumentType, title: str, *paragraphs: str) -> None:
    if any(paragraphs):
        doc.add_heading(title, level=2)
        for text in paragraphs:
            if text:
                doc.add_paragraph(text)


def _money(doc: DocumentType, s: Summary) -> None:
    if s.money is None:
        _section(doc, "What it is worth", s.money_note)
        return
    m = s.money
    _section(doc, "What it is worth",
             f"{m.npv} net present value at the point estimates: {m.detail}", m.monte_carlo)
    doc.add_paragraph("The £ figures rest on:")
    for text, illustrative in m.assumptions:
        doc.add_paragraph(text + (" (illustrative)" if illustrative else ""), style="List Bullet")
    if m.moves_most:
        doc.add_paragraph(m.moves_most)


def _charts(doc: DocumentType, run: RunFiles, form: str) -> None:
    charts = [run.run_dir / "figures" / f"{name}.png" for name in KEY_CHARTS.get(form, ())]
    charts = [c for c in charts if c.is_file()]
    if charts:
        doc.add_heading("Key charts", level=2)
        for chart in charts:
            doc.add_picture(str(chart), width=Cm(16))


def write_summary_document(s: Summary, run: RunFiles, path: Path) -> Path:
    """Write the Word summary of a run to ``path`` and return it."""
    doc = Document()
    doc.styles["Normal"].font.size = Pt(11)
    doc.core_properties.title = s.title
    doc.core_properties.author = "analysis (reoffending)"
    doc.add_heading(s.title, level=1)
    question = doc.add_paragraph()
    question.add_run(s.question).italic = True
    answer = doc.add_paragraph()
    answer.add_run(s.verdict + " ").bold = True
    answer.add_run(s.effect)
    doc.add_paragraph(s.certainty)
    if s.key_figures:
        doc.add_heading("Key figures", level=2)
        _table(doc, ("Figure", "Value"), list(s.key_figures))
    _section(doc, "Raw and adjusted", s.raw_vs_adjusted)
    _section(doc, "For whom", s.for_whom)
    if s.form == "survival":
        _section(doc, "Time to reoffence", s.time_to_reoffence)
    else:
        _money(doc, s)
    if s.measures:
        doc.add_heading("Performance measures", level=2)
        _table(doc, ("Measure (all cohorts)", "Value (95% CI)", "Target", "Status"),
               [(m.label, f"{m.value} {m.interval}".strip(), target_text(m.target), m.status)
                for m in s.measures])
        doc.add_paragraph(s.rag_rule)
    _section(doc, "The data and their limits", s.data)
    for text in s.limits:
        doc.add_paragraph(text, style="List Bullet")
    _charts(doc, run, s.form)
    made = doc.add_paragraph(f"Made from the published tables and headline results of run "
                             f"{run.manifest.get('run_name', '')} (finished "
                             f"{run.manifest.get('finished_utc', '')} UTC).")
    made.alignment = WD_ALIGN_PARAGRAPH.LEFT
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(path))
    return path


def write_board_pack(run_dir: Path, report_dir: Path) -> tuple[Path, Path]:
    """Write the Word summary and the workbook of the run in ``run_dir``; return their paths."""
    run = RunFiles(run_dir)
    docx, xlsx = board_pack_paths(report_dir, str(run.manifest.get("run_name", run_dir.name)))
    write_summary_document(summarise(run), run, docx)
    write_workbook(run, xlsx)
    return docx, xlsx
