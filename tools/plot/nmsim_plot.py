"""nmsim plot KIND: figures from a sweep CSV, an energy breakdown CSV, a JSON report or a spike
CSV (nmsim run --spikes), as PNG and PDF, and OUT.json saying what was drawn. Run by `nmsim plot` (tools/command_plot.cpp) with
Debian's /usr/bin/python3, which checks the arguments and resolves the defaults first; run by
hand, give every option (see `nmsim plot --help`)."""

import argparse
import os
import sys

# Run isolated (python3 -I), so the modules beside this file are found through this line.
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

try:
    import matplotlib  # noqa: F401
except ImportError:
    print("nmsim plot: error: %s has no matplotlib: install Debian's python3-matplotlib "
          "(tools/setup.sh, or apt-get install python3-matplotlib)" % sys.executable, file=sys.stderr)
    sys.exit(7)


def where_pair(text):
    column, _, value = text.partition("=")
    return column, value


def arguments():
    p = argparse.ArgumentParser(prog="nmsim_plot.py")
    p.add_argument("kind", choices=["breakdown", "pareto", "metric", "latency-load", "raster"])
    p.add_argument("inputs", nargs="+")
    p.add_argument("--input-type", choices=["sweep", "breakdown", "report", "spikes"], required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--x")
    p.add_argument("--y")
    p.add_argument("--series")
    p.add_argument("--x-label")
    p.add_argument("--y-label")
    p.add_argument("--series-label")
    p.add_argument("--x-direction", choices=["min", "max"], default="min")
    p.add_argument("--y-direction", choices=["min", "max"], default="min")
    p.add_argument("--log-x", action="store_true")
    p.add_argument("--log-y", action="store_true")
    p.add_argument("--where", type=where_pair, action="append", default=[])
    p.add_argument("--stack", action="append", default=[])
    p.add_argument("--by")
    p.add_argument("--bars")
    p.add_argument("--saturation-column")
    p.add_argument("--reference")
    p.add_argument("--title")
    p.add_argument("--dpi", type=int, default=100)
    return p.parse_args()


def main():
    args = arguments()
    if args.kind == "breakdown":
        import breakdown as kind
    elif args.kind == "pareto":
        import pareto as kind
    elif args.kind == "metric":
        import metric as kind
    elif args.kind == "raster":
        import raster as kind
    else:
        import latency_load as kind
    kind.plot(args)


if __name__ == "__main__":
    main()
