"""The answer of a run for the person who decides, in sentences written from its numbers.

:func:`summarise` reads a finished run (:class:`analysis.presentation.run_files.RunFiles`:
headline results, resolved parameters, published tables) and says what was asked, whether the
intervention worked and by how much (per 100 people, with the 95% interval), how sure the
analysis is, for whom, why the raw rates mislead, what it is worth in pounds and on which
assumptions (:mod:`analysis.presentation.summary_money`), how the performance measures stand,
and what the data were. The report's front page and the board pack's Word document show it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from analysis.presentation.answers import number, p_text, pct
from analysis.presentation.labels import in_sentence, label
from analysis.presentation.run_files import RunFiles
from analysis.presentation.summary_money import Measure, Money, measures, money, rag_rule_text

__all__ = ["Summary", "per_hundred", "summarise", "words"]

EFFECTS, SURVIVAL, COHORT, COSTS, PERFORMANCE = (
    "03_intervention_effects", "02_survival", "01_cohort", "04_cost_of_crime",
    "05_performance_measures")


@dataclass(frozen=True)
class Summary:
    """The sentences of a run's answer (empty strings where the run has no such result)."""

    title: str
    question: str
    verdict: str
    effect: str
    certainty: str
    raw_vs_adjusted: str
    for_whom: str
    time_to_reoffence: str
    money: Money | None
    money_note: str
    measures: list[Measure]
    rag_rule: str
    data: str
    limits: list[str]
    form: str
    key_figures: list[tuple[str, str]] = field(default_factory=list)


def words(name: str) -> str:
    """A column or variable name in words, as a label (``need_accommodation`` ->
    ``Accommodation need (yes vs no)``)."""
    return label(name) or name.replace("_", " ")


def _count(x: float) -> str:
    """People per 100, to the nearest whole person, or one decimal below one."""
    return f"{x:.0f}" if round(x) >= 1 else f"{x:.1f}"


def per_hundred(rd: float, ci: Sequence[Any] | None) -> tuple[str, str]:
    """The risk difference as people per 100 and its 95% interval in the same words.

    Returns ``("about 12 fewer people", "(95% CI 3 to 21)")`` for ``-0.117`` with
    ``(-0.207, -0.032)``;
    an interval across zero reads ``(95% CI from 16 fewer to 0.1 more)``.
    """
    size = abs(rd) * 100
    head = (f"about {_count(size)} {'fewer' if rd < 0 else 'more'}" if round(size, 1) > 0
            else "about the same number of")
    head += " person" if _count(size) == "1" else " people"
    low, high = (number(ci[0]), number(ci[1])) if ci is not None and len(ci) == 2 else (None, None)
    if low is None or high is None:
        return head, ""
    low, high = low * 100, high * 100
    if high < 0:
        return head, f"(95% CI {_count(-high)} to {_count(-low)})"
    if low > 0:
        return head, f"(95% CI {_count(low)} to {_count(high)})"
    return head, f"(95% CI from {_count(-low)} fewer to {_count(high)} more)"


def _verdict(rd: float, ci: Sequence[Any] | None) -> str:
    low, high = (number(ci[0]), number(ci[1])) if ci is not None and len(ci) == 2 else (None, None)
    if low is None or high is None:
        return "Estimated, without an interval."
    if high < 0:
        return "Yes, it reduced reoffending."
    if low > 0:
        return "No: reoffending was higher."
    return "Not proven: the data cannot tell."


def _effect(run: RunFiles) -> tuple[str, str, str]:
    """The verdict, the effect sentence and the sentence on how sure."""
    r = run.notebook(EFFECTS)
    rd = number(r.get("risk_difference"))
    treatment = r.get("treatment") or run.labels[1]
    months = run.section("measures").get("follow_up_months", 12)
    if rd is None:
        why = " ".join(r.get("not_estimated") or []) or (
            f"The effect of {treatment} on reoffending was not estimated (notebook 03 did not run "
            "or could not estimate it).")
        return "Not estimated in this run.", why, ""
    ci = r.get("risk_difference_ci")
    head, interval = per_hundred(rd, ci)
    effect = (f"{head[0].upper()}{head[1:]} in every 100 given {treatment} reoffended within "
              f"{months} months than would have without it {interval}.").replace(" .", ".")
    return _verdict(rd, ci), effect, _certainty(r, ci)


def _certainty(r: Mapping[str, Any], ci: Any) -> str:
    low, high = (number(ci[0]), number(ci[1])) if isinstance(ci, Sequence) and len(ci) == 2 \
        else (None, None)
    p = p_text(r.get("risk_difference_p"))
    if low is not None and high is not None and (high < 0 or low > 0):
        why = ("the 95% interval does not include zero (no effect), so chance alone is an "
               "unlikely explanation")
    else:
        why = "the 95% interval includes zero, so the data cannot rule out no effect"
    text = [f"How sure: {p}; {why}."]
    n_t, n_c = number(r.get("n_treated")), number(r.get("n_comparison"))
    if n_t is not None and n_c is not None:
        text.append(f"Method: {r.get('risk_difference_method', 'adjusted')}, comparing "
                    f"{n_t:,.0f} treated people with {n_c:,.0f} similar people not treated.")
    if r.get("reportable") is False:
        text.append("Below the Justice Data Lab's reporting minimums: for internal use only.")
    return " ".join(text)


def _raw_vs_adjusted(run: RunFiles) -> str:
    """Why the raw rates differ from the adjusted estimate, in one sentence."""
    rates = run.notebook(COHORT).get("rates_by_group_pct") or {}
    treated, comparison = run.labels[1], run.labels[0]
    raw_t, raw_c = number(rates.get(treated)), number(rates.get(comparison))
    r = run.notebook(EFFECTS)
    rd, expected = number(r.get("risk_difference")), number(r.get("risk_comparison"))
    if raw_t is None or raw_c is None:
        return ""
    raw = f"{treated} {pct(raw_t)}, {comparison} {pct(raw_c)}"
    worse = raw_t > raw_c
    if rd is not None and worse != (rd > 0) and expected is not None \
            and worse == (expected * 100 > raw_c):
        return (f"{treated}'s raw rate looks "
                f"{'worse' if worse else 'better'} ({raw}) because {treated} takes "
                f"{'higher' if worse else 'lower'}-risk people: people like them reoffended at "
                f"an estimated {pct(expected * 100)} without it.")
    return (f"Raw rates ({raw}) compare different people; the estimate above compares like "
            "with like.")


def _for_whom(run: RunFiles) -> str:
    """Whether the effect differs between subgroups (Holm-adjusted interaction tests)."""
    tests = run.table(f"{EFFECTS}__subgroup_interactions")
    if tests is None or tests.empty:
        return ""
    tests = tests[tests["outcome"] == tests["outcome"].iloc[0]]
    holm = {str(r.subgroup): number(r.p_holm) for r in tests.itertuples()}
    tested = {k: v for k, v in holm.items() if v is not None}
    untested = [in_sentence(k) for k, v in holm.items() if v is None]
    differ = [k for k, v in tested.items() if v < 0.05]
    if differ:
        text = "The effect differed by " + ", ".join(
            f"{in_sentence(k)} (Holm-adjusted {p_text(tested[k])})" for k in differ) + "; see notebook 03."
    elif tested:
        smallest = min(tested.values())
        text = (f"No subgroup stands out: the effect did not differ by "
                f"{_and(in_sentence(k) for k in tested)} beyond chance (Holm-adjusted "
                f"p {'=' if smallest >= 0.995 else '≥'} {smallest:.2f}).")
    else:
        text = "No subgroup had enough people to test."
    if untested:
        text += f" Not testable (too few people): {_and(untested)}."
    return text


def _and(items: Any) -> str:
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _time_to_reoffence(run: RunFiles) -> str:
    r = run.notebook(SURVIVAL)
    hr = number(r.get("cox_treated_hr"))
    if hr is None:
        return ""
    ci = r.get("cox_treated_hr_ci") or [None, None]
    low, high = number(ci[0]), number(ci[1])
    interval = f" (95% CI {low:.2f} to {high:.2f})" if low is not None and high is not None else ""
    change = (1 - hr) * 100
    text = (f"Hazard ratio {hr:.2f}{interval}: a {abs(change):.0f}% "
            f"{'lower' if change > 0 else 'higher'} rate of reoffending at any moment for "
            f"{run.labels[1]}, allowing for the covariates (log-rank {p_text(r.get('logrank_p'))}).")
    diff, unit = number(r.get("rmst_difference")), r.get("time_unit", "days")
    if diff is not None and round(abs(diff), 1) == 0:
        text += " About the same time free of reoffending over the follow-up, before adjustment."
    elif diff is not None:
        text += (f" On average {_count(abs(diff))} {unit} {'more' if diff > 0 else 'fewer'} free of "
                 "reoffending over the follow-up, before adjustment.")
    return text


def _period(run: RunFiles) -> str:
    quarters = run.table(f"{PERFORMANCE}__moj_reoffending_by_quarter")
    if quarters is None or "quarter" not in quarters:
        return ""
    shown = [q for q in dict.fromkeys(quarters["quarter"].astype(str)) if q != "All cohorts"]
    return f"starting {shown[0]} to {shown[-1]}" if shown else ""


def _areas(run: RunFiles) -> str:
    areas = run.table(f"{COHORT}__reoffending_area")
    return f"in {_and(areas['area'].astype(str))}" if areas is not None else ""


def _data(run: RunFiles) -> str:
    r = run.notebook(COHORT)
    data = run.section("data")
    people, read, treated = (number(r.get(k)) for k in ("people_in_cohort", "people_read",
                                                         "treated"))
    where = " ".join(x for x in (_period(run), _areas(run)) if x)
    counts = "" if people is None else f"{people:,.0f} people" + (
        f" measured (of {read:,.0f} read)" if read is not None and read != people else "")
    if treated is not None:
        counts += f", {treated:,.0f} in the {run.labels[1]} group"
    months = run.section("measures").get("follow_up_months", 12)
    extract = data.get("extract_date")
    parts = [f"{data.get('name', 'The data')}: {counts}" + (f", cohorts {where}" if where else ""),
             f"each followed for {months} months" + (f"; extract of {extract}" if extract else "")]
    described = str(data.get("description") or "").strip()
    return "; ".join(p for p in parts if p) + "." + (f" {described}" if described else "")


def _limits(run: RunFiles) -> list[str]:
    r3, r4 = run.notebook(EFFECTS), run.notebook(COSTS)
    limits = []
    evalue = number(r3.get("evalue_rr"))
    if evalue is not None:
        limits.append(f"Allows for measured differences only: an unmeasured factor would need a "
                      f"risk ratio of {evalue:.2f} with both treatment and reoffending to explain "
                      "the effect away (E-value).")
    if run.section("data").get("form") == "records":
        limits.append("Proven reoffending only: offences that led to a caution or conviction.")
    costed, uncosted = number(r4.get("reoffences_costed")), number(r4.get("reoffences_not_costed"))
    if costed is not None and uncosted and costed + uncosted > 0:
        limits.append(f"{100 * uncosted / (costed + uncosted):.0f}% of reoffences have no "
                      "published unit cost: the costs are a lower bound.")
    limits.append("Counts of 1 to 4 are shown as <5 and the rates from them suppressed.")
    return limits


def _question(run: RunFiles, with_costs: bool) -> str:
    treatment = run.notebook(EFFECTS).get("treatment") or run.labels[1]
    return (f"Did {treatment} reduce reoffending"
            + (", and is it worth what it costs?" if with_costs else "?"))


def _key_figures(s: Summary, run: RunFiles) -> list[tuple[str, str]]:
    r = run.notebook(EFFECTS)
    rd, ci = number(r.get("risk_difference")), r.get("risk_difference_ci") or [None, None]
    rows = []
    if rd is not None:
        low, high = number(ci[0]), number(ci[1])
        interval = f" (95% CI {low * 100:+.1f} to {high * 100:+.1f})" if low is not None and \
            high is not None else ""
        rows += [("Effect on reoffending (percentage points)", f"{rd * 100:+.1f}{interval}"),
                 ("How sure", p_text(r.get("risk_difference_p")))]
    hr = number(run.notebook(SURVIVAL).get("cox_treated_hr"))
    if hr is not None:
        rows.append(("Hazard ratio of reoffending (Cox, adjusted)", f"{hr:.2f}"))
    if s.money is not None:
        rows += s.money.key_figures
    return rows


def summarise(run: RunFiles) -> Summary:
    """The run's answer (see the module's description)."""
    form = str(run.section("data").get("form") or run.notebook(PERFORMANCE).get("form") or "")
    verdict, effect, certainty = _effect(run)
    cash, note = money(run) if form != "survival" else (None, "")
    shown = measures(run) if form != "survival" else []
    summary = Summary(
        title=str(run.parameters.get("title") or f"Run {run.manifest.get('run_name', '')}"),
        question=_question(run, cash is not None), verdict=verdict, effect=effect,
        certainty=certainty, raw_vs_adjusted=_raw_vs_adjusted(run), for_whom=_for_whom(run),
        time_to_reoffence=_time_to_reoffence(run), money=cash, money_note=note, measures=shown,
        rag_rule=rag_rule_text(run.notebook(PERFORMANCE).get("rag_rule")) if shown else "",
        data=_data(run), limits=_limits(run), form=form)
    return Summary(**{**summary.__dict__, "key_figures": _key_figures(summary, run)})

