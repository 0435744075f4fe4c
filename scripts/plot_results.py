#!/usr/bin/env python3
"""Plot an apmsim results file (HDF5, format 1.x): every plot it supports, as PNG.

    /usr/bin/python3 scripts/plot_results.py RESULTS.h5 [--variant NAME] [--out DIR] [--list]

Writes into DIR (default: `<stem>_plots/` beside the results file), for one variant (default: the
first of the run):

    net_result.png          net provider result over the agreement: the stored replications'
                            histogram (--write-records) and the simulated quantiles (-VaR) with
                            their 95% intervals, for the portfolio and the two most variable providers
    threshold.png           false reward / penalty / negative rates against panel size, per min_units;
                            groups the threshold excludes are marked x on the axis
    benchmark_error.png     bias and RMSE of each benchmark method by performance year
    earn_back.png           distribution of the withhold earn-back share (with a withhold)
    population_by_year.png  cost per unit-year by calendar year, catastrophic and any-cost shares
    population.png          (run without a contract) members' annual cost distribution and its
                            concentration curve, from `apmsim sample` of the stored scenario

The plots are those of the Python package (python/apmsim/plots.py). Exit code 2 for an unreadable
file or an unknown variant. Needs Debian's python3-h5py, -numpy, -pandas and -matplotlib.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "python"))

import apmsim  # noqa: E402
from apmsim import plots  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("results", help="apmsim results file (.h5)")
    parser.add_argument("--variant", help="variant to plot (default: the first of the run)")
    parser.add_argument("--out", help="output folder (default: <stem>_plots/ beside the file)")
    parser.add_argument("--apmsim", help="the apmsim executable (for population.png; default: found)")
    parser.add_argument("--list", action="store_true", help="list the plots the file supports")
    args = parser.parse_args(argv)
    try:
        results = apmsim.open(args.results)
        names = plots.available(results, args.variant)
    except (apmsim.FormatError, OSError, KeyError) as error:
        message = error.args[0] if isinstance(error, KeyError) else error
        print(f"error: {message}" if str(message).startswith(args.results) else
              f"error: {args.results}: {message}", file=sys.stderr)
        return 2
    if args.list:
        print("\n".join(names))
        return 0
    out = args.out or os.path.splitext(args.results)[0] + "_plots"
    for path in plots.save_all(results, out, args.variant, apmsim=args.apmsim, names=names):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
