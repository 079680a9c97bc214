"""The run report: self-contained, opens in headless Chromium with every image rendered, no errors."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from analysis.params import load_params
from analysis.presentation.report import PageExporter, flatten_results
from analysis.running.runner import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: CI sets this so that a missing browser fails the suite instead of skipping the test.
REQUIRE = os.environ.get("ANALYSIS_REQUIRE_BROWSER") == "1"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    params = load_params(ROOT / "params/fast.yaml", {"notebooks": ["01_cohort"]})
    return run(params, outputs_dir=tmp_path_factory.mktemp("runs"), progress_bar=False).path


def test_flatten_results_formats_nested_values() -> None:
    rows = flatten_results({"a": {"b": 0.123456, "c": [1.5, "x"], "d": None}, "e": 3})
    assert rows == [("a.b", "0.1235"), ("a.c", "1.5, x"), ("a.d", "—"), ("e", "3")]


@pytest.mark.slow
def test_report_is_self_contained(report_dir: Path) -> None:
    pages = list((report_dir / "report").rglob("*.html"))
    assert {p.name for p in pages} == {"index.html", "01_cohort.html"}
    for page in pages:
        text = page.read_text()
        assert not re.search(r"""(src|href)=["']https?://""", text), page.name
        assert "<script src" not in text
    index = (report_dir / "report/index.html").read_text()
    assert "people_in_cohort" in index and "SHA-256" in index
    for png in (report_dir / "figures").glob("*.png"):
        assert f"../figures/{png.name}" in index


@pytest.mark.slow
def test_notebook_pages_are_nbconvert_html_with_figure_titles_as_alt_text(report_dir: Path) -> None:
    """The page exporter gives nbconvert's page, less the pass it skips; images carry titles."""
    import nbformat
    from bs4 import BeautifulSoup
    from nbconvert import HTMLExporter

    nb = nbformat.read(report_dir / "notebooks/01_cohort.ipynb", as_version=4)
    reference = HTMLExporter(template_name="basic", embed_images=True, exclude_anchor_links=True)
    reference.register_filter("clean_html", lambda text: text)
    expected, _ = reference.from_notebook_node(nb)
    ours, _ = PageExporter().from_notebook_node(nb)
    soup = BeautifulSoup(ours, features="html.parser")
    for elem in soup.select(".jp-Notebook div.jp-Cell-inputWrapper, "
                            ".jp-Notebook div.jp-OutputArea-output"):
        elem.attrs["tabindex"] = "0"  # the one thing nbconvert's skipped pass adds here
    assert str(soup) == expected
    alts = [img.get("alt") for img in soup.find_all("img")]
    assert alts and all(alt and "No description" not in alt for alt in alts)
    assert any(alt.startswith("Reoffending") or "%" in alt for alt in alts), alts


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None and not REQUIRE, reason="Debian's chromium is not installed")
def test_report_opens_in_headless_chromium(report_dir: Path) -> None:
    from playwright.sync_api import sync_playwright

    assert CHROMIUM is not None, "chromium is required (ANALYSIS_REQUIRE_BROWSER=1)"
    args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        try:
            for page_path in sorted((report_dir / "report").rglob("*.html")):
                page = browser.new_page()
                errors: list[str] = []
                page.on("console", lambda m, e=errors: e.append(m.text) if m.type == "error" else None)
                page.on("pageerror", lambda err, e=errors: e.append(str(err)))
                page.on("requestfailed", lambda r, e=errors: e.append(f"failed: {r.url}"))
                response = page.goto(page_path.as_uri())
                page.wait_for_load_state("load")
                assert response is not None and response.ok
                images = page.eval_on_selector_all(
                    "img", "els => els.map(e => [e.complete, e.naturalWidth])")
                assert images, f"{page_path.name} shows no image"
                assert all(done and width > 0 for done, width in images), page_path.name
                assert errors == [], f"{page_path.name}: {errors}"
                page.close()
        finally:
            browser.close()
