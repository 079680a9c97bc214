"""The order in which a run starts its notebooks, checked against schedules worked by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

from analysis.running.schedule import finish_time, previous_durations, start_order

#: Durations (s) of the default run's notebooks in one run on two cores; 04 waits for 03.
SECONDS = {"01": 5.7, "02": 14.8, "03": 10.3, "04": 6.9, "05": 12.0}
DEPS = {"04": {"03"}}
FILES = list(SECONDS)


def test_finish_time_replays_the_runner_rule() -> None:
    # 01 and 02 start; 01 ends at 5.7 and 03 starts; 03 ends at 16.0 and 04 runs to 22.9;
    # 02 ends at 14.8 and 05 runs to 26.8.
    assert math.isclose(finish_time(FILES, DEPS, SECONDS, jobs=2), 26.8)
    assert math.isclose(finish_time(FILES, DEPS, SECONDS, jobs=1), sum(SECONDS.values()))
    # with five kernels 03 then 04 is the longest chain
    assert math.isclose(finish_time(FILES, DEPS, SECONDS, jobs=5), 17.2)


def test_a_notebook_waits_for_its_dependency_even_when_listed_first() -> None:
    assert math.isclose(finish_time(["04", "03"], DEPS, SECONDS, jobs=2), 10.3 + 6.9)


def test_circular_dependencies_never_finish() -> None:
    assert finish_time(["a", "b"], {"a": {"b"}, "b": {"a"}}, {"a": 1, "b": 1}, 2) == math.inf


def test_start_order_finds_the_best_split_worked_by_hand() -> None:
    # Two kernels: the best split is {03 then 02} = 25.1 s against {01, 05, 04} = 24.6 s
    # (every split with 02 on a kernel gives at least 25.1 s; half the total is 24.85 s).
    order = start_order(FILES, DEPS, SECONDS, jobs=2)
    assert math.isclose(finish_time(order, DEPS, SECONDS, jobs=2), 25.1)
    assert sorted(order) == FILES


def test_start_order_keeps_the_files_order_without_a_reason_to_change() -> None:
    assert start_order(FILES, {}, None, jobs=2) == FILES
    assert start_order(FILES, DEPS, SECONDS, jobs=1) == FILES
    equal = dict.fromkeys(FILES, 1.0)
    assert start_order(FILES, {}, equal, jobs=5) == FILES


def test_without_durations_the_notebooks_others_wait_for_start_first() -> None:
    expected = ["03", "01", "02", "04", "05"]
    assert start_order(FILES, DEPS, None, jobs=2) == expected
    assert start_order(FILES, DEPS, {"01": 1.0}, jobs=2) == expected  # a notebook not timed
    # the default run's six notebooks (00_design first in the files) as they took on two
    # cores: 02 (6.5 s) no longer outlasts 03, 04 and 05 together, which would run one after
    # another on one kernel in the files' order
    default = {"00": 0.9, "01": 1.4, "02": 6.5, "03": 3.4, "04": 1.4, "05": 4.2}
    order = start_order(list(default), DEPS, None, jobs=2)
    assert order == ["03", "00", "01", "02", "04", "05"]
    assert math.isclose(finish_time(order, DEPS, default, jobs=2), 3.4 + 1.4 + 4.2)
    assert math.isclose(finish_time(list(default), DEPS, default, jobs=2), 1.4 + 3.4 + 1.4 + 4.2)


def test_many_notebooks_are_ordered_by_longest_chain_when_that_is_faster() -> None:
    names = [f"{i:02d}" for i in range(1, 10)]
    seconds = dict(zip(names, [1, 1, 1, 1, 1, 1, 1, 1, 9], strict=True))
    order = start_order(names, {}, seconds, jobs=2)
    assert order[0] == "09"  # the long notebook first: 9 s, against 4 + 9 = 13 s last
    assert math.isclose(finish_time(order, {}, seconds, jobs=2), 9.0)


def test_previous_durations_read_a_manifest(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    assert previous_durations(path) is None
    path.write_text(json.dumps({"duration_seconds": {"validation": 0.5, "01": 5.7}}))
    assert previous_durations(path) == {"01": 5.7}
    path.write_text("{not json")
    assert previous_durations(path) is None
    path.write_text(json.dumps({"duration_seconds": ["01"]}))
    assert previous_durations(path) is None
