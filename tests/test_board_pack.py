"""The board pack: the workbook and the Word summary are read back and hold only published values."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pandas as pd
import pytest
from docx import Document
from openpyxl import load_workbook
from report_run import TABLES, make_run

from analysis.presentation.board_pack import write_board_pack
from analysis.presentation.workbook import CONTENTS, SUPPRESSED_FILL, number_format, sheet_name
from analysis.running.privacy import scan_outputs

PUBLISHED = pd.DataFrame({
    "group": ["IOM", "Not on IOM", "Women"],
    "offenders": ["151", "3426", "<5"],
    "binary_rate_pct": ["32.45033113", "25.94862814", "suppressed"],
    "cost_per_person_gbp": ["18106.22", "4332.504311", "suppressed"],
    "p_value": ["0.007945413195", "1.5e-05", ""],
})


@pytest.fixture
def pack(tmp_path: Path) -> tuple[Path, Path, Path]:
    tables = {**TABLES, "01_cohort__reoffending_group": PUBLISHED}
    run = make_run(tmp_path / "run", tables=tables)
    docx, xlsx = write_board_pack(run.run_dir, run.run_dir / "report")
    return run.run_dir, docx, xlsx


def test_board_pack_files_are_named_after_the_run(pack: tuple[Path, Path, Path]) -> None:
    run_dir, docx, xlsx = pack
    assert docx == run_dir / "report/board-pack/t-summary.docx"
    assert xlsx == run_dir / "report/board-pack/t-tables.xlsx"


def test_workbook_has_a_sheet_per_table_and_a_contents_sheet(pack: tuple[Path, Path, Path]) -> None:
    run_dir, _, xlsx = pack
    wb = load_workbook(xlsx)
    tables = sorted(p.stem for p in (run_dir / "tables").glob("*.csv"))
    assert wb.sheetnames[0] == CONTENTS and len(wb.sheetnames) == len(tables) + 1
    contents = wb[CONTENTS]
    rows = [[c.value for c in row] for row in contents.iter_rows()]
    header = rows.index(["Sheet", "Title", "Units", "Notes", "Notebook", "File", "Rows"])
    listed = {r[5]: r for r in rows[header + 1:]}
    assert set(listed) == {f"tables/{t}.csv" for t in tables}
    group = listed["tables/01_cohort__reoffending_group.csv"]
    assert group[:4] == ["01 reoffending group", "Proven reoffending by group",
                         "percent; pounds (GBP)", "Raw rates: the groups are different people."]
    links = {c.value: c.hyperlink for c in contents["A"][header + 1:]}
    assert links["01 reoffending group"].location == "'01 reoffending group'!A1"
    provenance = {r[0]: r[1] for r in rows[1:9]}
    assert provenance["Run"] == "t" and "SHA-256 " + "ab" * 32 in provenance["Parameters file"]
    assert provenance["Suppression"].startswith("Cells shaded grey are withheld")


def test_workbook_numbers_are_numbers_and_suppressed_cells_are_marked(
        pack: tuple[Path, Path, Path]) -> None:
    _, _, xlsx = pack
    ws = load_workbook(xlsx)["01 reoffending group"]
    assert [c.value for c in ws[1]] == list(PUBLISHED.columns)
    assert ws["B2"].value == 151 and ws["B2"].number_format == "#,##0"
    assert ws["C2"].value == pytest.approx(32.45033113) and ws["C2"].number_format == "0.0"
    assert ws["D2"].value == pytest.approx(18106.22) and ws["D2"].number_format == "£#,##0"
    assert ws["E3"].value == pytest.approx(1.5e-05) and ws["E3"].number_format == "0.000"
    for ref in ("B4", "C4", "D4"):
        assert ws[ref].value in ("<5", "suppressed")
        assert ws[ref].fill.fgColor.rgb == SUPPRESSED_FILL
    assert ws["E4"].value is None
    # every value is the published one: the sheet read back equals the CSV
    back = pd.DataFrame(list(ws.values)[1:], columns=list(PUBLISHED.columns))
    assert back["group"].tolist() == PUBLISHED["group"].tolist()
    assert back["binary_rate_pct"].astype(str).tolist()[2] == "suppressed"


def test_summary_document_holds_the_answer_and_key_figures(pack: tuple[Path, Path, Path]) -> None:
    _, docx, _ = pack
    doc = Document(str(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Yes, it reduced reoffending. About 12 fewer people in every 100 given Integrated " \
           "Offender Management reoffended within 12 months than would have without it " \
           "(95% CI 3 to 21)." in text
    assert "£87,718 net present value at the point estimates" in text
    assert "Programme cost £2,500 per person (illustrative)" in text
    figures = {row.cells[0].text: row.cells[1].text for row in doc.tables[0].rows}
    assert figures["Effect on reoffending (percentage points)"] == "-11.7 (95% CI -20.7 to -3.2)"
    assert figures["How sure"] == "p = 0.008"
    assert figures["Net present value, 90% of Monte Carlo draws"] == "-£82,169 to £1,445,329"
    measures = [[c.text for c in row.cells] for row in doc.tables[1].rows]
    assert measures[1] == ["Adults employed six months after release", "31.8% (29.0 to 34.7%)",
                           "≥ 38%", "Red"]
    # a measure whose value is suppressed is not shown at all
    assert "Children who reoffend" not in text + str(measures)


@pytest.mark.parametrize(("column", "value", "expected"), [
    ("cost_gbp", 18106.2, "£#,##0"), ("cost_gbp", 12.5, "£#,##0.00"), ("value_pct", 31.8, "0.0"),
    ("p_holm", 0.6, "0.000"), ("people", 3577.0, "#,##0"), ("price_year", 2023.0, "0"),
    ("smd", -0.355, "0.000"), ("hazard_ratio", 0.0004, "0.000000"),
])
def test_number_formats_follow_the_column_unit(column: str, value: float, expected: str) -> None:
    assert number_format(column, value) == expected


def test_sheet_names_are_short_and_unique() -> None:
    used: set[str] = set()
    long = "05_performance_measures__pan_dorset_measures_by_quarter"
    first, second = sheet_name(long, used), sheet_name(long, used)
    assert first == "05 pan dorset measures by quart" and len(second) <= 31 and first != second


def test_identifier_scan_reads_the_board_pack(pack: tuple[Path, Path, Path]) -> None:
    run_dir, docx, xlsx = pack
    assert scan_outputs(run_dir, {"PX123456": "person identifier"}) == []
    # an identifier that slipped into a table reaches the workbook, and the scan finds it there
    (run_dir / "tables" / "01_cohort__leak.csv").write_text("person\nPX123456\n")
    write_board_pack(run_dir, run_dir / "report")
    found = {f.file for f in scan_outputs(run_dir, {"PX123456": "person identifier"})}
    assert "report/board-pack/t-tables.xlsx" in found
    with zipfile.ZipFile(xlsx) as z:
        assert any(n.startswith("xl/worksheets/") for n in z.namelist())
    assert docx.is_file()
