"""No output of a run may hold a person identifier or date of birth from the input data."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pandas as pd
import pytest
from scratch_notebooks import small_project, write_notebook

from analysis.params import load_params
from analysis.running.privacy import scan_outputs, sensitive_tokens
from analysis.running.runner import RunFailed, run


def test_tokens_cover_ids_and_both_date_forms() -> None:
    tokens = sensitive_tokens(["SYN0000001", "42", "1234567"], pd.Series(["1990-03-12"]))
    assert tokens == {"SYN0000001": "person identifier", "1234567": "person identifier",
                      "1990-03-12": "date of birth", "12/03/1990": "date of birth"}


def test_scan_finds_whole_tokens_only(tmp_path: Path) -> None:
    tokens = sensitive_tokens(["AB123"], pd.Series(["1990-03-12"]))
    (tmp_path / "tables").mkdir()
    (tmp_path / "tables/leak.csv").write_text("id,n\nAB123,4\n")
    (tmp_path / "tables/dob.csv").write_text("x\n12/03/1990\n")
    (tmp_path / "tables/clean.csv").write_text("id,n\nAB1234,4\nXAB123,5\n")
    (tmp_path / "figure.png").write_bytes(b"AB123")  # images hold no text and are not read
    found = {(f.file, f.kind, f.count) for f in scan_outputs(tmp_path, tokens)}
    assert found == {("tables/leak.csv", "person identifier", 1),
                     ("tables/dob.csv", "date of birth", 1)}
    assert "AB123" not in " ".join(str(f) for f in scan_outputs(tmp_path, tokens))


def test_scan_skips_embedded_images_but_not_the_text_around_them(tmp_path: Path) -> None:
    """Base64 image data is pixels, not text: a token inside it is no finding; text beside it is."""
    tokens = sensitive_tokens(["AB123", "XY987"], None)
    blob = "iVBORw0KGgo+AB123+/AB123=="  # base64 that happens to spell an identifier
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
        "display_data", data={"image/png": blob + "\n" + blob, "text/plain": "<Figure>"})])]
    nbformat.write(nb, tmp_path / "images.ipynb")
    (tmp_path / "page.html").write_text(f'<img src="data:image/png;base64,{blob}"> XY987')
    (tmp_path / "figure.svg").write_text(f'<image href="data:image/png;base64,{blob}"/>')
    nb.cells[0].outputs[0].data["text/plain"] = "AB123"
    nbformat.write(nb, tmp_path / "leak.ipynb")
    found = {(f.file, f.kind, f.count) for f in scan_outputs(tmp_path, tokens)}
    assert found == {("page.html", "person identifier", 1), ("leak.ipynb", "person identifier", 1)}


@pytest.mark.slow
def test_run_that_prints_a_person_id_is_discarded(tmp_path: Path, root: Path) -> None:
    """A notebook that shows a row of the data fails the run, and nothing is moved into place."""
    small_project(tmp_path, root)
    write_notebook(tmp_path / "notebooks/01_leak.ipynb",
                   "import pandas as pd\nfrom analysis.running.parameters import read_parameters\n"
                   "p = read_parameters(params_file)\n"
                   "print(pd.read_csv(p.data.people.file).head(1).to_string())")
    params = load_params(tmp_path / "params/fast.yaml")
    with pytest.raises(RunFailed) as exc:
        run(params, progress_bar=False)
    message = str(exc.value)
    assert "notebooks/01_leak.ipynb" in message and "person identifier" in message
    assert "SYN" not in message
    assert not (tmp_path / "outputs/fast").exists()
    assert not list((tmp_path / "outputs").glob(".*partial"))
