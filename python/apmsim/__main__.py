"""`python -m apmsim report RESULTS.h5 [--out FILE.html]`: the package's commands without a
checkout or the apmsim binary (a pip-installed package is enough for the report)."""
import sys

COMMANDS = {"report": "one self-contained HTML report of a results file"}


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        known = "\n".join(f"  {name:8} {text}" for name, text in COMMANDS.items())
        print(f"usage: python -m apmsim COMMAND ...\n\ncommands:\n{known}", file=sys.stderr)
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    from . import report
    return report.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
