"""Simulation study of the intervention-effect estimators on the project's synthetic generator.

Each replication draws a fresh SYNTHETIC cohort with ``analysis.synthetic.generate_cohort(n,
seed)``, whose treatment (IOM) is confounded by prior offences, needs, age, sex and start type
and whose planted effect is known: the generator gives each person's two potential outcomes
(one-year proven reoffending with and without IOM, ``SyntheticCohort.potential_outcomes``).
Every estimator of :func:`analysis.models.effects.binary_estimates` is applied to the eligible adults
with a needs assessment (IOM is for adults only), and the script reports, per estimator, the
bias, the empirical and average model standard errors, the RMSE and the coverage of the nominal
95% interval, against the truth of its own estimand: the mean individual effect over the
people the estimator describes (the treated analysed, the matched treated, or everyone in the
ATE's overlap region).

Two adjustment sets are analysed:

``confounders``
    every variable that drives both IOM allocation and reoffending in the generator (age, an
    18-33 indicator, sex, log(1 + prior offences in 12 months), substance misuse need (drugs or
    alcohol), drug, accommodation, education-training-employment, lifestyle and attitudes
    needs, and the start type). With these the adjusted estimators should be unbiased and
    cover about 95%.
``parameters``
    the covariate list of ``params/default.yaml``, which leaves out alcohol, ETE need and the
    start type: the residual confounding this leaves is shown, not hidden.

Run (about 10 minutes for 200 replications on two cores)::

    .venv/bin/python studies/effects_simulation.py --reps 200 --out docs/effects_simulation.md

``tests/test_effects.py`` runs a fast version (a few replications) through :func:`simulate`.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from analysis.measures.reoffending import derive_measures, is_eligible
from analysis.models.effects import binary_estimates
from analysis.synthetic import EXTRACT_DATE, generate_cohort

CONFOUNDERS = ["age", "age_18_33", "sex", "log_prior_12m", "substance_need", "need_drugs",
               "need_accommodation", "need_ete", "need_lifestyle", "need_attitudes",
               "cohort_start_type"]
PARAMETERS = ["age", "sex", "area", "prior_offences_12m", "need_drugs", "need_accommodation",
              "need_lifestyle", "need_attitudes"]
ADJUSTMENT_SETS = {"confounders": CONFOUNDERS, "parameters": PARAMETERS}
#: Estimand of each method; the others target the ATT.
ESTIMAND = {"IPW (ATE)": "ATE (overlap region)"}
#: The weights whose positive entries mark the people a method's estimand averages over.
DESCRIBED_BY = {"Matching": "Matched", "IPW (ATT)": "IPW (ATT)",
                "Doubly robust AIPW (ATT)": "IPW (ATT)", "IPW (ATE)": "IPW (ATE)"}


def analysis_frame(n: int, seed: int) -> pd.DataFrame:
    """One synthetic cohort as an analysis frame (eligible assessed adults).

    The column ``effect`` is each person's true individual effect of IOM on one-year proven
    reoffending (``iom_y1 - iom_y0``: -1, 0 or 1), which no estimator sees.
    """
    sc = generate_cohort(n, seed)
    people = sc.people.assign(
        effect=(sc.potential_outcomes["iom_y1"] - sc.potential_outcomes["iom_y0"]).to_numpy())
    eligible = is_eligible(people["cohort_start"], EXTRACT_DATE, 12, 6).to_numpy()
    people = people.loc[eligible].reset_index(drop=True)
    m = derive_measures(people, sc.offences, 12, 6)
    f = people.assign(reoffended=m["reoffended"].to_numpy(), time=m["time_days"].to_numpy())
    f = f[(f["age"] >= 18) & (f["needs_assessed"] == 1)].reset_index(drop=True)
    for col in ("need_drugs", "need_alcohol", "need_accommodation", "need_ete",
                "need_lifestyle", "need_attitudes", "prior_offences_12m", "iom"):
        f[col] = f[col].astype(float)
    f["treated"] = f["iom"].astype(int)
    f["age"] = f["age"].astype(float)
    f["age_18_33"] = ((f["age"] >= 18) & (f["age"] <= 33)).astype(float)
    f["log_prior_12m"] = np.log1p(f["prior_offences_12m"])
    f["substance_need"] = ((f["need_drugs"] == 1) | (f["need_alcohol"] == 1)).astype(float)
    return f


def true_effect(frame: pd.DataFrame, method: str, weights: dict[str, pd.Series]) -> float:
    """The mean individual effect over the people ``method``'s estimand describes.

    Treated people with a positive weight for the matching and ATT estimators, everyone with a
    positive weight for the ATE, and all treated people for the unadjusted and regression rows.
    """
    name = DESCRIBED_BY.get(method)
    if name is None:
        return float(frame.loc[frame["treated"] == 1, "effect"].mean())
    w = weights[name]
    keep = w.index[w.to_numpy() > 0]
    people = frame.loc[keep]
    if not method.endswith("(ATE)"):
        people = people[people["treated"] == 1]
    return float(people["effect"].mean())


def simulate(reps: int = 200, n: int = 4000, bootstrap: int = 200, first_seed: int = 1,
             sets: tuple[str, ...] = ("confounders", "parameters"),
             progress: bool = True) -> pd.DataFrame:
    """Run the replications; one row per replication, adjustment set and method."""
    rows = []
    bar = tqdm(range(first_seed, first_seed + reps), desc="replications", disable=not progress,
               file=sys.stderr, ncols=80)
    for seed in bar:
        frame = analysis_frame(n, seed)
        for name in sets:
            est = binary_estimates(frame, "reoffended", ADJUSTMENT_SETS[name],
                                   bootstrap=bootstrap, seed=seed, progress=False)
            for r in est.table.itertuples():
                rows.append({"seed": seed, "adjustment": name, "method": r.method,
                             "estimand": ESTIMAND.get(r.method, "ATT"),
                             "truth": true_effect(frame, r.method, est.weights),
                             "estimate": r.estimate, "se": r.se, "ci_low": r.ci_low,
                             "ci_high": r.ci_high, "n_treated": r.n_treated,
                             "n_comparison": r.n_comparison, "ate_alpha": est.ate_alpha})
    return pd.DataFrame(rows)


def summarise(runs: pd.DataFrame) -> pd.DataFrame:
    """Bias, standard errors, RMSE and 95% CI coverage per adjustment set and method.

    The population truth of a method is the mean, over replications, of the replications' own
    truths (the population ATT or ATE). ``coverage_pct`` is the share of intervals containing it;
    ``coverage_sample_pct`` the share containing the replication's own sample effect.
    """
    runs = runs.copy()
    runs["population_truth"] = runs.groupby(["adjustment", "method"])["truth"].transform("mean")
    runs["error"] = runs["estimate"] - runs["truth"]
    runs["covered"] = (runs["ci_low"] <= runs["population_truth"]) & \
        (runs["population_truth"] <= runs["ci_high"])
    runs["covered_sample"] = (runs["ci_low"] <= runs["truth"]) & (runs["truth"] <= runs["ci_high"])
    g = runs.groupby(["adjustment", "method"], sort=False)
    out = g.agg(estimand=("estimand", "first"), reps=("estimate", "count"),
                truth_pp=("truth", "mean"), truth_sd_pp=("truth", "std"),
                mean_estimate_pp=("estimate", "mean"),
                bias_pp=("error", "mean"), empirical_se_pp=("estimate", "std"),
                mean_se_pp=("se", "mean"), coverage_pct=("covered", "mean"),
                coverage_sample_pct=("covered_sample", "mean"),
                mean_treated=("n_treated", "mean"), mean_comparison=("n_comparison", "mean"),
                mean_ate_alpha=("ate_alpha", "mean")).reset_index()
    out["rmse_pp"] = g.apply(lambda d: np.sqrt(np.mean((d["estimate"] - d["population_truth"]) ** 2)),
                             include_groups=False).to_numpy()
    out["bias_mcse_pp"] = out["empirical_se_pp"] / np.sqrt(out["reps"])
    out["coverage_mcse_pct"] = np.sqrt(out["coverage_pct"] * (1 - out["coverage_pct"]) / out["reps"])
    for c in ("truth_pp", "truth_sd_pp", "mean_estimate_pp", "bias_pp", "empirical_se_pp",
              "mean_se_pp", "rmse_pp", "bias_mcse_pp"):
        out[c] = 100 * out[c]
    for c in ("coverage_pct", "coverage_sample_pct", "coverage_mcse_pct"):
        out[c] *= 100
    return out


def markdown(summary: pd.DataFrame, reps: int, n: int, bootstrap: int, seconds: float) -> str:
    """The summary as the Markdown page ``docs/effects_simulation.md``."""
    lines = [
        "# Simulation study of the intervention-effect estimators",
        "",
        "Written by `studies/effects_simulation.py` "
        f"(`--reps {reps} --n {n} --bootstrap {bootstrap}`; {seconds / 60:.1f} minutes on two "
        "cores). Each replication draws a new SYNTHETIC cohort of "
        f"{n:,} people with `analysis.synthetic.generate_cohort(n, seed)` (seeds 1 to {reps}), "
        "keeps the eligible adults with a needs assessment, and estimates the effect of IOM on "
        "one-year proven reoffending with every estimator of "
        "`analysis.models.effects.binary_estimates` (caliper 0.2 SD, 1:1 without replacement, "
        "min-max common support, stabilised weights, no trimming, the ATE in Crump et al.'s optimal overlap region). IOM is confounded by design: "
        "it goes to people with more recent priors and substance-misuse and other needs, who "
        "reoffend more, so the naive comparison makes IOM look harmful although its planted "
        "hazard ratio is 0.70.",
        "",
        "The truth of each replication is the generator's own: each person's individual effect "
        "is the difference of their two potential outcomes (one-year proven reoffending with "
        "and without IOM, common random numbers, `SyntheticCohort.potential_outcomes`), and "
        "the truth of an estimator is the mean individual effect over the people its estimand "
        "describes: the treated analysed (unadjusted, regression, IPW for the ATT, doubly "
        "robust), the matched treated (matching), or everyone in the ATE's overlap region "
        "(IPW for the ATE; Crump et al.'s optimal limit, on average "
        f"{summary.loc[summary['method'] == 'IPW (ATE)', 'mean_ate_alpha'].mean():.3f}, so "
        "scores from about that to one minus it). Risk differences are in percentage points "
        "(treated minus comparison). The *truth* column is the population effect, the mean "
        "of the replications' own effects; bias is the mean of estimate minus the "
        "replication's own effect. **Coverage** is the share of replications whose 95% "
        "interval contains the population effect, the quantity the standard errors describe; "
        f"with {reps} replications its Monte Carlo standard error is about "
        f"{100 * np.sqrt(0.95 * 0.05 / reps):.1f} points at 95%. Each replication's own "
        "sample effect also varies (the *truth SD* column) through its treated people's "
        "individual outcomes, which the comparison group cannot see; the coverage of that "
        "sample effect is shown too.",
        "",
    ]
    cols = ["method", "estimand", "truth_pp", "truth_sd_pp", "mean_estimate_pp", "bias_pp",
            "bias_mcse_pp", "empirical_se_pp", "mean_se_pp", "rmse_pp", "coverage_pct",
            "coverage_mcse_pct", "coverage_sample_pct"]
    heads = ["method", "estimand", "truth (pp)", "truth SD", "mean estimate (pp)", "bias (pp)",
             "bias MCSE", "empirical SE", "mean model SE", "RMSE", "95% CI coverage (%)",
             "coverage MCSE", "coverage of sample effect (%)"]
    titles = {"confounders": "Adjusting for every confounder in the generator",
              "parameters": "Adjusting for the covariates of params/default.yaml "
                            "(alcohol, ETE need and start type left out)"}
    for adj, part in summary.groupby("adjustment", sort=False):
        lines += [f"## {titles.get(adj, adj)}", "",
                  f"Mean treated people analysed per replication: "
                  f"{part.loc[part['method'] == 'Unadjusted', 'mean_treated'].mean():.0f}; in the "
                  f"ATE's overlap region: "
                  f"{part.loc[part['method'] == 'IPW (ATE)', 'mean_treated'].mean():.0f} treated "
                  f"and {part.loc[part['method'] == 'IPW (ATE)', 'mean_comparison'].mean():.0f} "
                  "comparison.", "",
                  "| " + " | ".join(heads) + " |", "|" + "---|" * len(heads)]
        for r in part[cols].itertuples(index=False):
            cells = [r.method, r.estimand] + [f"{v:.2f}" for v in r[2:10]] + \
                [f"{r.coverage_pct:.1f}", f"{r.coverage_mcse_pct:.1f}",
                 f"{r.coverage_sample_pct:.1f}"]
            lines.append("| " + " | ".join(cells) + " |")
        lines.append("")
    lines += [
        "## Reading the table",
        "",
        "* **Unadjusted**: the naive difference carries the confounding bias: it is far from "
        "the truth and its interval rarely covers it.",
        "* **Adjusted estimators, every confounder**: matching, IPW and the doubly robust "
        "AIPW estimate (the notebook's main estimator) should be close to unbiased with "
        "coverage in 92-98%. The logistic regression is misspecified here (the generator's "
        "outcome model is a proportional-hazards model with time-varying terms, not a "
        "logistic one), so some bias in its average marginal effect is expected.",
        "* **IPW (ATE)** estimates the average effect in the overlap region only. Over all "
        "eligible adults, including those almost never put on IOM (no substance-misuse need), "
        "positivity nearly fails: an earlier run of this study with the ATE over everyone in "
        "min-max common support found a bias of -3.4 points and 71.5% coverage, the interval "
        "resting on a few huge weights. The overlap region leaves those people out and says so "
        "in the estimand.",
        "* **Covariates of the parameter file**: leaving true confounders out leaves residual "
        "bias that no estimator can remove; the E-values of the notebook speak to this.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--reps", type=int, default=200)
    parser.add_argument("--n", type=int, default=4000)
    parser.add_argument("--bootstrap", type=int, default=200)
    parser.add_argument("--first-seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=Path("docs/effects_simulation.md"))
    parser.add_argument("--runs-csv", type=Path, default=None,
                        help="also write every replication's estimates to this CSV")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    runs = simulate(args.reps, args.n, args.bootstrap, args.first_seed)
    seconds = time.perf_counter() - t0
    summary = summarise(runs)
    if args.runs_csv:
        runs.to_csv(args.runs_csv, index=False)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(summary, args.reps, args.n, args.bootstrap, seconds),
                        encoding="utf-8")
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(summary.round(2).to_string(index=False))
    print(f"{args.reps} replications in {seconds:.0f} s; wrote {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
