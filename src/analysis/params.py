"""Parameter files: schema, loading and checks made before any notebook runs.

A run is described by one YAML file, in ``params/`` or in any folder. :func:`load_params` reads
it, rejects unknown keys (typos), wrong types, missing files and inconsistent column roles, and
returns a :class:`RunParams` with absolute paths: a relative path written in the file is resolved
against the folder of the file itself; a cost file the file does not name is the project's bundled
one (``data/costs/``).
"""

from __future__ import annotations

import difflib
import re
from datetime import date
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from analysis.contract import DATE_FORMAT_NAMES, ROLES, is_date_format
from analysis.design_spec import DesignParams
from analysis.errors import ParameterError
from analysis.files import project_root
from analysis.transform_spec import ModelParams, transform_problems

__all__ = [
    "RunParams",
    "DataParams",
    "TableParams",
    "Intervention",
    "load_params",
    "notebook_project",
    "FAILED_SUFFIX",
]


#: Notebooks whose reference files are inputs of a run only when they run.
EFFECTS_NOTEBOOK = "03_intervention_effects"
COST_NOTEBOOK = "04_cost_of_crime"
PERFORMANCE_NOTEBOOK = "05_performance_measures"
#: Outcome of the effects notebook computed from the cost files: each person's cost of proven
#: reoffences (GBP at the price year of ``costs.price_year``).
COST_OUTCOME = "reoffence_cost_gbp"
#: Path fields of the ``costs`` section.
COST_FILES = ("unit_costs", "deflators", "offence_mapping", "offence_mapping_local", "case_studies")
#: Ending of the folder that keeps a failed run's notebooks; no run name may end with it.
FAILED_SUFFIX = ".failed"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TableParams(_Strict):
    """One input file and the mapping of contract roles to its column names."""

    file: Path
    columns: dict[str, str] = Field(default_factory=dict)
    sheet: str | int | None = None
    date_format: str = Field("day_first", description="How the file writes dates (see "
                             "analysis.contract.DATE_FORMAT_NAMES); YYYY-MM-DD always reads.")

    @field_validator("date_format")
    @classmethod
    def _known_date_format(cls, v: str) -> str:
        if not is_date_format(v):
            raise ValueError(f"give {', '.join(DATE_FORMAT_NAMES)} or a strptime format with a "
                             "day, a month and a year, such as '%d.%m.%Y'")
        return v


class Intervention(_Strict):
    """An intervention recorded in the people table: a 0/1 flag column and a start-date column."""

    name: str
    flag: str
    date: str | None = None
    label: str | None = None


class DataParams(_Strict):
    """The input data: its form, files, column roles and analysis columns."""

    form: Literal["survival", "records"]
    name: str = Field(description="Short name of the data set, shown in tables and titles.")
    description: str = ""
    survival: TableParams | None = None
    people: TableParams | None = None
    offences: TableParams | None = None
    time_unit: Literal["days", "weeks", "months"] = "days"
    treatment: str
    treatment_labels: dict[int, str] = Field(default_factory=lambda: {0: "Comparison", 1: "Treated"})
    covariates: list[str] = Field(default_factory=list)
    needs: list[str] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)
    extract_date: date | None = None
    metadata: Path | None = None
    engine: Literal["auto", "pandas", "duckdb"] = Field("auto", description="Engine of the records "
                                                        "form's per-person measures (docs/performance.md).")

    def treatment_flag(self) -> str:
        """The 0/1 column that says who was treated.

        In the records form, the ``flag`` column of the intervention named by ``treatment``; in
        the survival form, the ``treatment`` column itself.
        """
        intervention = self.treatment_intervention()
        return intervention.flag if intervention is not None else self.treatment

    def intervention(self, name: str | None) -> Intervention | None:
        """The intervention called ``name``, or ``None`` when there is none of that name."""
        return next((i for i in self.interventions if i.name == name), None)

    def treatment_intervention(self) -> Intervention | None:
        """The intervention named by ``treatment``, or ``None`` when it names a column."""
        return self.intervention(self.treatment)

    def treatment_label(self) -> str:
        """The treatment in words, for sentences: the intervention's label, else its name, else
        the label of the treated group (``treatment_labels[1]``)."""
        intervention = self.treatment_intervention()
        if intervention is not None:
            return intervention.label or intervention.name
        return self.treatment_labels.get(1, self.treatment)


class MeasureParams(_Strict):
    """Ministry of Justice proven-reoffending measure settings."""

    follow_up_months: int = Field(12, ge=1, le=60)
    waiting_months: int = Field(6, ge=0, le=24)


class SurvivalParams(_Strict):
    """Settings of the survival analysis (notebook ``02_survival``)."""

    horizons_months: list[float] = Field(default_factory=lambda: [3.0, 6.0, 12.0])
    k_groups: str | None = Field("age_band", description="Column for the k-group log-rank test.")
    strata: str | None = Field(None, description="Column to stratify the log-rank test by.")
    robust: bool = Field(False, description="Robust (sandwich) standard errors in the Cox model.")
    cluster: str | None = Field(None, description="Column for cluster-robust standard errors.")
    time_varying: dict[str, str] = Field(
        default_factory=dict,
        description="Statuses gained after cohort start: {name: date column}, records form only.",
    )


class EffectsParams(_Strict):
    """Settings of the intervention-effects analysis (notebook ``03_intervention_effects``)."""

    outcomes: list[str] = Field(
        default_factory=lambda: ["reoffended", "reoffences", "time", COST_OUTCOME],
        description="Outcome columns of the cohort frame: binary, count, time to event, and "
                    f"'{COST_OUTCOME}', the cost of proven reoffences from the cost files.",
    )
    caliper_sd: float = Field(0.2, gt=0, description="Caliper in SDs of the logit propensity score.")
    ratio: int = Field(1, ge=1, le=10, description="Comparisons matched to each treated person (k:1).")
    replacement: bool = False
    exact: list[str] = Field(default_factory=list, description="Covariates matched exactly, e.g. sex.")
    trim_quantile: float | None = Field(None, ge=0, lt=0.5, description="Trim IPW weights at these quantiles.")
    ate_overlap: float | Literal["optimal"] | None = Field(
        "optimal",
        description="Score limit a of the ATE's overlap region [a, 1 - a]: 'optimal' (Crump et "
                    "al. 2009), a number in [0, 0.5), or null for everyone in common support.")
    bootstrap: int = Field(500, ge=0, description="Bootstrap replications for the doubly robust CI.")
    subgroups: list[str] = Field(default_factory=lambda: ["sex", "age_band", "area"])
    min_treated: int = Field(60, ge=1, description="Justice Data Lab minimum treated cohort size.")
    min_reoffenders: int = Field(30, ge=1, description="Minimum reoffenders for the time measure.")
    common_support: Literal["minmax", "crump", "none"] = Field(
        "minmax", description="Common-support rule applied before matching and weighting.")
    balance_threshold: float = Field(0.1, gt=0, description="Absolute SMD flagged as imbalanced.")
    cluster: str | None = Field(
        None, description="Column for cluster-robust SEs in the regressions (e.g. a team).")

    @field_validator("ate_overlap")
    @classmethod
    def _overlap_limit(cls, v: float | str | None) -> float | str | None:
        if isinstance(v, float | int) and not 0 <= v < 0.5:
            raise ValueError("give 'optimal', null or a number in [0, 0.5)")
        return v


class CostParams(_Strict):
    """Settings of the cost-of-crime analysis (notebook ``04_cost_of_crime``)."""

    unit_costs: Path = Field(
        Path("data/costs/unit_costs.csv"),
        description="Unit costs per offence category with provenance (Heeks et al. 2018).")
    deflators: Path = Field(
        Path("data/costs/gdp_deflators.csv"),
        description="HM Treasury GDP deflators by financial year (release named in the file).")
    offence_mapping: Path = Field(
        Path("data/reference/offence_mapping.csv"),
        description="Map from offence descriptions and Home Office offence codes to unit-cost "
                    "categories (the bundled, versioned reference file).")
    offence_mapping_local: Path | None = Field(
        None, description="Your own mapping file (same columns): its rows are added to "
                          "offence_mapping and replace a row with the same description or code.")
    uncosted_share_warning: float = Field(
        0.10, ge=0, le=1,
        description="Warn when more than this share of the proven reoffences is not costed "
                    "(0.10 = 10%), at the end of the run and in notebook 04.")
    case_studies: Path = Field(
        Path("data/costs/case_studies.csv"),
        description="Offence lists and published totals of the Pan-Dorset case studies.")
    price_year: int = Field(
        2023, ge=2000, le=2100,
        description="Price year of reported costs: the financial year starting in it (2023 = 2023-24).")
    attempt_fraction: float = Field(
        1.0, ge=0, le=1, description="Share of the full unit cost given to an attempted offence.")
    recorded_to_actual: float = Field(
        1.0, ge=1, description="Offences actually committed per proven offence.")
    recorded_to_actual_range: tuple[float, float] | None = Field(
        None, description="Low and high recorded-to-actual multiplier for the Monte Carlo and the "
                          "tornado (default: no uncertainty, the point value).")
    unit_cost_uncertainty: float = Field(
        0.25, ge=0, lt=1,
        description="Relative half-width of the uniform range of every unit cost (0.25 = +/-25%).")
    effect: float | None = Field(
        None, description="Risk difference (treated minus comparison, fraction) to cost; "
                          "default: the estimate of 03_intervention_effects.")
    effect_se: float | None = Field(None, ge=0)
    cohort_size: int | None = Field(
        None, ge=1, description="People the effect applies to (default: the treated group).")
    reoffences_per_reoffender: float | None = Field(
        None, gt=0, description="Proven reoffences per reoffender (default: the cohort's; 1 for "
                                "survival data, which record only the first reoffence).")
    average_cost_categories: list[str] = Field(
        default_factory=lambda: ["domestic_burglary", "theft_of_vehicle", "theft_from_vehicle",
                                 "shoplifting", "robbery", "violence_with_injury",
                                 "violence_without_injury", "criminal_damage_other"],
        description="Categories averaged (equal weights) for the cost of an offence when the "
                    "data have no offences table (survival form).")
    programme_cost_per_person: float = Field(0.0, ge=0, description="Programme cost per treated person (GBP).")
    horizon_years: int = Field(1, ge=1, le=50)
    discount_rate: float = Field(0.035, ge=0, le=1, description="HM Treasury Green Book rate.")
    monte_carlo_draws: int = Field(10_000, ge=100)
    sensitivity_range: float = Field(
        0.5, gt=0, lt=1,
        description="Relative low/high range of the one-way sensitivities of the programme cost "
                    "and the reoffences per reoffender (0.5 = -50% / +50%).")
    illustrative: list[str] = Field(
        default_factory=list,
        description="Keys of this section whose values are illustrative assumptions rather than "
                    "local or published figures; the report marks them beside the £ figures.")

    @field_validator("illustrative")
    @classmethod
    def _known_keys(cls, v: list[str]) -> list[str]:
        unknown = [k for k in v if k not in cls.model_fields or k == "illustrative"]
        if unknown:
            raise ValueError(f"not a key of costs: {', '.join(unknown)}")
        return v

    @field_validator("recorded_to_actual_range")
    @classmethod
    def _ordered_range(cls, v: tuple[float, float] | None) -> tuple[float, float] | None:
        if v is not None and not 1 <= v[0] <= v[1]:
            raise ValueError("give [low, high] with 1 <= low <= high")
        return v


class PerformanceParams(_Strict):
    """Settings of the performance measures (notebook ``05_performance_measures``)."""

    population: Path | None = Field(
        None, description="Population aged 10-17 by area and year (CSV: area, year, "
                          "population_10_17), the denominators of the first-time-entrant and "
                          "custody rates; without it only counts are reported.")
    custody_start_type: str = Field(
        "custody_release", description="Value of cohort_start_type meaning release from custody.")
    quarters: int | None = Field(None, ge=1, description="Most recent quarters to report (all if omitted).")
    year_start_month: int = Field(
        4, ge=1, le=12, description="First month of the reporting year: 4 = UK financial year "
                                    "(quarters 2022/23 Q1 = Apr-Jun 2022), 1 = calendar quarters.")
    rag_rule: Literal["ci", "estimate"] = Field(
        "ci", description="Status rule: 'ci' = Green when the whole 95% CI meets the target, Red "
                          "when it all misses, else Amber; 'estimate' = Green when the estimate "
                          "meets the target, Red when the whole CI misses, else Amber.")
    iom_intervention: str | None = Field(
        "iom", description="Name of the Integrated Offender Management intervention in "
                           "data.interventions (IOM indicators are skipped if absent).")
    funnel_by: str = Field("area", description="Column whose units the funnel plot compares.")
    funnel_method: Literal["exact", "normal"] = Field(
        "exact", description="Funnel limits: exact binomial/Poisson with Spiegelhalter's "
                             "interpolation, or the normal approximation.")


class DisclosureParams(_Strict):
    """Small-count suppression in published tables."""

    min_cell: int = Field(5, ge=1)
    acknowledge_min_cell_below_3: bool = Field(False, description="Needed for min_cell 1 or 2.")
    rounding: int | None = Field(
        None, ge=2, description="Round every count a published table shows to the nearest "
                                "multiple of this (e.g. 5), on top of the small-count rule; "
                                "null shows counts exactly.")


class RunParams(_Strict):
    """Everything that defines one run."""

    run_name: str
    title: str = ""
    seed: int = Field(2024, ge=0)
    notebooks: list[str] | None = None
    data: DataParams
    measures: MeasureParams = MeasureParams()
    survival: SurvivalParams = SurvivalParams()
    effects: EffectsParams = EffectsParams()
    models: ModelParams = ModelParams()
    costs: CostParams = CostParams()
    performance: PerformanceParams = PerformanceParams()
    disclosure: DisclosureParams = DisclosureParams()
    design: DesignParams = DesignParams()
    source: Path | None = Field(None, exclude=True)
    root: Path | None = Field(None, exclude=True)

    @field_validator("run_name")
    @classmethod
    def _safe_run_name(cls, v: str) -> str:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9_.-]*", v):
            raise ValueError("use letters, digits, '_', '-' or '.', starting with a letter or digit")
        if v.endswith(FAILED_SUFFIX):
            raise ValueError(f"a name ending in '{FAILED_SUFFIX}' is kept for the partly executed "
                             f"notebooks of a failed run (<run_name>{FAILED_SUFFIX}); choose another")
        return v

    def runs_notebook(self, name: str) -> bool:
        """Whether the run executes ``notebooks/<name>.ipynb`` (listed, or all and it exists)."""
        if self.notebooks is not None:
            return name in self.notebooks
        return self.root is not None and (self.root / "notebooks" / f"{name}.ipynb").is_file()

    def uses_cost_files(self) -> bool:
        """Whether the run reads the cost files: the cost notebook runs, or the effects notebook
        runs on records-form data with the cost of reoffences among its outcomes."""
        return self.runs_notebook(COST_NOTEBOOK) or (
            self.runs_notebook(EFFECTS_NOTEBOOK) and COST_OUTCOME in self.effects.outcomes
            and self.data.offences is not None)

    def input_files(self) -> dict[str, Path]:
        """Return the input files of the run by name (absolute paths).

        The data files always; the reference files of a notebook only when it runs (the cost
        files also when the effects notebook costs reoffences as an outcome).
        """
        d = self.data
        files = {
            name: t.file
            for name, t in (("survival", d.survival), ("people", d.people), ("offences", d.offences))
            if t is not None
        }
        if d.metadata is not None:
            files["metadata"] = d.metadata
        if self.performance.population is not None and self.runs_notebook(PERFORMANCE_NOTEBOOK):
            files["population"] = self.performance.population
        if self.uses_cost_files():
            files.update({f"costs.{k}": getattr(self.costs, k) for k in COST_FILES
                          if getattr(self.costs, k) is not None})
        return files

    def resolved(self) -> dict[str, Any]:
        """Return the parameters as plain JSON-ready data, paths relative to the project root."""
        out = self.model_dump(mode="json", exclude={"source", "root"})

        def rel(p: str | None) -> str | None:
            if p is None or self.root is None:
                return p
            try:
                return Path(p).relative_to(self.root).as_posix()
            except ValueError:
                return p

        for table in ("survival", "people", "offences"):
            if out["data"].get(table):
                out["data"][table]["file"] = rel(out["data"][table]["file"])
        out["data"]["metadata"] = rel(out["data"]["metadata"])
        out["performance"]["population"] = rel(out["performance"]["population"])
        for key in COST_FILES:
            out["costs"][key] = rel(out["costs"][key])
        return out


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Walk ``loc`` (without its last element) through nested models to list the keys allowed there."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(current, "model_fields", {}).get(part)
        if field is None:
            return []
        ann = field.annotation
        for cand in (ann, *getattr(ann, "__args__", ())):
            inner = getattr(cand, "__args__", ())
            for c in (cand, *inner):
                if isinstance(c, type) and issubclass(c, BaseModel):
                    current = c
                    break
            else:
                continue
            break
    return list(getattr(current, "model_fields", {}))


def _format_validation_error(err: ValidationError, source: Path) -> str:
    lines = []
    for e in err.errors():
        loc = tuple(e["loc"])
        key = ".".join(str(p) for p in loc)
        if e["type"] == "extra_forbidden":
            allowed = [k for k in _allowed_keys(RunParams, loc) if k not in ("source", "root")]
            hint = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
            extra = f" (did you mean '{hint[0]}'?)" if hint else ""
            lines.append(f"  {key}: unknown key{extra}; allowed here: {', '.join(allowed)}")
        elif e["type"] == "missing":
            lines.append(f"  {key}: required key is missing")
        else:
            lines.append(f"  {key}: {e['msg']} (got {type(e.get('input')).__name__})")
    return f"{source}: invalid parameters\n" + "\n".join(lines)


def _check_consistency(p: RunParams) -> list[str]:
    """Check column roles, table presence and cross-references; return one message per problem."""
    d = p.data
    problems: list[str] = []
    tables = ("survival",) if d.form == "survival" else ("people", "offences")
    for other in ("survival", "people", "offences"):
        if other not in tables and getattr(d, other) is not None:
            problems.append(f"data.{other}: not used with data.form '{d.form}'; remove it")
    for table in tables:
        t: TableParams | None = getattr(d, table)
        if t is None:
            problems.append(f"data.{table}: required when data.form is '{d.form}'")
            continue
        roles = {r.name: r for r in ROLES[table]}
        for role_name in t.columns:
            if role_name not in roles:
                hint = difflib.get_close_matches(role_name, list(roles), n=1)
                extra = f" (did you mean '{hint[0]}'?)" if hint else ""
                problems.append(
                    f"data.{table}.columns.{role_name}: unknown role{extra}; "
                    f"roles of the {table} table: {', '.join(roles)}"
                )
        for r in roles.values():
            if r.required and r.name not in t.columns:
                problems.append(f"data.{table}.columns.{r.name}: required role is not mapped to a column")
        seen: dict[str, str] = {}
        for role_name, col in t.columns.items():
            if col in seen:
                problems.append(
                    f"data.{table}.columns.{role_name}: column '{col}' is already mapped to role "
                    f"'{seen[col]}'"
                )
            seen[col] = role_name
    if d.form == "records" and d.people is not None:
        if not {"date_of_birth", "age"} & set(d.people.columns):
            problems.append("data.people.columns: map 'date_of_birth' or 'age' (one is required)")
    if d.form == "records":
        names = [i.name for i in d.interventions]
        if d.treatment not in names:
            problems.append(
                f"data.treatment: '{d.treatment}' is not one of data.interventions "
                f"({', '.join(names) or 'none given'})"
            )
        if len(set(names)) != len(names):
            problems.append("data.interventions: intervention names must be unique")
    if d.form == "survival" and d.interventions:
        problems.append("data.interventions: only used with data.form 'records'")
    if d.form == "records" and d.extract_date is None:
        problems.append("data.extract_date: required with data.form 'records' (date the data were extracted)")
    if d.treatment in d.covariates:
        problems.append(f"data.covariates: contains the treatment column '{d.treatment}'")
    problems += transform_problems(dict(p.models.transforms), list(d.covariates))
    if d.form == "survival" and p.survival.time_varying:
        problems.append("survival.time_varying: needs dated status changes (records form only)")
    if p.notebooks is not None and not p.notebooks:
        problems.append("notebooks: give at least one notebook, or leave the key out to run all")
    if p.disclosure.min_cell < 3 and not p.disclosure.acknowledge_min_cell_below_3:
        problems.append(
            f"disclosure.min_cell: {p.disclosure.min_cell} lets published tables show counts of "
            "1 or 2 people; to accept that, also set disclosure.acknowledge_min_cell_below_3: true")
    return problems


def notebook_project(source: Path) -> Path:
    """The project whose notebooks run a parameter file, and whose reference files it may use.

    The nearest folder at or above the file's folder that holds ``pyproject.toml`` and a
    ``notebooks/`` folder; for a file anywhere else, the project the package is installed from
    (whatever the working directory).
    """
    folder = source.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "pyproject.toml").is_file() and (candidate / "notebooks").is_dir():
            return candidate
    try:
        return project_root()
    except FileNotFoundError:
        return Path.cwd().resolve()


def _resolve_paths(p: RunParams, base: Path, root: Path) -> RunParams:
    """Make every path absolute: those written in the file against ``base`` (the file's folder),
    the cost files it does not name against ``root`` (the project's bundled files)."""

    def res(path: Path, against: Path = base) -> Path:
        path = path.expanduser()
        return path if path.is_absolute() else (against / path).resolve()

    d = p.data
    tables = {
        name: t.model_copy(update={"file": res(t.file)})
        for name, t in (("survival", d.survival), ("people", d.people), ("offences", d.offences))
        if t is not None
    }
    meta = res(d.metadata) if d.metadata is not None else None
    data = d.model_copy(update={**tables, "metadata": meta})
    perf = p.performance
    if perf.population is not None:
        perf = perf.model_copy(update={"population": res(perf.population)})
    written = p.costs.model_fields_set
    costs = p.costs.model_copy(update={k: res(getattr(p.costs, k), base if k in written else root)
                                       for k in COST_FILES if getattr(p.costs, k) is not None})
    return p.model_copy(update={"data": data, "performance": perf, "costs": costs, "root": root})


def load_params(path: str | Path, overrides: dict[str, Any] | None = None) -> RunParams:
    """Read, check and resolve a parameter file.

    Parameters
    ----------
    path : str or Path
        The YAML parameter file.
    overrides : dict, optional
        Top-level keys replacing those of the file (e.g. ``{"run_name": "x"}``).

    Returns
    -------
    RunParams
        Checked parameters with absolute input paths (relative paths of the file resolved
        against its folder) and ``root``, the project whose notebooks run
        (:func:`notebook_project`).

    Raises
    ------
    ParameterError
        On an unreadable file, an unknown key, a wrong type, a missing input file or
        inconsistent column roles; the message names the file and the key.
    """
    source = Path(path)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ParameterError(f"{source}: parameter file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ParameterError(f"{source}: cannot read the parameter file ({exc.__class__.__name__})") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ParameterError(f"{source}: not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise ParameterError(f"{source}: expected a mapping of keys to values at the top level")
    raw = {**raw, **(overrides or {})}
    try:
        params = RunParams.model_validate(raw)
    except ValidationError as err:
        raise ParameterError(_format_validation_error(err, source)) from None
    root = notebook_project(source)
    params = _resolve_paths(params, source.resolve().parent, root).model_copy(
        update={"source": source.resolve()})
    problems = _check_consistency(params)
    for table, file in params.input_files().items():
        key = {"metadata": "data.metadata", "population": "performance.population"}.get(
            table, table if table.startswith("costs.") else f"data.{table}.file")
        if file.is_dir():
            problems.append(f"{key}: a folder, not a file: {file}")
        elif not file.is_file():
            problems.append(f"{key}: file not found: {file}")
    if params.notebooks:
        nb_dir = root / "notebooks"
        for i, nb in enumerate(params.notebooks):
            if not (nb_dir / f"{nb}.ipynb").is_file():
                problems.append(f"notebooks.{i}: no notebook notebooks/{nb}.ipynb")
    if problems:
        raise ParameterError(f"{source}: invalid parameters\n" + "\n".join(f"  {m}" for m in problems))
    return params
