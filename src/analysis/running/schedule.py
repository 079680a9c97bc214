"""The order in which a run starts its notebooks, from how long each took in the previous run.

Notebooks run up to ``jobs`` at a time, each after the notebooks it depends on: whenever a
kernel is free, the runner starts the first waiting notebook whose dependencies have finished.
With six notebooks on two kernels the order decides whether the long notebooks overlap or one
of them runs alone at the end. :func:`start_order` replays every order allowed by the
dependencies with the durations of the previous run of the same name (from its
``manifest.json``) and returns the order that would finish first; when no order is faster, the
files' order is kept. Without a previous run, the notebooks that others wait for start first
(so that a chain of notebooks does not start late), then the others in the files' order. The order changes only when notebooks run,
never what they produce: each starts from the same kernel state (:mod:`analysis.running.kernels`)
and writes its own files.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

__all__ = ["finish_time", "previous_durations", "start_order", "MAX_ORDERS_TRIED"]

#: Up to this many notebooks every order is tried (7! = 5,040 replays); beyond it, the files'
#: order and the order by longest remaining chain of dependants are compared.
MAX_ORDERS_TRIED = 7


def finish_time(order: Sequence[str], deps: Mapping[str, set[str]],
                seconds: Mapping[str, float], jobs: int) -> float:
    """Seconds until the last notebook finishes when started in ``order`` on ``jobs`` kernels.

    Replays the runner's rule: whenever a kernel is free, start the first notebook of
    ``order`` that is waiting and whose dependencies have finished.

    Parameters
    ----------
    order : sequence of str
        Notebook names.
    deps : mapping of str to set of str
        The notebooks each must wait for (names outside ``order`` are ignored).
    seconds : mapping of str to float
        Duration of each notebook.
    jobs : int
        Notebooks run at once.

    Returns
    -------
    float
        The finish time; ``inf`` if some notebook could never start (circular dependencies).
    """
    names = set(order)
    pending = list(order)
    running: list[tuple[float, str]] = []
    done: set[str] = set()
    now = 0.0
    while pending or running:
        for name in [n for n in pending if deps.get(n, set()) & names <= done]:
            if len(running) >= max(1, jobs):
                break
            pending.remove(name)
            running.append((now + seconds[name], name))
        if not running:
            return math.inf
        now = min(end for end, _ in running)
        done |= {name for end, name in running if end == now}
        running = [(end, name) for end, name in running if end != now]
    return now


def _by_longest_chain(order: Sequence[str], deps: Mapping[str, set[str]],
                      seconds: Mapping[str, float]) -> list[str]:
    """``order`` sorted by each notebook's duration plus its longest chain of dependants."""
    dependants = {n: {m for m in order if n in deps.get(m, set())} for n in order}
    chain: dict[str, float] = {}

    def length(name: str, seen: frozenset[str] = frozenset()) -> float:
        if name not in chain:
            rest = [length(m, seen | {name}) for m in dependants[name] if m not in seen]
            chain[name] = seconds[name] + max(rest, default=0.0)
        return chain[name]

    return sorted(order, key=lambda n: -length(n))


def start_order(order: Sequence[str], deps: Mapping[str, set[str]],
                seconds: Mapping[str, float] | None, jobs: int) -> list[str]:
    """The order of ``order`` whose notebooks would all finish first (ties keep ``order``).

    Parameters
    ----------
    order : sequence of str
        Notebook names in the files' order.
    deps : mapping of str to set of str
        The notebooks each must wait for.
    seconds : mapping of str to float, optional
        Each notebook's duration in the previous run. Unless every notebook has one, the
        notebooks others wait for start first (by their longest chain of dependants, counted
        in notebooks), the others in ``order``.
    jobs : int
        Notebooks run at once.

    Returns
    -------
    list of str
    """
    order = list(order)
    if jobs <= 1:
        return order
    if not seconds or any(n not in seconds for n in order):
        return _by_longest_chain(order, deps, dict.fromkeys(order, 1.0))
    candidates: Iterator[tuple[str, ...]]
    if len(order) <= MAX_ORDERS_TRIED:
        candidates = itertools.permutations(order)
    else:
        candidates = iter([tuple(order), tuple(_by_longest_chain(order, deps, seconds))])
    best, best_time = order, finish_time(order, deps, seconds, jobs)
    for candidate in candidates:
        t = finish_time(candidate, deps, seconds, jobs)
        if t < best_time - 1e-9:
            best, best_time = list(candidate), t
    return best


def previous_durations(manifest_path: Path) -> dict[str, float] | None:
    """Each notebook's duration in seconds from a run's ``manifest.json``; None if unreadable."""
    try:
        recorded = json.loads(manifest_path.read_text(encoding="utf-8"))["duration_seconds"]
        return {k: float(v) for k, v in recorded.items() if k != "validation"}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
