"""apmsim.format prints numbers exactly as the CLI does: the shared cases of
tests/data/format/number_text.tsv (which tests/io/test_number_text.cpp checks in C++)."""
import os

from apmsim import format as fmt

CASES = os.path.join(os.path.dirname(__file__), "..", "..", "tests", "data", "format", "number_text.tsv")


def test_shared_cases():
    count = 0
    with open(CASES, encoding="utf-8") as f:
        for line in f:
            if not line.strip() or line.startswith("#"):
                continue
            estimate, se, unit, expected = line.rstrip("\n").split("\t")
            assert fmt.estimate(float(estimate), float(se), unit) == expected, line
            count += 1
    assert count >= 15


def test_interval_shares_the_estimates_digits():
    est, se, ci = fmt.interval(-59217008, 2676964, -64463857, -53970159, unit="currency", currency="USD")
    assert (est, se, ci) == ("-59,200,000 USD", "2,700,000", "[-64,500,000, -54,000,000]")
    assert fmt.interval(0.5, 0.0, 0.5, 0.5, unit="fraction")[2] == ""
