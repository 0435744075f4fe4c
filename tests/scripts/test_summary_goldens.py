"""The human summary's layout, read off the golden summaries (tests/regression/*.txt), which the
regression tests hold equal to what `apmsim run` prints for each shipped scenario: no line wider
than 120 characters, mssp_aco's four answers in its first 30 lines, and a sweep's tables that
equal the first variant's named once rather than printed again (issue 23)."""
import pathlib

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "regression"


def lines(name):
    return (GOLDEN / f"{name}.txt").read_text(encoding="utf-8").splitlines()


def test_no_summary_line_is_wider_than_120_characters():
    goldens = sorted(GOLDEN.glob("*.txt"))
    assert len(goldens) >= 10
    for path in goldens:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            assert len(line) <= 120, f"{path.name}:{number} is {len(line)} wide: {line[:60]}..."


def test_mssp_aco_answers_come_in_the_first_30_lines():
    top = "\n".join(lines("mssp_aco")[:30])
    for answer in ("answers (agreement", "optimal_weight", "var_99", "tvar_99",
                   "stop-loss quote", "loaded_premium_pmpm", "MSR keeping false reward <= alpha, by size"):
        assert answer in top, answer
    assert top.index("answers (agreement") < top.index("MSR keeping")


def test_tables_equal_to_the_first_variants_are_printed_once():
    text = "\n".join(lines("mssp_aco"))
    variants = text.count("\nvariant ")
    assert variants == 6
    assert text.count("population and regions: as in variant 1") == variants - 1
    # The benchmark analysis does not depend on the minimum savings rate: printed for the first
    # variant of each method at most, named for the others.
    printed = text.count("  benchmark error vs counterfactual (all years)\n")
    named = text.count("benchmark error vs counterfactual (all years): as in variant 1")
    assert printed + named == variants and named >= 1
