"""Run the side-by-side benchmarks: ``python benchmarks/run.py [name ...]``.

Every ``benchmarks/bench_<name>.py`` defines ``BENCHMARK``. With no names all
of them run; ``--only PATTERN`` (repeatable) keeps the benchmarks of those files
whose name matches a shell pattern, e.g. ``--only 'signed_measures_h*'``.
Results go to ``benchmarks/results/<name>.json`` and ``.md``.
"""

import argparse
import fnmatch
import importlib.util
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from harness import markdown_table, run_benchmark, write_results


def available():
    """Map benchmark name -> module path for every bench_*.py file."""
    return {p.stem.removeprefix("bench_"): p for p in sorted(HERE.glob("bench_*.py"))}


def load(path):
    """Import a benchmark module by path; return its BENCHMARKS (or [BENCHMARK])."""
    spec = importlib.util.spec_from_file_location(f"geomlearn_bench_{path.stem}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return getattr(module, "BENCHMARKS", None) or [module.BENCHMARK]


def main(argv=None):
    """Run the named benchmarks (all when none is named)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="benchmarks to run (default: all)")
    parser.add_argument("--repeats", type=int, default=None, help="timed rounds")
    parser.add_argument("--quick", action="store_true", help="only the quick cases")
    parser.add_argument("--out", default=str(HERE / "results"), help="results folder")
    parser.add_argument(
        "--only",
        action="append",
        default=None,
        metavar="PATTERN",
        help="run only the benchmarks whose name matches (shell pattern; repeatable)",
    )
    args = parser.parse_args(argv)

    found = available()
    unknown = sorted(set(args.names) - set(found))
    if unknown:
        parser.error(f"unknown benchmark(s) {unknown}; available: {sorted(found)}")
    names = args.names or sorted(found)
    if not names:
        print("no benchmarks found (benchmarks/bench_*.py)")
        return 0
    for name in names:
        for benchmark in load(found[name]):
            if args.only and not any(
                fnmatch.fnmatchcase(benchmark.name, p) for p in args.only
            ):
                continue
            print(f"== {benchmark.name}: {benchmark.description}")
            results = run_benchmark(benchmark, repeats=args.repeats, quick=args.quick)
            json_path, md_path = write_results(results, args.out)
            if benchmark.report is not None:
                benchmark.report(results, Path(args.out))
            print()
            print(markdown_table(results))
            print(f"wrote {json_path} and {md_path}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
