"""The run report: self-contained (the folder works copied alone), opens in headless Chromium with
every image rendered and no errors."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from analysis.params import load_params
from analysis.presentation.report import PageExporter
from analysis.running.runner import run

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
#: CI sets this so that a missing browser fails the suite instead of skipping the test.
REQUIRE = os.environ.get("ANALYSIS_REQUIRE_BROWSER") == "1"
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def report_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    params = load_params(ROOT / "params/fast.yaml", {"notebooks": ["01_cohort"]})
    return run(params, outputs_dir=tmp_path_factory.mktemp("runs"), progress_bar=False).path


@pytest.mark.slow
def test_report_is_self_contained(report_dir: Path) -> None:
    pages = list((report_dir / "report").rglob("*.html"))
    assert {p.name for p in pages} == {"index.html", "01_cohort.html"}
    for page in pages:
        text = page.read_text()
        assert not re.search(r"""(src|href)=["']https?://""", text), page.name
        assert "<script src" not in text
    index = (report_dir / "report/index.html").read_text()
    assert "People measured" in index and "people_in_cohort" not in index and "SHA-256" in index
    for png in (report_dir / "figures").glob("*.png"):
        assert f'src="figures/{png.name}"' in index
        assert (report_dir / "report/figures" / png.name).read_bytes() == png.read_bytes()


def _local_links(page: Path) -> list[str]:
    """The files a page links to or loads (not anchors, data URIs or downloads by name)."""
    text = page.read_text()
    return [t for t in re.findall(r"""(?:src|href)=["']([^"'#]+)""", text)
            if not t.startswith("data:")]


@pytest.mark.slow
def test_report_folder_works_copied_alone(report_dir: Path, tmp_path: Path) -> None:
    """Every link of every page resolves inside a copy of report/ made elsewhere."""
    copy = tmp_path / "emailed" / "report"
    shutil.copytree(report_dir / "report", copy)
    for page in copy.rglob("*.html"):
        for target in _local_links(page):
            resolved = (page.parent / target).resolve()
            assert resolved.is_relative_to(copy), (page.name, target)
            assert resolved.is_file(), (page.name, target)
    for name in ("figures", "tables", "run", "board-pack"):
        assert any((copy / name).iterdir()), name


@pytest.mark.slow
def test_key_packages_are_the_analysis_stack(report_dir: Path) -> None:
    index = (report_dir / "report/index.html").read_text()
    packages = index.split("<h3>Key packages</h3>")[1].split("</table>")[0]
    names = re.findall(r"<tr><td>([a-z]+)</td>", packages)
    assert names == ["python", "pandas", "numpy", "statsmodels", "lifelines", "scipy",
                     "matplotlib", "papermill"]


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
