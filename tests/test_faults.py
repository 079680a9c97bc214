"""Faults leave nothing behind: a killed run, a reserved run name, two runs of one name, a folder
that cannot be written; each with its message and exit status."""

from __future__ import annotations

import errno
import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import papermill as pm
import psutil
import pytest

from analysis.data import handover
from analysis.params import load_params
from analysis.running import cli, leftovers, runner
from analysis.running.faults import EXIT_STATUSES, FolderUnwritable
from analysis.running.lock import lock_path, run_lock

ROOT = Path(__file__).resolve().parents[1]
FAST = ROOT / "params/fast.yaml"


def _main(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = cli.main(list(args))
    return status, capsys.readouterr().err


# --------------------------------------------------------------------------- run names


def test_a_run_name_ending_in_failed_is_refused(capsys: pytest.CaptureFixture[str],
                                                tmp_path: Path) -> None:
    status, err = _main(capsys, "run", str(FAST), "--run-name", "mine.failed",
                        "--outputs", str(tmp_path))
    assert status == 2
    assert (f"error: {FAST}: invalid parameters\n  run_name: Value error, a name ending in "
            "'.failed' is kept for the partly executed notebooks of a failed run "
            "(<run_name>.failed); choose another") in err
    assert "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_a_successful_run_removes_its_own_failed_folder_only(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch
                                                             ) -> None:
    """``X.failed`` belongs to run X; another run's ``Y.failed`` is left alone."""
    for name in ("fast.failed", "other.failed"):
        (tmp_path / name).mkdir()
    monkeypatch.setattr(runner, "_execute", lambda *a, **k: ({"01_cohort": 0.0}, set(), {}))
    monkeypatch.setattr(runner, "build_report", lambda *a, **k: None)
    runner.run(load_params(FAST, {"notebooks": ["01_cohort"]}), outputs_dir=tmp_path,
               progress_bar=False, log=io.StringIO())
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fast", "other.failed"]


# --------------------------------------------------------------------------- one run of a name


def test_a_second_run_of_the_same_name_is_refused_naming_the_run_and_process(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom pathlib import Path\n"
         "from analysis.running.lock import run_lock\n"
         "with run_lock(Path(sys.argv[1]), 'busy'):\n"
         "    print('held', flush=True)\n    time.sleep(60)\n", str(tmp_path)],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        status, err = _main(capsys, "run", str(FAST), "--run-name", "busy",
                            "--outputs", str(tmp_path))
    finally:
        holder.kill()
        holder.wait()
    assert status == 4
    assert err == (f"run refused: a run named 'busy' is already in progress in {tmp_path} "
                   f"(process {holder.pid}); wait for it to finish, or give this run another "
                   "name with --run-name\n")
    assert not (tmp_path / "busy").exists()


def test_the_lock_is_released_when_its_holder_is_killed(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c",
         "import sys, time\nfrom pathlib import Path\n"
         "from analysis.running.lock import run_lock\n"
         "with run_lock(Path(sys.argv[1]), 'x'):\n"
         "    print('held', flush=True)\n    time.sleep(60)\n", str(tmp_path)],
        stdout=subprocess.PIPE, text=True)
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert lock_path(tmp_path, "x").is_file()  # left behind, but nobody holds it
    with run_lock(tmp_path, "x"):
        assert lock_path(tmp_path, "x").read_text() == f"{os.getpid()}\n"
    assert not lock_path(tmp_path, "x").exists()


# --------------------------------------------------------------------------- unwritable folders


def test_an_unwritable_outputs_folder_is_named_with_exit_status_3(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    outputs = tmp_path / "locked" / "outputs"
    original = Path.mkdir

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        if self == outputs:
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refuse)
    status, err = _main(capsys, "run", str(FAST), "--outputs", str(outputs), "--quiet")
    assert status == 3
    assert err == (f"cannot write: {outputs}: permission denied; give a folder you can write to "
                   "with --outputs. Earlier complete runs are untouched.\n")


def test_an_outputs_folder_that_cannot_be_made_is_named_with_exit_status_3(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    # as under /proc: the system refuses to create the folder with an error of its own
    outputs = tmp_path / "virtual" / "outputs"
    original = Path.mkdir

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        if self == outputs:
            raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(self))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "mkdir", refuse)
    status, err = _main(capsys, "run", str(FAST), "--outputs", str(outputs), "--quiet")
    assert status == 3
    assert err.startswith(f"cannot write: {outputs}: No such file or directory; ")
    assert "Traceback" not in err


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0,
                    reason="a read-only folder binds only users other than root")
def test_a_read_only_outputs_folder_is_named_with_exit_status_3(
        capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    tmp_path.joinpath("ro").mkdir()
    tmp_path.joinpath("ro").chmod(0o555)
    status, err = _main(capsys, "run", str(FAST), "--outputs", str(tmp_path / "ro"), "--quiet")
    assert status == 3
    assert f"cannot write: {tmp_path / 'ro'}: permission denied" in err


def _full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_outputs_disk_is_named_with_exit_status_3(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    monkeypatch.setattr(runner, "partial_folder", _full)
    status, err = _main(capsys, "run", str(FAST), "--outputs", str(tmp_path), "--quiet",
                        "--run-name", "full")
    assert status == 3
    assert err.splitlines()[-1] == (f"cannot write: {tmp_path}: no space left on device; free "
                                    "some space or give another folder with --outputs. Earlier "
                                    "complete runs are untouched.")
    assert list(tmp_path.iterdir()) == []  # no partial run, no lock file


def test_a_full_temporary_disk_is_named_and_leaves_no_partial_run(
        capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
        ) -> None:
    monkeypatch.setattr(runner, "write_resolved", _full)
    status, err = _main(capsys, "run", str(FAST), "--outputs", str(tmp_path), "--quiet",
                        "--run-name", "full")
    assert status == 3
    temp = Path(runner.tempfile.gettempdir())
    assert re.fullmatch(
        rf"cannot write: {re.escape(str(temp))}/analysis-run-{os.getpid()}-[a-z0-9_]{{8}}: no "
        r"space left on device; set TMPDIR to a folder you can write to\. Earlier complete runs "
        r"are untouched\.", err.splitlines()[-1]), err
    assert list(tmp_path.iterdir()) == []  # no partial run, no lock file
    assert not list(temp.glob(f"analysis-run-{os.getpid()}-*"))


def test_a_notebook_stopped_by_a_full_disk_exits_3_not_1(tmp_path: Path) -> None:
    failed = pm.PapermillExecutionError(3, 3, "out.table(...)", "OSError",
                                        "[Errno 28] No space left on device: 'tables/x.csv'", [])
    tmp = tmp_path / ".r.1.abcdefgh.partial"
    tmp.mkdir()
    err = runner._keep_failed(tmp, runner._NotebookFailed(Path("03_x.ipynb"), failed),
                              tmp_path, "r")
    assert isinstance(err, FolderUnwritable) and err.exit_status == 3
    assert str(err) == (f"{tmp_path}: no space left on device (notebook 03_x.ipynb); free some "
                        "space or give another folder with --outputs. Earlier complete runs are "
                        "untouched.")
    assert (tmp_path / "r.failed").is_dir()
    other = pm.PapermillExecutionError(3, 3, "x", "ValueError", "boom", [])
    assert runner._keep_failed(tmp_path / "r.failed", runner._NotebookFailed(
        Path("03_x.ipynb"), other), tmp_path, "r").exit_status == 1


def test_an_interrupted_run_exits_130(capsys: pytest.CaptureFixture[str],
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run", interrupted)
    assert _main(capsys, "run", str(FAST), "--quiet") == (130, "interrupted\n")


def test_help_lists_every_exit_status(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["run", "--help"])
    out = capsys.readouterr().out
    for code, text in EXIT_STATUSES.items():
        assert f"{code:>3}  {text.split()[0]} {text.split()[1]}" in out


# --------------------------------------------------------------------------- hand-over


def test_the_hand_over_serves_only_clients_with_the_key(tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    with handover.serve({"rows": 3}, "abc", tmp_path) as env:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        assert handover.receive("abc") == {"rows": 3}
        assert handover.receive("other files") is None
        assert [p.name for p in tmp_path.iterdir()] in (["data.sock"], [])  # no data on disk
        monkeypatch.setenv(handover.KEY_ENV, "00" * 32)
        assert handover.receive("abc") is None
    monkeypatch.setenv(handover.KEY_ENV, env[handover.KEY_ENV])
    assert handover.receive("abc") is None  # the run has ended


def test_the_hand_over_starts_before_its_data_and_a_kernel_waits_for_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with handover.serving(tmp_path) as server:
        for key, value in server.environment.items():
            monkeypatch.setenv(key, value)
        got: list[object] = []
        client = threading.Thread(target=lambda: got.append(handover.receive("abc")))
        client.start()
        client.join(timeout=0.3)
        assert client.is_alive() and got == []  # connected, waiting for the data
        server.provide({"rows": 3}, "abc")
        client.join(timeout=10)
        assert got == [{"rows": 3}]
        assert handover.receive("abc") == {"rows": 3}


@pytest.mark.skipif(sys.platform != "linux", reason="the abstract socket namespace is Linux's")
def test_a_temporary_folder_too_deep_for_a_socket_uses_the_abstract_namespace(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deep = tmp_path / ("d" * 60) / ("e" * 60)
    deep.mkdir(parents=True)
    with handover.serve([1, 2], "abc", deep) as env:
        assert env[handover.ADDRESS_ENV].startswith("@analysis-handover-")
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        assert handover.receive("abc") == [1, 2]
        assert list(deep.iterdir()) == []


# --------------------------------------------------------------------------- killed outright


def _person_values(people_csv: Path) -> set[bytes]:
    """The ids and dates of birth of the input, as bytes in every form the runner could write."""
    people = pd.read_csv(people_csv, dtype=str)
    dob = pd.to_datetime(people["date_of_birth"])
    values = set(people["person_id"]) | set(dob.dt.strftime("%Y-%m-%d"))
    values |= set(dob.dt.strftime("%d/%m/%Y"))
    return {v.encode() for v in values}


def _files_holding(folder: Path, values: set[bytes]) -> list[str]:
    pattern = re.compile(b"|".join(re.escape(v) for v in sorted(values)))
    return [str(p) for p in folder.rglob("*") if p.is_file() and pattern.search(p.read_bytes())]


def _start(params: Path, outputs: Path, env: dict[str, str], *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "analysis", "run", str(params), "--quiet",
                             "--outputs", str(outputs), "--run-name", "killed", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)


@pytest.mark.slow
def test_sigkill_mid_run_leaves_no_personal_data_and_the_next_run_cleans_up(
        tmp_path: Path) -> None:
    outputs, temp = tmp_path / "outputs", tmp_path / "tmp"
    temp.mkdir()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("ANALYSIS_")},
           "TMPDIR": str(temp)}
    proc = _start(FAST, outputs, env)
    deadline = time.monotonic() + 300
    while not list(outputs.glob(".killed.*.partial/tables/*.csv")):  # a notebook has written
        assert proc.poll() is None and time.monotonic() < deadline, "the run ended first"
        time.sleep(0.2)
    kernels = psutil.Process(proc.pid).children(recursive=True)
    os.killpg(proc.pid, signal.SIGKILL)
    for kernel in kernels:  # in sessions of their own: killed like a power cut kills them
        try:
            kernel.kill()
        except psutil.NoSuchProcess:
            pass
    proc.wait()
    psutil.wait_procs(kernels, timeout=10)
    partial, = outputs.glob(".killed.*.partial")
    private, = temp.glob("analysis-run-*")
    values = _person_values(ROOT / "data/synthetic_small/people.csv")
    assert _files_holding(outputs, values) == []
    assert _files_holding(temp, values) == []

    again = _start(FAST, outputs, env, "--notebooks", "01_cohort")
    _, err = again.communicate(timeout=300)
    assert again.returncode == 0, err
    assert f"removed {partial}, left by a run that was stopped" in err
    assert f"removed {private}, left by a run that was stopped" in err
    assert not partial.exists() and not private.exists()
    assert sorted(p.name for p in outputs.iterdir()) == ["killed"]
    # only the killed kernels' connection files (ports and a message key) remain in the temp
    assert [p.name for p in temp.iterdir() if not re.fullmatch(r"tmp\w+\.json", p.name)] == []
    assert _files_holding(outputs, values) == [] and _files_holding(temp, values) == []


def test_stale_folders_are_those_whose_process_has_gone(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(leftovers.tempfile, "tempdir", str(tmp_path / "tmp"))
    (tmp_path / "tmp").mkdir()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    mine = tmp_path / f".r.{os.getpid()}.abcdefgh.partial"
    gone = tmp_path / f".other.{dead.pid}.abcdefgh.partial"
    legacy = tmp_path / ".r.abcdefgh.partial"
    legacy_other = tmp_path / ".other.abcdefgh.partial"
    private_gone = tmp_path / "tmp" / f"analysis-run-{dead.pid}-abcdefgh"
    old_handover = tmp_path / "tmp" / "analysis-validated-abcdefgh"
    for folder in (mine, gone, legacy, legacy_other, private_gone, old_handover):
        folder.mkdir()
    (tmp_path / ".r.old").mkdir()  # a swap cut short: the previous complete run
    removed = leftovers.remove_stale(tmp_path, "r")
    assert sorted(removed) == sorted([gone, legacy, private_gone, old_handover])
    assert mine.is_dir() and legacy_other.is_dir()
    assert (tmp_path / "r").is_dir() and not (tmp_path / ".r.old").exists()
