"""The top of the report's index page: the run's answer on one screen.

The question, the answer sentence (did it work, by how much per 100 people, with its 95%
interval), how sure, then three columns: why the raw rates mislead and for whom; what it is worth
in pounds with the assumptions that carry the figure (or, for survival data, the time to
reoffence); the performance measures with their RAG status, and the data and their limits.
The words are :func:`analysis.presentation.run_summary.summarise`'s.
"""

from __future__ import annotations

import html

from analysis.presentation.run_summary import Summary
from analysis.presentation.summary_money import Measure, Money

__all__ = ["ANSWER_ID", "front_page", "measures_table"]

#: ``id`` of the answer sentence (the browser test checks it is on the first screen).
ANSWER_ID = "answer"
_RAG = {"Green": "rag-green", "Amber": "rag-amber", "Red": "rag-red"}


def _e(text: str) -> str:
    return html.escape(text, quote=False)


def _p(text: str) -> str:
    return f"<p>{_e(text)}</p>" if text else ""


def _card(title: str, body: str, ident: str = "") -> str:
    if not body:
        return ""
    attr = f' id="{ident}"' if ident else ""
    return f'<section class="card"{attr}><h3>{_e(title)}</h3>{body}</section>'


def target_text(target: str) -> str:
    """A target as people write it (``>= 19%`` -> ``≥ 19%``)."""
    return target.replace(">=", "≥").replace("<=", "≤")


def measures_table(rows: list[Measure]) -> str:
    """The performance measures as a small table with coloured RAG statuses."""
    body = "".join(
        f"<tr><td>{_e(m.label)}</td><td class=\"num\">{_e(m.value)}</td>"
        f"<td class=\"num\">{_e(target_text(m.target))}</td>"
        f"<td><span class=\"rag {_RAG.get(m.status, 'rag-none')}\">{_e(m.status)}</span></td></tr>"
        for m in rows)
    return ("<table><thead><tr><th>Measure (all cohorts)</th><th class=\"num\">Value</th>"
            f"<th class=\"num\">Target</th><th>Status</th></tr></thead><tbody>{body}</tbody></table>")


def _money(money: Money) -> str:
    rests = "".join(
        f"<li>{_e(text)}" + (' <span class="tag">illustrative</span>' if illustrative else "")
        + "</li>" for text, illustrative in money.assumptions)
    return (f'<p><span class="figure-big">{_e(money.npv)}</span> net present value at the point '
            f"estimates: {_e(money.detail)}</p>{_p(money.monte_carlo)}"
            f"<p>The £ figures rest on:</p><ul>{rests}</ul>{_p(money.moves_most)}")


def _data(s: Summary) -> str:
    limits = "".join(f"<li>{_e(x)}</li>" for x in s.limits)
    return f"{_p(s.data)}<ul class=\"limits\">{limits}</ul>" if limits else _p(s.data)


def _columns(s: Summary) -> tuple[list[str], str]:
    """The three columns of cards, and the card that runs under them (the data, for records)."""
    first = _card("Raw and adjusted rates", _p(s.raw_vs_adjusted)) + _card("For whom",
                                                                          _p(s.for_whom))
    data = _card("The data and their limits", _data(s), "data")
    if s.form == "survival":
        return [first, _card("Time to reoffence", _p(s.time_to_reoffence)), data], ""
    worth = (_card("What it is worth", _money(s.money), "worth") if s.money is not None
             else _card("What it is worth", _p(s.money_note), "worth"))
    performance = _card("Performance measures", measures_table(s.measures)
                        + f'<p class="note">{_e(s.rag_rule)}</p>') if s.measures else ""
    return [first, worth, performance], data


def front_page(s: Summary, links: str) -> str:
    """The answer block of the index page (HTML).

    Parameters
    ----------
    s : Summary
        The run's answer.
    links : str
        HTML of the masthead's links (to the sections below and the board pack).
    """
    cards, below = _columns(s)
    columns = "".join(f'<div class="col-{i}">{c}</div>' for i, c in enumerate(cards) if c)
    return (f'<header class="masthead"><h1>{_e(s.title)}</h1><p class="note">{links}</p></header>'
            f'<p class="question">{_e(s.question)}</p>'
            f'<p class="answer" id="{ANSWER_ID}"><span class="verdict">{_e(s.verdict)}</span> '
            f"{_e(s.effect)}</p>"
            f'<p class="sure">{_e(s.certainty)}</p>'
            f'<div class="cards">{columns}</div>{below}')
