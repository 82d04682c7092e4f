"""The benchmark harness, and a smoke run of every benchmark's quick cases."""

import importlib.util
import json
import statistics
import sys
from pathlib import Path

import numpy as np
import pytest

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name, path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


harness = _load("geomlearn_bench_harness", BENCH_DIR / "harness.py")
runner = _load("geomlearn_bench_run", BENCH_DIR / "run.py")


def _toy(peer=np.sort, peer_module=None):
    calls = []

    def ours(x):
        calls.append("ours")
        return sorted(x)

    def peer_(x):
        calls.append("peer")
        return peer(x)

    bench = harness.Benchmark(
        name="toy_sort",
        description="sorted() against numpy.sort",
        ours=ours,
        peer=peer_ if peer is not None else None,
        quality=lambda x, answer: float(np.all(np.diff(answer) >= 0)),
        quality_name="is sorted",
        cases=[
            harness.Case(
                "n=1000", lambda: np.random.RandomState(0).rand(1000), quick=True
            ),
            harness.Case("n=5000", lambda: np.random.RandomState(1).rand(5000)),
        ],
        peer_module=peer_module,
        repeats=3,
    )
    return bench, calls


def test_run_interleaves_warms_up_and_reports_medians(tmp_path):
    bench, calls = _toy()
    results = harness.run_benchmark(bench, quick=True, log=lambda _: None)
    # one warm-up each, then 3 rounds alternating the order
    assert calls == ["ours", "peer", "ours", "peer", "peer", "ours", "ours", "peer"]
    (row,) = results["cases"]
    assert row["ours"]["median_seconds"] == statistics.median(row["ours"]["times"])
    assert row["ratio"] == pytest.approx(
        row["ours"]["median_seconds"] / row["peer"]["median_seconds"]
    )
    assert row["ours"]["quality"] == row["peer"]["quality"] == 1.0
    json_path, md_path = harness.write_results(results, tmp_path)
    assert json.loads(json_path.read_text())["cases"][0]["case"] == "n=1000"
    table = md_path.read_text()
    assert "| n=1000 |" in table
    assert "ratio" in table


def test_missing_peer_is_reported_not_fatal():
    bench, _ = _toy(peer_module="surely_not_installed_peer")
    results = harness.run_benchmark(bench, quick=True, log=lambda _: None)
    assert results["peer"].endswith("(unavailable)")
    assert results["cases"][0]["peer"] is None
    assert results["cases"][0]["ratio"] is None
    assert "n/a" in harness.markdown_table(results)


@pytest.mark.parametrize("name", sorted(runner.available()))
def test_every_benchmark_runs_its_quick_cases(name, tmp_path):
    from geomlearn.utils import MissingExtraError

    for bench in runner.load(runner.available()[name]):
        assert any(c.quick for c in bench.cases), f"{bench.name} has no quick case"
        try:
            results = harness.run_benchmark(
                bench, repeats=1, quick=True, log=lambda _: None
            )
        except MissingExtraError as exc:  # e.g. TELL's benchmark without torch
            pytest.skip(f"{bench.name} needs an optional extra: {exc}")
        for row in results["cases"]:
            assert np.isfinite(row["ours"]["quality"])
        harness.write_results(results, tmp_path)


def test_details_become_columns(tmp_path):
    bench, _ = _toy()
    bench.details = lambda x, answer: {"n": len(answer)}
    results = harness.run_benchmark(bench, quick=True, log=lambda _: None)
    assert results["cases"][0]["ours"]["details"] == {"n": 1000}
    table = harness.markdown_table(results)
    assert "| n ours | n peer |" in table.replace("geomlearn", "ours").replace(
        "peer", "peer"
    )
    assert "| 1000 | 1000 |" in table


def test_more_peers_are_timed_and_get_their_own_table():
    bench, _ = _toy()
    bench.more_peers = {"reversed-sort": lambda x: sorted(x)[::-1]}
    bench.details = lambda x, answer: {"first": float(answer[0])}
    results = harness.run_benchmark(bench, quick=True, log=lambda _: None)
    (row,) = results["cases"]
    extra = row["more_peers"]["reversed-sort"]
    assert len(extra["times"]) == bench.repeats
    assert extra["quality"] == 0.0  # not sorted ascending
    assert extra["details"]["first"] > row["ours"]["details"]["first"]
    table = harness.markdown_table(results)
    assert "Further baselines" in table
    assert "| n=1000 | reversed-sort |" in table
