"""Command line of the geomlearn tour: ``python -m geomlearn.demo``."""

import argparse
import sys

from geomlearn.demo._registry import registered_showcases
from geomlearn.demo._runner import format_table, run_showcases, write_report


def main(argv=None):
    """Run the tour; return the process exit status (1 if a showcase failed)."""
    parser = argparse.ArgumentParser(
        prog="python -m geomlearn.demo",
        description="Run every registered geomlearn showcase on built-in data.",
    )
    parser.add_argument(
        "--output",
        default="demo-output",
        help="folder for index.html and figures (default: demo-output)",
    )
    parser.add_argument(
        "--only",
        nargs="+",
        metavar="PATTERN",
        help="run showcases whose name, area or method matches",
    )
    parser.add_argument("--no-plots", action="store_true", help="skip the figures")
    parser.add_argument("--list", action="store_true", help="list showcases and exit")
    args = parser.parse_args(argv)

    if args.list:
        for s in registered_showcases():
            print(f"{s.name:32s} {s.area:12s} {s.method} [{s.data}]")
        return 0
    print("geomlearn tour")
    records = run_showcases(only=args.only, plot=not args.no_plots)
    if not records:
        print("no showcase matched", args.only)
        return 1
    print()
    print(format_table(records))
    index = write_report(records, args.output)
    print(f"\nreport: {index}")
    failed = [r for r in records if not r.ok and not r.skipped]
    for r in failed:
        print(f"\n{r.showcase.name} failed:\n{r.error}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
