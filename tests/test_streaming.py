"""Reading and validating in chunks (the DuckDB engine) gives the pandas path's data and messages.

Chunks are made small (:data:`analysis.data.streaming.CHUNK_ROWS`) so that every rule meets
rows on both sides of a chunk boundary: the bad-input cases of ``test_bad_input.py`` and more
run through ``python -m analysis validate`` once per engine, and must give the same exit
status and the same message; the bundled data and the hand-made edge cases of
``test_engine_duckdb.py`` must give the same validated people, warnings and cohort.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd
import pytest
import test_bad_input as bad
from test_bad_input import project  # noqa: F401 - the scratch project fixture
from test_engine_duckdb import MEASURES, _edge_params

from analysis.data import streaming
from analysis.data.loading import load_data
from analysis.measures.cohort import build_cohort
from analysis.measures.performance.frame import run_frame
from analysis.measures.readiness import validation_notices
from analysis.params import RunParams, load_params

CHUNK = 16
MONTH_FIRST = {"file: data/people.csv": "file: data/people.csv\n    date_format: month_first"}


@pytest.fixture(autouse=True)
def small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(streaming, "CHUNK_ROWS", CHUNK)


def _engine(params: Path, engine: str) -> None:
    text = params.read_text()
    text = text.replace("  form: records\n", f"  form: records\n  engine: {engine}\n", 1)
    params.write_text(text)


def _both(params: Path, capsys) -> dict[str, tuple[int, str, str]]:
    """Validate with either engine: exit status, standard output and standard error."""
    original = params.read_text()
    out = {}
    for engine in ("pandas", "duckdb"):
        params.write_text(original)
        _engine(params, engine)
        out[engine] = bad.validate(params, capsys)
    return out


def _people(**cells: dict[int, str]) -> pd.DataFrame:
    frame = bad.people_frame()
    for column, values in cells.items():
        frame = bad.set_cells(frame, column, values)
    return frame


def _offences(**cells: dict[int, str]) -> pd.DataFrame:
    frame = bad.offences_frame()
    for column, values in cells.items():
        frame = bad.set_cells(frame, column, values)
    return frame


def _mixed_dates(frame: pd.DataFrame, column: str, fmt: str, after: int) -> pd.DataFrame:
    out = frame.copy()
    out.loc[after:, column] = [date.fromisoformat(v).strftime(fmt) if v else v
                               for v in out.loc[after:, column]]
    return out


def _line(frame: pd.DataFrame, row: int, text: str) -> str:
    """CSV text of ``frame`` with data row ``row`` replaced by ``text``."""
    lines = bad.to_csv(frame).splitlines(keepends=True)
    lines[row] = text + "\n"
    return "".join(lines)


PEOPLE_HEADER = "ref,release_dt,gender,dob,age_at_start,iom,exit_dt,notes"

CASES = {
    "valid": (None, None, None, 0),
    "bad flags across chunks": (_people(iom={2: "Smithers", 40: "2", 150: "x"}), None, None, 2),
    "blanks and bad numbers": (_people(gender={3: ""}, age_at_start={17: "abc", 33: "4.5"}),
                               None, None, 2),
    "duplicate ids across chunks": (_people(ref={2: "SMITHERS-J", 90: "SMITHERS-J"}), None,
                                    None, 2),
    "missing column": (bad.people_frame().drop(columns="gender"), None, None, 2),
    "empty file": ("", None, None, 2),
    "header only": (PEOPLE_HEADER + "\n", None, None, 2),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00 Smithers" * 20, None, None, 2),
    "UTF-16": (bad.to_csv(bad.people_frame()).encode("utf-16"), None, None, 2),
    "Windows-1252": (bad.to_csv(_people(notes={20: "caf\u00e9"})).encode("cp1252"), None,
                     None, 0),
    "Windows-1252 deep in the file": (bad.to_csv(_people(notes={i: "n" * 2000 for i in range(
        1, 151)} | {140: "caf\u00e9"})).encode("cp1252"), None, None, 0),  # past pandas' buffer
    "duplicate header": (bad.to_csv(bad.people_frame()).replace(",notes\n", ",iom\n", 1), None,
                         None, 2),
    "short line": (_line(bad.people_frame(), 20, "P020,2022-03-02,male"), None, None, 2),
    "long line starting a chunk": (_line(bad.people_frame(), CHUNK + 1,
                                         "P017,2022-02-20,male,1970-01-01,52,0,,none,extra"),
                                   None, None, 2),
    "long line inside a chunk": (_line(bad.people_frame(), 20,
                                       "P020,2022-02-20,male,1970-01-01,52,0,,none,extra"),
                                 None, None, 2),
    "blank lines inside and after": (bad.to_csv(bad.people_frame()).replace(
        "\nP030,", "\n\n\nP030,", 1) + "\n\n\n", None, None, 2),
    "trailing blank lines": (bad.to_csv(bad.people_frame()) + "\n" * 40, None, None, 0),
    "month-first dates": (bad.slash_dates(bad.people_frame(), "release_dt", "%m/%d/%Y"), None,
                          None, 2),
    "ISO then day-first dates": (_mixed_dates(bad.people_frame(), "release_dt", "%d/%m/%Y", 60),
                                 None, None, 2),
    "unreadable date": (_people(dob={5: "31/02/1980", 70: "not a date"}), None, None, 2),
    "birth after start": (_people(dob={4: "2030-01-01"}), None, None, 2),
    "one treatment level": (_people(iom={i: "1" for i in range(1, 151)}), None, None, 2),
    "unknown person and dates": (None, _offences(ref={3: "NOBODY"}, off_dt={20: "2020-01-01"},
                                                 conv_dt={25: "2000-01-01"}), None, 2),
    "bad offence dates": (None, _offences(off_dt={4: "yesterday", 19: ""}), None, 2),
    "offences header only": (None, "ref,off_dt,conv_dt,off_type\n", None, 0),
    "offence after the extract date": (None, _offences(off_dt={22: "2025-12-01"},
                                                       conv_dt={22: "2025-12-02"}), None, 0),
    "people and offences at fault": (_people(age_at_start={18: "7"}),
                                     _offences(off_type={28: ""}), None, 2),
    "month-first births": (bad.slash_dates(bad.people_frame(), "dob", "%m/%d/%Y"), None, None, 2),
    "declared month-first": (bad.slash_dates(bad.people_frame(), "dob", "%m/%d/%Y"), None,
                             MONTH_FIRST, 0),
    "impossible month": (bad.set_cells(bad.slash_dates(bad.people_frame(), "release_dt",
                                                       "%m/%d/%Y"), "release_dt",
                                       {4: "13/13/2022"}), None, MONTH_FIRST, 2),
    "day-first under month-first": (bad.slash_dates(bad.people_frame(), "release_dt", "%d/%m/%Y"),
                                    None, MONTH_FIRST, 2),
    "slash dates declared ISO": (_people(dob={2: "03/04/1990", 100: "04/05/1991"}), None,
                                 {"file: data/people.csv": "file: data/people.csv\n    "
                                  "date_format: iso"}, 2),
    "strptime format": (bad.set_cells(bad.slash_dates(bad.people_frame(), "release_dt",
                                                      "%d.%m.%Y"), "release_dt",
                                      {7: "2022/01/05"}), None,
                        {"file: data/people.csv": "file: data/people.csv\n    "
                         "date_format: '%d.%m.%Y'"}, 2),
    "one bad offence date late": (None, _offences(conv_dt={30: "31/02/2023"}), None, 2),
    "day-first offences after ISO": (None, _mixed_dates(bad.offences_frame(), "off_dt",
                                                        "%d/%m/%Y", 20), None, 2),
}


@pytest.mark.parametrize("case", list(CASES))
def test_same_messages_and_status_on_either_engine(project, capsys,  # noqa: F811
                                                   case: str) -> None:
    people, offences, edit, status = CASES[case]
    got = _both(project(people, offences, edit=edit), capsys)
    assert got["duckdb"] == got["pandas"]
    assert got["duckdb"][0] == status, got["duckdb"]


def _with_engine(params: RunParams, engine: str) -> RunParams:
    return params.model_copy(update={"data": params.data.model_copy(update={"engine": engine})})


def _same_everywhere(params: RunParams) -> pd.DataFrame:
    """Load and build the cohort on either engine; assert they agree; return the cohort."""
    pandas_params, duckdb_params = _with_engine(params, "pandas"), _with_engine(params, "duckdb")
    memory, chunked = load_data(pandas_params), load_data(duckdb_params)
    assert chunked.offences is None and memory.offences is not None
    assert chunked.rows_read == memory.rows_read
    pd.testing.assert_frame_equal(chunked.people, memory.people)
    assert validation_notices(duckdb_params, chunked) == validation_notices(pandas_params, memory)
    expected = build_cohort(pandas_params, memory)
    got = build_cohort(duckdb_params, chunked)
    pd.testing.assert_frame_equal(got.frame, expected.frame)
    pd.testing.assert_frame_equal(got.flow, expected.flow)
    performance = [run_frame(p, d.people, d.offences, c.frame) for p, d, c in
                   ((pandas_params, memory, expected), (duckdb_params, chunked, got))]
    pd.testing.assert_frame_equal(performance[1], performance[0])
    return got.frame


def test_bundled_data_same_people_and_cohort(root: Path, monkeypatch) -> None:
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 1000)
    frame = _same_everywhere(load_params(root / "params/fast.yaml"))
    assert (len(frame), int(frame["reoffended"].sum())) == (909, 236)


@pytest.mark.parametrize("ext", ["csv", "parquet"])
@pytest.mark.parametrize(("follow_up", "waiting"), MEASURES)
def test_edge_cases_same_people_and_cohort(write_params, monkeypatch, ext: str, follow_up: int,
                                           waiting: int) -> None:
    monkeypatch.setattr(streaming, "CHUNK_ROWS", 5)
    _same_everywhere(_edge_params(write_params, ext=ext, follow_up=follow_up, waiting=waiting))
