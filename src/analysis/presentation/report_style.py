"""The look of the run report's pages: one style sheet, the page frame and the code toggle.

Every page of ``report/`` is a complete HTML document with its style inline: no external
style sheet, script or font, so the pages open offline and the folder can be copied alone.
"""

from __future__ import annotations

import html

__all__ = ["CSS", "TOGGLE", "page"]

CSS = """
:root { --ink: #1b1b1b; --muted: #505a5f; --line: #d0d4d6; --panel: #f6f7f8;
        --green: #00703c; --amber: #b35c00; --red: #c2261a; --blue: #1d4f91; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif; margin: 0 auto;
       max-width: 84rem; padding: 0.6rem 1.2rem 2rem; color: var(--ink); line-height: 1.4;
       font-size: 15px; }
h1, h2, h3 { line-height: 1.2; }
h2 { margin-top: 2rem; border-bottom: 1px solid var(--line); padding-bottom: 0.2rem; }
a { color: var(--blue); }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.88rem; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left;
         vertical-align: top; }
th { background: #eef0f1; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.suppressed { color: var(--muted); font-style: italic; }
code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; }
pre { background: var(--panel); padding: 0.5rem; overflow-x: auto; }
figure { display: inline-block; margin: 0.5rem; width: 46%; min-width: 18rem;
         vertical-align: top; }
figure img { max-width: 100%; border: 1px solid #e0e0e0; }
figcaption { font-size: 0.82rem; color: #333; }
button { font: inherit; padding: 0.3rem 0.8rem; cursor: pointer; }
.note { color: var(--muted); font-size: 0.88rem; }
.scroll { max-width: 100%; overflow-x: auto; }
/* notebook pages (nbconvert's basic template) */
.input, .prompt { display: none; }
body.show-code .input { display: block; }
.output_subarea { max-width: 100%; overflow-x: auto; }
.rendered_html table { font-size: 0.8rem; }
.rendered_html th, .rendered_html td { padding: 0.15rem 0.4rem; }
.output_png img, .rendered_html img { max-width: 100%; height: auto; }
.doc-ref { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 0.85rem; }
/* front page */
.masthead { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.2rem 1rem;
            border-bottom: 3px solid var(--blue); padding-bottom: 0.2rem; }
.masthead h1 { font-size: 1.05rem; margin: 0.1rem 0; }
.masthead .note { margin: 0; font-size: 0.82rem; }
.question { font-size: 1.25rem; margin: 0.4rem 0 0.2rem; }
.answer { font-size: 1.18rem; margin: 0.2rem 0 0.3rem; padding: 0.45rem 0.7rem;
          border-left: 6px solid var(--blue); background: #eef3fa; }
.answer .verdict { font-weight: 700; }
.sure { margin: 0.2rem 0 0.5rem; }
.cards { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 0.6rem; }
.card { border: 1px solid var(--line); border-radius: 4px; padding: 0.4rem 0.6rem;
        background: var(--panel); font-size: 0.86rem; }
.card + .card { margin-top: 0.5rem; }
.cards + .card { margin-top: 0.5rem; }
.card h3 { font-size: 0.95rem; margin: 0 0 0.25rem; }
.card p { margin: 0.15rem 0; }
.card ul { margin: 0.15rem 0; padding-left: 1.1rem; }
.card li { margin: 0.05rem 0; }
.card table { margin: 0.1rem 0; font-size: 0.8rem; width: 100%; background: #fff; }
.card td, .card th { padding: 0.1rem 0.3rem; }
.cards + .card ul.limits { columns: 2; column-gap: 2rem; }
.cards + .card ul.limits li { break-inside: avoid; }
.figure-big { font-size: 1.1rem; font-weight: 700; }
.rag { display: inline-block; min-width: 3.6rem; padding: 0 0.3rem; border-radius: 3px;
       color: #fff; font-weight: 600; text-align: center; }
.rag-green { background: var(--green); }
.rag-amber { background: var(--amber); }
.rag-red { background: var(--red); }
.rag-none { background: #6f777b; }
.tag { font-size: 0.75rem; font-weight: 600; color: var(--amber); text-transform: uppercase; }
@media (max-width: 1000px) { .cards { grid-template-columns: repeat(2, minmax(0, 1fr)); }
                             .cards + .card ul.limits { columns: 1; } }
@media (max-width: 640px) {
  body { font-size: 15px; padding: 0.4rem 0.7rem 2rem; }
  .cards { grid-template-columns: minmax(0, 1fr); }
  .cards > .col-1 { order: -1; }
  .question { font-size: 1.12rem; }
  .answer { font-size: 1.05rem; }
  figure { width: 100%; min-width: 0; margin: 0.5rem 0; }
}
"""

TOGGLE = """
<button type="button" id="toggle-code" onclick="
  document.body.classList.toggle('show-code');
  this.textContent = document.body.classList.contains('show-code') ? 'Hide code' : 'Show code';
">Show code</button>
"""


def page(title: str, body: str) -> str:
    """A complete HTML page with the report's style sheet inline.

    Parameters
    ----------
    title : str
        The page title (escaped here).
    body : str
        The page's body, HTML.
    """
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<title>{html.escape(title)}</title>\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<style>{CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
