"""apmsim for Python: results files as tidy pandas DataFrames, and runs from Python.

    import apmsim
    r = apmsim.open("results/mssp_aco.h5")        # or apmsim.run("scenarios/mssp_aco.toml", replications=200)
    r.contract("portfolio")                       # money flows per performance year, with intervals
    r.compare("payer_net_savings")                # a sweep's variants side by side (portfolio row)
    r.analysis("risk", "net_result")              # any analysis table (help(apmsim.Results) lists them)
    r.risk().describe()                           # the downside (loss = -net result) at any level
    r.to_parquet("results/mssp_aco_parquet")      # records and tallies as Parquet (needs pyarrow)

A name the file does not have raises apmsim.UnknownNameError (a KeyError) listing the valid ones.
"""
from .names import UnknownNameError
from .results import TIDY_COLUMNS, FormatError, Results, check_integrity, open  # noqa: A004
from .risk import Risk
from .run import RunError, command_line, find_apmsim, run

__all__ = ["open", "run", "Results", "Risk", "FormatError", "RunError", "UnknownNameError", "TIDY_COLUMNS",
           "check_integrity", "command_line", "find_apmsim"]
__version__ = "0.1.0"
