#!/usr/bin/env python3
"""Regenerates test/fixtures/frame/strdt.json: pandas' results for the `.str` and `.dt` accessors
that test/frame-strdt.test.ts checks deepscript/frame against, on columns with missing values,
plus timedelta arithmetic on dates (tz-naive, DST-free by construction: pandas' naive timestamps
are wall-clock times with no zone, deepscript's dates are UTC instants).

Run with Debian's pandas (python3-pandas 1.5.3):
    /usr/bin/python3 tools/gen_strdt_fixtures.py
Each case: {input, method, args, kwargs, out}; out is {values, kind} for a Series, {columns, data}
for a DataFrame. Dates are written as ISO strings ("2024-02-29T13:45:30.250"), missing as null.
"""
import json
import math
import os

import numpy as np
import pandas as pd

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "frame", "strdt.json")

TEXT = {
    "t": ["  Hello World ", "apple pie", None, "BANANA split", "", "a-b-c", "Cat_42", "x1y22z333", "éclair Été", "  "],
    "n": ["10", "7", "abc", None, "3.5", "0042", "", "12a", "99", "-1"],
    "m": ["ann@x.org", "bob@y.com", None, "no mail", "carl@z.net"],
}
DATES = {
    "d": ["2024-02-29 13:45:30.250", "2023-12-31 23:59:59", None, "2000-01-01 00:00:00", "1999-07-04 06:07:08.999",
          "2024-03-10 02:30:00", "2021-11-07 01:30:00", "1970-01-01 00:00:00", "2038-01-19 03:14:07", "2022-06-15 12:00:00"],
}


def text(name):
    return pd.Series(TEXT[name], dtype=object)


def dates(name):
    return pd.to_datetime(pd.Series(DATES[name]))


def cell(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}"
    if isinstance(v, pd.Timedelta):
        return {"ms": v.value / 1e6}
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return None
        return float(v)
    if isinstance(v, list):
        return [cell(x) for x in v]
    return v


def res(x):
    if isinstance(x, pd.DataFrame):
        return {"columns": [str(c) for c in x.columns], "data": [[cell(v) for v in x[c].tolist()] for c in x.columns]}
    if not isinstance(x, pd.Series):
        return {"scalar": cell(x)}
    return {"values": [cell(v) for v in x.tolist()], "kind": x.dtype.kind}


CASES = []


def case(kind, name, method, *args, **kwargs):
    s = text(name) if kind == "str" else dates(name)
    acc = s.str if kind == "str" else s.dt
    attr = getattr(acc, method)
    out = attr(*args, **kwargs) if callable(attr) else attr
    CASES.append({"accessor": kind, "input": name, "method": method, "args": list(args), "kwargs": kwargs, "out": res(out)})


for m in ["lower", "upper", "title", "capitalize", "swapcase", "strip", "lstrip", "rstrip", "len", "isdigit", "isalpha", "isnumeric", "isspace", "isalnum", "islower", "isupper"]:
    case("str", "t", m)
for m in ["len", "isdigit", "isnumeric", "strip"]:
    case("str", "n", m)
case("str", "t", "strip", " Hdl")
case("str", "t", "contains", "an")
case("str", "t", "contains", "AN", case=False)
case("str", "t", "contains", r"\d+")
case("str", "t", "contains", ".", regex=False)
case("str", "t", "contains", "a", na=False)
case("str", "t", "contains", "^[a-z]+ ", regex=True)
case("str", "t", "startswith", "a")
case("str", "t", "endswith", "t")
case("str", "t", "startswith", "a", na=False)
case("str", "t", "replace", "a", "A", regex=False)
case("str", "t", "replace", r"[aeiou]", "_", regex=True)
case("str", "t", "replace", r"(\w+) (\w+)", r"\2 \1", regex=True)
case("str", "t", "replace", r"(?P<first>\w)(\w*)", r"\g<first>.", regex=True)
case("str", "t", "replace", "a", "4", n=1, regex=False)
case("str", "t", "replace", "A", "@", case=False, regex=True)
case("str", "t", "replace", "$", "!", regex=False)
case("str", "t", "split")
case("str", "t", "split", " ")
case("str", "t", "split", "-", n=1)
case("str", "t", "split", " ", expand=True)
case("str", "t", "slice", 1, 4)
case("str", "t", "slice", None, None, 2)
case("str", "t", "slice", -3)
case("str", "t", "get", 0)
case("str", "t", "get", -1)
case("str", "m", "extract", r"(\w+)@(\w+)\.(\w+)")
case("str", "m", "extract", r"(?P<user>\w+)@(?P<host>\w+)")
case("str", "m", "extract", r"@(\w+)", expand=False)
case("str", "t", "count", "a")
case("str", "t", "find", "a")
case("str", "n", "zfill", 5)
case("str", "t", "pad", 12, side="left", fillchar="*")
case("str", "t", "pad", 12, side="both", fillchar="*")
case("str", "t", "cat", sep=",")

for m in ["year", "month", "day", "hour", "minute", "second", "microsecond", "dayofweek", "weekday", "dayofyear", "quarter", "days_in_month", "is_month_start", "is_month_end", "is_leap_year", "is_year_start", "is_year_end", "is_quarter_start", "is_quarter_end"]:
    case("dt", "d", m)
case("dt", "d", "normalize")
for f in ["D", "H", "T", "15min", "S", "2H", "L"]:
    case("dt", "d", "floor", f)
    case("dt", "d", "ceil", f)
    case("dt", "d", "round", f)
case("dt", "d", "strftime", "%Y-%m-%d %H:%M:%S")
case("dt", "d", "strftime", "%d/%m/%y %j %a %A %b %B %%")
case("dt", "d", "day_name")
case("dt", "d", "month_name")

# Timedelta arithmetic, tz-naive.
d = dates("d")
ARITH = []


def arith(name, out):
    ARITH.append({"name": name, "out": res(out)})


arith("d + 1 day", d + pd.Timedelta(days=1))
arith("d - 90 minutes", d - pd.Timedelta(minutes=90))
arith("d + 1 day 2 hours 3.5 seconds", d + pd.Timedelta(days=1, hours=2, seconds=3.5))
arith("d - d.shift(1)", d - d.shift(1))
arith("(d - d.shift(1)).dt.days", (d - d.shift(1)).dt.days)
arith("(d - d.shift(1)).dt.seconds", (d - d.shift(1)).dt.seconds)
arith("(d - d.shift(1)).dt.total_seconds()", (d - d.shift(1)).dt.total_seconds())

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": f"pandas {pd.__version__}", "text": TEXT, "dates": DATES, "cases": CASES, "arith": ARITH}, f, indent=0)
print(f"wrote {len(CASES)} accessor cases and {len(ARITH)} arithmetic cases to {OUT}")
