"""The front page as a person sees it: headless-Chromium screenshots at a laptop's and a phone's
size, with the answer, the £ figure and its assumptions on the first screen.

The screenshots are saved in the run's ``report/screenshots/`` (look at them). The run is the
end-to-end test's small synthetic cohort, every notebook.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from analysis.params import load_params
from analysis.presentation.report_front import ANSWER_ID
from analysis.running.runner import run

pytestmark = pytest.mark.slow
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
REQUIRE = os.environ.get("ANALYSIS_REQUIRE_BROWSER") == "1"
ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
#: Laptop and phone screens (CSS pixels).
SCREENS = {"1366x768": (1366, 768), "390x844": (390, 844)}


@pytest.fixture(scope="module")
def run_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    params = load_params(ROOT / "params/fast.yaml", {"run_name": "front"})
    return run(params, outputs_dir=tmp_path_factory.mktemp("runs"), progress_bar=False).path


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if CHROMIUM is None and not REQUIRE:
        pytest.skip("Debian's chromium is not installed")
    assert CHROMIUM is not None, "chromium is required (ANALYSIS_REQUIRE_BROWSER=1)"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


def _bottom(page: Any, selector: str) -> float:
    return float(page.eval_on_selector(selector, "e => e.getBoundingClientRect().bottom"))


def _open(browser: Any, path: Path, size: tuple[int, int]) -> tuple[Any, list[str]]:
    page = browser.new_page(viewport={"width": size[0], "height": size[1]})
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("requestfailed", lambda r: errors.append(f"failed: {r.url}"))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, errors


def test_answer_and_pounds_are_on_the_first_laptop_screen(run_dir: Path, browser: Any) -> None:
    width, height = SCREENS["1366x768"]
    page, errors = _open(browser, run_dir / "report/index.html", (width, height))
    shot = run_dir / "report/screenshots/front-1366x768.png"
    shot.parent.mkdir(exist_ok=True)
    page.screenshot(path=str(shot))
    answer = page.inner_text(f"#{ANSWER_ID}")
    assert "in every 100 given Integrated Offender Management reoffended" in answer
    assert "(95% CI" in answer
    for selector in (f"#{ANSWER_ID}", ".sure", "#worth .figure-big", "#worth ul",
                     ".cards table", "#data"):
        assert _bottom(page, selector) <= height, selector
    worth = page.inner_text("#worth")
    assert "net present value at the point estimates" in worth and "illustrative" in worth.lower()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    assert errors == []
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    page.close()


def test_answer_is_on_the_first_phone_screen(run_dir: Path, browser: Any) -> None:
    width, height = SCREENS["390x844"]
    page, errors = _open(browser, run_dir / "report/index.html", (width, height))
    page.screenshot(path=str(run_dir / "report/screenshots/front-390x844.png"))
    assert _bottom(page, f"#{ANSWER_ID}") <= height
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # no sideways scroll
    assert errors == []
    page.close()


def test_notebook_pages_fit_the_screen_and_tables_scroll_in_their_box(
        run_dir: Path, browser: Any) -> None:
    width, height = SCREENS["1366x768"]
    for path in sorted((run_dir / "report/notebooks").glob("*.html")):
        page, errors = _open(browser, path, (width, height))
        assert page.evaluate("document.documentElement.scrollWidth") <= width, path.name
        text = page.inner_text("body")
        assert "bootstrap:" not in text and "Monte Carlo: 100%" not in text, path.name
        assert errors == [], path.name
        page.close()


def test_report_copied_alone_loads_every_file(run_dir: Path, browser: Any,
                                             tmp_path: Path) -> None:
    copy = tmp_path / "intranet" / "report"
    shutil.copytree(run_dir / "report", copy)
    for path in [copy / "index.html", *sorted((copy / "notebooks").glob("*.html"))]:
        page, errors = _open(browser, path, SCREENS["1366x768"])
        images = page.eval_on_selector_all(
            "img", "els => els.map(e => [e.complete, e.naturalWidth, e.currentSrc])")
        assert images and all(done and w > 0 for done, w, _ in images), path.name
        assert not [src for *_, src in images if not src.startswith(("data:", copy.as_uri()))]
        assert errors == [], (path.name, errors)
        page.close()
