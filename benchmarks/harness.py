"""A small harness for side-by-side benchmarks against peer libraries.

A benchmark module ``benchmarks/bench_<name>.py`` defines ``BENCHMARK``, a
:class:`Benchmark`: the cases (each a function that makes the data, seeded),
our callable, the peer's callable, and a quality function applied to both
answers. :func:`run_benchmark` runs ours and the peer in one process on the
same data: first one untimed warm-up call each (numba compiles, caches fill),
then ``repeats`` timed rounds that alternate which of the two goes first.
It reports the median time of each, the ratio ours / peer (below 1 means we are
faster) and the median quality of both answers, so that speed is never bought
with worse answers. :func:`write_results` writes JSON and a markdown table.
"""

import dataclasses
import datetime
import importlib
import importlib.metadata
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["Benchmark", "Case", "run_benchmark", "write_results"]


@dataclasses.dataclass
class Case:
    """One data set of a benchmark.

    Parameters
    ----------
    name : str
        Short label, e.g. ``"n=2000 k=10"``.
    make_data : callable
        ``make_data() -> data``; deterministic (seeded).
    quick : bool
        Whether the case is small enough for the smoke test of the suite.
    """

    name: str
    make_data: Callable[[], Any]
    quick: bool = False


@dataclasses.dataclass
class Benchmark:
    """A side-by-side comparison of one of our methods with a peer library.

    Parameters
    ----------
    name : str
        File-safe name; results go to ``results/<name>.json`` and ``.md``.
    description : str
        What is compared, with the settings that matter.
    ours : callable
        ``ours(data) -> answer``.
    peer : callable or None
        ``peer(data) -> answer``; ``None`` when there is no peer (then only
        our time and quality are reported).
    quality : callable
        ``quality(data, answer) -> float``, applied to both answers.
    quality_name : str
        What the quality is, e.g. ``"loss (lower is better)"``.
    cases : list of Case
        The data sets.
    ours_label, peer_label : str
        Names in the table, e.g. ``"geomlearn KMedoids"``, ``"kmedoids 0.5.5"``.
    peer_module : str or None
        Module the peer needs; when it is missing the peer is reported as
        unavailable instead of failing the run.
    repeats : int
        Timed rounds per case.
    warmup : bool
        Run each contender once untimed first (compiles numba kernels). Turn
        it off for runs so long that compilation is negligible.
    report : callable or None
        ``report(results, out_dir)``, called after the results are written,
        e.g. to draw a figure next to them.
    details : callable or None
        ``details(data, answer) -> dict`` of extra figures for each
        contender (from its last timed run), shown as extra columns.
    more_peers : dict of str to callable
        Further baselines, ``label -> func(data) -> answer``, timed and
        scored like the peer in the same rounds and reported in a second
        table (with the ratio ours / baseline).
    """

    name: str
    description: str
    ours: Callable[[Any], Any]
    peer: Callable[[Any], Any] | None
    quality: Callable[[Any, Any], float]
    quality_name: str
    cases: list
    ours_label: str = "geomlearn"
    peer_label: str = "peer"
    peer_module: str | None = None
    repeats: int = 5
    warmup: bool = True
    report: Callable[[dict, Path], None] | None = None
    details: Callable[[Any, Any], dict] | None = None
    more_peers: dict = dataclasses.field(default_factory=dict)


def _timed(func, data):
    start = time.perf_counter()
    answer = func(data)
    return time.perf_counter() - start, answer


def _version(distribution):
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _environment(peer_module):
    env = {
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(
            timespec="seconds"
        ),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "versions": {
            d: _version(d)
            for d in ("geomlearn", "numpy", "scipy", "scikit-learn", "numba")
        },
    }
    if "torch" in sys.modules:
        env["versions"]["torch"] = _version("torch")
    if peer_module:
        # the import name may differ from the distribution's (neuralop is
        # shipped as neuraloperator)
        names = importlib.metadata.packages_distributions().get(peer_module, [])
        env["versions"][peer_module] = _version(peer_module) or next(
            (v for v in map(_version, names) if v), None
        )
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        ).stdout.strip()
        env["commit"] = commit
    except (OSError, subprocess.CalledProcessError):
        env["commit"] = None
    try:
        from threadpoolctl import threadpool_info

        env["threadpools"] = [
            {k: p.get(k) for k in ("internal_api", "num_threads", "version")}
            for p in threadpool_info()
        ]
    except ImportError:
        pass
    return env


def _peer_available(benchmark):
    if benchmark.peer is None:
        return False
    if benchmark.peer_module is None:
        return True
    try:
        importlib.import_module(benchmark.peer_module)
    except ImportError:
        return False
    return True


def run_benchmark(benchmark, *, repeats=None, quick=False, log=print):
    """Run a benchmark and return its results as a JSON-ready dict.

    Parameters
    ----------
    benchmark : Benchmark
        What to run.
    repeats : int, default=None
        Timed rounds per case; ``None`` uses ``benchmark.repeats``.
    quick : bool, default=False
        Run only the cases marked ``quick`` (for the smoke test).
    log : callable, default=print
        Where progress lines go.

    Returns
    -------
    results : dict
        ``{"benchmark", "description", "ours", "peer", "quality_name",
        "environment", "cases": [...]}``; each case holds the times of every
        round, the medians, the ratio and the median qualities.
    """
    repeats = benchmark.repeats if repeats is None else repeats
    with_peer = _peer_available(benchmark)
    cases = [c for c in benchmark.cases if c.quick or not quick]
    rows = []
    for case in cases:
        data = case.make_data()
        contenders = {"ours": benchmark.ours}
        if with_peer:
            contenders["peer"] = benchmark.peer
        for label, func in benchmark.more_peers.items():
            contenders[f"more:{label}"] = func
        if benchmark.warmup:
            for func in contenders.values():  # not timed
                func(data)
        times = {who: [] for who in contenders}
        qualities = {who: [] for who in contenders}
        last = {}
        order = list(contenders)
        for round_ in range(repeats):
            for who in order if round_ % 2 == 0 else order[::-1]:
                seconds, answer = _timed(contenders[who], data)
                last[who] = answer
                times[who].append(seconds)
                qualities[who].append(float(benchmark.quality(data, answer)))
        row = {"case": case.name}

        def entry(who, data=data, times=times, qualities=qualities, last=last):
            out = {
                "times": times[who],
                "median_seconds": statistics.median(times[who]),
                "quality": statistics.median(qualities[who]),
                "qualities": qualities[who],
            }
            if benchmark.details is not None:
                out["details"] = benchmark.details(data, last[who])
            return out

        for who in ("ours", "peer"):
            row[who] = entry(who) if who in times else None
        if benchmark.more_peers:
            row["more_peers"] = {
                label: entry(f"more:{label}") for label in benchmark.more_peers
            }
        row["ratio"] = (
            row["ours"]["median_seconds"] / row["peer"]["median_seconds"]
            if row["peer"] and row["peer"]["median_seconds"] > 0
            else None
        )
        rows.append(row)
        log(_format_row(row))
    return {
        "benchmark": benchmark.name,
        "description": benchmark.description,
        "ours": benchmark.ours_label,
        "peer": benchmark.peer_label
        if with_peer
        else f"{benchmark.peer_label} (unavailable)",
        "quality_name": benchmark.quality_name,
        "repeats": repeats,
        "warmup": benchmark.warmup,
        "environment": _environment(benchmark.peer_module),
        "cases": rows,
    }


def _fmt_time(entry):
    return "n/a" if entry is None else f"{entry['median_seconds']:.4g}"


def _fmt_quality(entry):
    return "n/a" if entry is None else f"{entry['quality']:.6g}"


def _fmt_detail(entry, key):
    if entry is None or key not in entry.get("details", {}):
        return "n/a"
    value = entry["details"][key]
    return f"{value:.4g}" if isinstance(value, float) else str(value)


def _format_row(row):
    ratio = "n/a" if row["ratio"] is None else f"{row['ratio']:.3f}"
    return (
        f"  {row['case']}: ours {_fmt_time(row['ours'])} s, peer "
        f"{_fmt_time(row['peer'])} s, ratio {ratio}; quality ours "
        f"{_fmt_quality(row['ours'])}, peer {_fmt_quality(row['peer'])}"
    )


def markdown_table(results):
    """Format results as a markdown table (one row per case).

    Parameters
    ----------
    results : dict
        Output of :func:`run_benchmark`.

    Returns
    -------
    table : str
        A titled markdown table with the median times, the ratio ours / peer
        and the quality of both answers.
    """
    ours, peer = results["ours"], results["peer"]
    lines = [
        f"### {results['benchmark']}",
        "",
        results["description"],
        "",
        (
            f"Median of {results['repeats']} interleaved runs"
            f"{' after a warm-up' if results.get('warmup', True) else ''}; "
            f"ratio = ours / peer (below 1: ours is faster). "
            f"Quality: {results['quality_name']}."
        ),
        "",
        f"| case | {ours} (s) | {peer} (s) | ratio | quality {ours} | quality {peer} |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    keys = []
    for row in results["cases"]:
        for who in ("ours", "peer"):
            for key in (row[who] or {}).get("details", {}):
                if key not in keys:
                    keys.append(key)
    if keys:
        lines[-2] = lines[-2] + "".join(
            f" {key} {ours} | {key} {peer} |" for key in keys
        )
        lines[-1] = lines[-1] + "---:|---:|" * len(keys)
    for row in results["cases"]:
        ratio = "n/a" if row["ratio"] is None else f"{row['ratio']:.3f}"
        extra = "".join(
            f" {_fmt_detail(row['ours'], key)} | {_fmt_detail(row['peer'], key)} |"
            for key in keys
        )
        lines.append(
            f"| {row['case']} | {_fmt_time(row['ours'])} | {_fmt_time(row['peer'])} | "
            f"{ratio} | {_fmt_quality(row['ours'])} | {_fmt_quality(row['peer'])} |"
            + extra
        )
    if any(row.get("more_peers") for row in results["cases"]):
        lines += _more_peers_table(results)
    env = results["environment"]
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
    lines += [
        "",
        f"{env['date']}, {env['cpu_count']} CPUs, commit {env['commit']}; {versions}.",
    ]
    return "\n".join(lines) + "\n"


def _more_peers_table(results):
    ours = results["ours"]
    keys = []
    for row in results["cases"]:
        for entry in row.get("more_peers", {}).values():
            keys += [k for k in entry.get("details", {}) if k not in keys]
    lines = [
        "",
        "Further baselines, run in the same rounds on the same data:",
        "",
        f"| case | baseline | time (s) | ratio {ours} / baseline | quality |"
        + "".join(f" {key} |" for key in keys),
        "|---|---|---:|---:|---:|" + "---:|" * len(keys),
    ]
    for row in results["cases"]:
        for label, entry in row.get("more_peers", {}).items():
            ratio = (
                row["ours"]["median_seconds"] / entry["median_seconds"]
                if entry["median_seconds"] > 0
                else None
            )
            ratio = "n/a" if ratio is None else f"{ratio:.3g}"
            lines.append(
                f"| {row['case']} | {label} | {_fmt_time(entry)} | {ratio} | "
                f"{_fmt_quality(entry)} |"
                + "".join(f" {_fmt_detail(entry, key)} |" for key in keys)
            )
    return lines


def write_results(results, out_dir):
    """Write ``<name>.json`` and ``<name>.md`` for a benchmark's results.

    Parameters
    ----------
    results : dict
        Output of :func:`run_benchmark`.
    out_dir : str or path-like
        Folder to write to (created if missing).

    Returns
    -------
    paths : tuple of pathlib.Path
        The JSON and markdown files.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path = out_dir / f"{results['benchmark']}.json"
    md_path = out_dir / f"{results['benchmark']}.md"
    json_path.write_text(json.dumps(results, indent=2) + "\n")
    md_path.write_text(markdown_table(results))
    return json_path, md_path
