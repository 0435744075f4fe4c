#!/usr/bin/env python3
"""Writes the hostile calibrate inputs of this folder (deterministic; rerun after editing).

Each file is one bad input a hostile tester tried (issue 24); manifest.tsv says how
tests/cli/test_calibrate_hostile.cpp runs it and what apmsim must answer. Inputs too large to
commit (a 10 MB header, 10,001 provider groups) and FIFOs are made by that test at run time.
"""
import gzip
import math
import os
import random

here = os.path.dirname(os.path.abspath(__file__))


def claims(members=100, years=(2021, 2022, 2023, 2024), seed=24, extra=None):
    """member,year,cost rows: lognormal costs (median 1,500), every member every year."""
    rng = random.Random(seed)
    rows = ["member,year,cost"]
    for m in range(members):
        for y in years:
            cost = 0 if rng.random() < 0.1 else round(math.exp(rng.gauss(math.log(1500), 1.0)), 2)
            rows.append(f"m{m},{y},{cost}")
    for row in extra or []:
        rows.append(row)
    return "\n".join(rows) + "\n"


def write(name, text, mode="w"):
    with open(os.path.join(here, name), mode) as f:
        f.write(text)


base = claims()
lines = base.splitlines()
# Finding 2: one cost of 1e30 in 400 rows (the parametric likelihood turned NaN; Brent never
# stopped). Line 200 of the file.
write("cost_1e30.csv", "\n".join(lines[:199] + ["m49,2023,1e30"] + lines[200:]) + "\n")
# Finding 6: one cost of 1e12 (trend -0.59, stratum means six times too high); one of 1e8 (under
# the hard limit, far beyond the stratum's robust scale).
write("cost_1e12.csv", "\n".join(lines[:99] + ["m24,2023,1e12"] + lines[100:]) + "\n")
write("cost_1e8.csv", "\n".join(lines[:99] + ["m24,2023,1e8"] + lines[100:]) + "\n")
# Finding 6: one year typed 40 among 2021..2024 (churn 0.33); years 0, 5, 10, 15 (churn 1.0).
write("year_40.csv", "\n".join(lines[:10] + ["m2,40,300"] + lines[11:]) + "\n")
write("years_gapped.csv", claims(years=(0, 5, 10, 15)))
# Finding 9: a year of 2^31 - 1; an exposure of 1e-300 months.
write("year_int_max.csv", "member,year,cost\nA,2147483647,5\nB,2023,6\n")
write("exposure_tiny.csv", "member,year,cost,exposure\nA,2023,5,12\nB,2023,6,1e-300\n")
# Weak: a '/' or an ESC in a stratum name; a huge risk score; escape codes in a cost cell.
write("stratum_slash.csv", "member,year,cost,stratum\nA,2023,5,healthy\nB,2023,6,a/b\n")
write("stratum_escape.csv", "member,year,cost,stratum\nA,2023,5,\x1b[31mred\x1b[0m\n")
write("risk_huge.csv", "member,year,cost,risk_score\nA,2023,5,1\nB,2023,6,1e15\n")
write("cost_escape.csv", "member,year,cost\nA,2023,\x1b]0;owned\x07\n")
# Weak: what spreadsheets and pipelines save instead of CSV UTF-8.
small = "member,year,cost\nA,2023,5\nB,2023,6\nC,2023,7\n"
write("bom.csv", "\ufeff" + small)
write("utf16.csv", small.encode("utf-16"), "wb")
write("utf16_no_bom.csv", small.encode("utf-16-le"), "wb")
write("gzip.csv", gzip.compress(small.encode(), mtime=0), "wb")
write("zip.csv", b"PK\x03\x04" + bytes(40), "wb")
write("semicolon.csv", small.replace(",", ";"))
write("tab.csv", small.replace(",", "\t"))
write("cr_only.csv", small.replace("\n", "\r"))
write("latin1.csv", "member,year,cost,stratum\nA,2023,5,\u00c4ltere\n".encode("latin-1"), "wb")
# Finding 9: a continuance table with one open band; and its encodings.
write("continuance_open_band.csv", "upper,share,average\ninf,1,5000\n")
write("continuance_semicolon.csv", "upper;share;average\n0;0.2;0\n1000;0.5;400\ninf;0.3;9000\n")
write("continuance_bom.csv", "\ufeffupper,share,average\n0,0.2,0\n1000,0.5,400\ninf,0.3,9000\n")
write("continuance_huge_bound.csv", "upper,share,average\n0,0.2,0\n1e300,0.8,400\n")
# Issue 25: paid claims for the completion pattern (--paid). A good file (five months of
# service, each paid over three months), then what goes wrong with dates and amounts.
paid = "service_month,paid_month,amount\n" + "".join(
    f"2023-{m:02d},2023-{m + k:02d},{a}\n"
    for m in range(1, 6) for k, a in enumerate((60 + m, 30, 10)) if m + k <= 5)
paid_lines = paid.splitlines()
write("paid_ok.csv", paid)
write("paid_before_service.csv", "\n".join(paid_lines[:4] + ["2023-03,2023-02,5"] + paid_lines[4:]) + "\n")
write("paid_negative.csv", "\n".join(paid_lines[:4] + ["2023-03,2023-04,-5"] + paid_lines[4:]) + "\n")
write("paid_excel_serial.csv", "\n".join(paid_lines[:4] + ["45108,2023-04,5"] + paid_lines[4:]) + "\n")
write("paid_slash_month.csv", "\n".join(paid_lines[:4] + ["2023-03,2023/04,5"] + paid_lines[4:]) + "\n")
write("paid_month_13.csv", "\n".join(paid_lines[:4] + ["2023-13,2023-04,5"] + paid_lines[4:]) + "\n")
write("paid_nan.csv", "\n".join(paid_lines[:4] + ["2023-03,2023-04,nan"] + paid_lines[4:]) + "\n")
write("paid_1e30.csv", "\n".join(paid_lines[:4] + ["2023-03,2023-04,1e30"] + paid_lines[4:]) + "\n")
write("paid_escape.csv", "\n".join(paid_lines[:4] + ["\x1b[2J,2023-04,5"] + paid_lines[4:]) + "\n")
write("paid_wrong_columns.csv", paid.replace("service_month,", "dos,", 1))
write("paid_header_only.csv", paid_lines[0] + "\n")
write("paid_two_months.csv", "service_month,paid_month,amount\n2023-01,2023-01,5\n2023-02,2023-02,5\n")
write("paid_semicolon.csv", paid.replace(",", ";"))
# A year typed 2203 for 2023 in the latest payment: it would be the extract date.
write("paid_year_typo.csv", "\n".join(paid_lines[:4] + ["2023-03,2203-04,5"] + paid_lines[4:]) + "\n")
