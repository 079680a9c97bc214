"""Notebook pages for readers: check cells hidden, tables tidied, links kept inside the report."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from analysis.models.effects.reporting import jdl_sentence
from analysis.presentation.html_tables import format_number, plain_number, tidy_table_html
from analysis.presentation.report import KEY_PACKAGES, key_packages
from analysis.presentation.report_pages import (
    CHECK_MARK,
    CHECK_TAG,
    for_readers,
    notebook_title,
    outside_links_as_text,
    render_notebook,
)

ROOT = Path(__file__).resolve().parents[1]
PANDAS_TABLE = """<div><style scoped>.dataframe thead th { text-align: right; }</style>
<table border="1" class="dataframe">
  <thead><tr style="text-align: right;"><th></th><th>label</th><th>total_gbp</th>
  <th>p_value</th><th>people</th><th>year</th></tr></thead>
  <tbody>
    <tr><th>3</th><td>Rape</td><td>3.936000e+04</td><td>3.06e-15</td><td>12345</td><td>2023</td></tr>
    <tr><th>7</th><td>Fraud</td><td>NaN</td><td>0.25</td><td>&lt;5</td><td>2024</td></tr>
  </tbody>
</table></div>"""


def test_pandas_tables_lose_row_numbers_and_get_readable_numbers() -> None:
    tidy = tidy_table_html(PANDAS_TABLE)
    assert "<th>3</th>" not in tidy and "<th></th>" not in tidy
    assert '<div class="scroll"><table class="dataframe">' in tidy
    assert '<td class="num">£39,360</td>' in tidy
    assert '<td class="num">&lt; 0.001</td>' in tidy
    assert '<td class="num">12,345</td>' in tidy and '<td class="num">2023</td>' in tidy
    assert "<td>—</td>" in tidy and '<td class="suppressed">&lt;5</td>' in tidy
    assert "e+04" not in tidy and "e-15" not in tidy


def test_a_named_index_is_kept() -> None:
    named = PANDAS_TABLE.replace("<th>3</th>", "<th>employed</th>")
    assert "<th>employed</th>" in tidy_table_html(named)


@pytest.mark.parametrize(("value", "expected"), [
    (18106.22, "18,106"), (3.14159, "3.14"), (0.0000321, "0.0000321"), (0.0, "0"),
    (-1234.5, "-1,234"), (3.06e-15, "0.000000")])
def test_plain_numbers_have_no_exponent(value: float, expected: str) -> None:
    assert plain_number(value) == expected


def test_numbers_pandas_wrote_well_are_kept() -> None:
    assert format_number("0.2903", "mean_treated") is None
    assert format_number("1.810622e+04", "cost") == "18,106"
    assert format_number("7835.290988", "costed_gbp") == "£7,835"


def test_links_outside_the_report_become_the_file_name() -> None:
    markup = ('<p>See <a href="../docs/cost_methods.md"><code>docs/cost_methods.md</code></a> and '
              '<a href="../data/costs/README.md">README</a>; <a href="../index.html">back</a> '
              '<a href="#top">top</a></p>')
    out = outside_links_as_text(markup)
    assert 'href="../docs' not in out and 'href="../data' not in out
    assert "README (data/costs/README.md)" in out
    assert '<a href="../index.html">back</a>' in out and '<a href="#top">top</a>' in out


def _notebook() -> nbformat.NotebookNode:
    table = new_output("execute_result", data={"text/html": PANDAS_TABLE, "text/plain": "t"},
                       execution_count=1)
    check = new_code_cell(f"{CHECK_MARK}\nprint(1)", outputs=[new_output(
        "stream", name="stdout", text="CHECKED 42\n")])
    check.metadata["tags"] = [CHECK_TAG]
    untagged = new_code_cell(f"{CHECK_MARK}\nprint(2)", outputs=[new_output(
        "stream", name="stdout", text="UNTAGGED 43\n")])
    return new_notebook(cells=[new_markdown_cell("# 01 · The cohort\n\nWords."),
                               new_code_cell("t", outputs=[table]), check, untagged],
                        metadata={"language_info": {"name": "python"}})


def test_pages_leave_out_check_cells_but_the_notebook_keeps_them(tmp_path: Path) -> None:
    nb = _notebook()
    shown = for_readers(nb)
    assert len(shown.cells) == 2 and len(nb.cells) == 4
    path = tmp_path / "01_cohort.ipynb"
    nbformat.write(nb, path)
    page = render_notebook(path, tmp_path / "report/notebooks/01_cohort.html").read_text()
    assert "CHECKED 42" not in page and "UNTAGGED 43" not in page
    assert "<title>01 · The cohort</title>" in page and "£39,360" in page
    assert notebook_title(nb, "x") == "01 · The cohort"


def test_every_check_cell_of_the_notebooks_is_tagged() -> None:
    for path in sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code" and cell.source.lstrip().startswith(CHECK_MARK):
                assert CHECK_TAG in cell.metadata.get("tags", []), (path.name, cell.source[:60])


def test_notebooks_show_no_progress_bars() -> None:
    """The bootstrap and the Monte Carlo are called with their progress bar off."""
    effects = (ROOT / "notebooks/03_intervention_effects.ipynb").read_text()
    costs = (ROOT / "notebooks/04_cost_of_crime.ipynb").read_text()
    assert "ate_overlap=ep.ate_overlap, progress=False)" in effects
    assert "vfm.monte_carlo(inputs, cp.monte_carlo_draws, params.seed, progress=False)" in costs


def test_key_packages_are_the_analysis_stack() -> None:
    manifest = {"environment": {"python": "3.11.7"},
                "packages": {"annotated-types": "0.7", "asttokens": "2", **{
                    p: "1.0" for p in KEY_PACKAGES}}}
    assert key_packages(manifest) == [("python", "3.11.7"), ("pandas", "1.0"), ("numpy", "1.0"),
                                      ("statsmodels", "1.0"), ("lifelines", "1.0"),
                                      ("scipy", "1.0"), ("matplotlib", "1.0"), ("papermill", "1.0")]


def test_jdl_sentence_never_says_p_equals_zero() -> None:
    s = jdl_sentence(-0.2, -0.3, -0.1, 0.00001, "IOM")
    assert "p < 0.001" in s and "p = 0.000" not in s
    assert "(p = 0.008;" in jdl_sentence(-0.117, -0.207, -0.032, 0.00794, "IOM")
