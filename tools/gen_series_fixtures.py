#!/usr/bin/env python3
"""Regenerates test/fixtures/frame/series.json: pandas' results for the Series verbs that
test/frame-series.test.ts checks deepscript/frame against (arithmetic, comparisons, shift/diff/
pct_change, cumulative ops, rank, where/mask/map/astype, reductions, corr, DataFrame.isna().sum()),
on small columns with missing values, plus empty Series.

Run with Debian's pandas (python3-pandas 1.5.3, scipy for Kendall):
    /usr/bin/python3 tools/gen_series_fixtures.py
"""
import json
import math
import os

import numpy as np
import pandas as pd
from pandas_cells import cell

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "frame", "series.json")

NAN = float("nan")
INPUTS = {
    "a": [1.5, -2.0, NAN, 4.0, 0.0, 2.5, -3.5, NAN, 7.0, 2.5],
    "b": [2.0, 0.5, 1.0, NAN, -4.0, 2.5, 3.0, 2.0, -1.0, 0.0],
    "i": [3, -1, 4, 1, -5, 9, 2, 6, 5, 3],
    "j": [2, 7, 1, 8, 2, 8, 1, 0, 2, 3],
    "s": ["b", "a", None, "c", "a", "b", None, "d", "a", "c"],
    "r": [0.5, 1.5, 2.5, -0.5, -1.5, 0.125, 2.675, NAN, 1234.5678, -0.0],
    "e": [],
}


def series(name):
    v = INPUTS[name]
    if name == "e":
        return pd.Series([], dtype="float64")
    if name == "s":
        return pd.Series(v, dtype=object)
    return pd.Series(v)



def res(x):
    """A Series → {values, kind} (kind: i integer, f float, b bool, O object); a scalar → its cell."""
    if isinstance(x, pd.Series):
        return {"values": [cell(v) for v in x.tolist()], "kind": x.dtype.kind}
    if isinstance(x, np.ndarray):
        return {"values": [cell(v) for v in x.tolist()], "kind": x.dtype.kind}
    if isinstance(x, list):
        return [cell(v) for v in x]
    return cell(x)


def main():
    out = {"pandas": pd.__version__, "inputs": {k: [cell(v) for v in v] for k, v in INPUTS.items()}, "cases": {}}
    c = out["cases"]
    a, b, i, j, s, r, e = (series(k) for k in "abijsre")

    ops = {"add": "__add__", "sub": "__sub__", "mul": "__mul__", "div": "__truediv__", "pow": "__pow__", "mod": "__mod__"}
    for op, dunder in ops.items():
        c[f"a.{op}(b)"] = res(getattr(a, dunder)(b))
        c[f"i.{op}(j)"] = res(getattr(i, dunder)(j))
        c[f"a.{op}(2)"] = res(getattr(a, dunder)(2))
        c[f"i.{op}(3)"] = res(getattr(i, dunder)(3))
        c[f"a.{op}(i)"] = res(getattr(a, dunder)(i))
        c[f"e.{op}(2)"] = res(getattr(e, dunder)(2))
    c["a.pow(0.5)"] = res(a ** 0.5)
    c["a.mod(-3)"] = res(a % -3)
    c["i.mod(0)"] = res(i % 0)
    c["i.mod(-4)"] = res(i % -4)
    c["i.div(0)"] = res(i / 0)
    c["s.add(s)"] = res(s + s)
    c['s.add("!")'] = res(s + "!")

    for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
        c[f"a.{op}(b)"] = res(getattr(a, op)(b))
        c[f"a.{op}(2.5)"] = res(getattr(a, op)(2.5))
        c[f"i.{op}(j)"] = res(getattr(i, op)(j))
        c[f"e.{op}(1)"] = res(getattr(e, op)(1))
    c['s.eq("a")'] = res(s == "a")
    c['s.ne("a")'] = res(s != "a")

    c["a.abs()"] = res(a.abs())
    c["i.abs()"] = res(i.abs())
    c["r.round()"] = res(r.round())
    c["r.round(2)"] = res(r.round(2))
    c["r.round(-1)"] = res(r.round(-1))
    c["a.clip(-1, 3)"] = res(a.clip(-1, 3))
    c["a.clip(null, 2)"] = res(a.clip(upper=2))
    c["i.clip(0, 4)"] = res(i.clip(0, 4))

    for p in [1, 2, -1]:
        c[f"a.shift({p})"] = res(a.shift(p))
        c[f"a.diff({p})"] = res(a.diff(p))
        c[f"a.pctChange({p})"] = res(a.pct_change(p))
    c["i.shift(1)"] = res(i.shift(1))
    c["i.shift(2, 0)"] = res(i.shift(2, fill_value=0))
    c["s.shift(1)"] = res(s.shift(1))
    c["i.diff(1)"] = res(i.diff(1))
    c["a.pctChange(1, null)"] = res(a.pct_change(1, fill_method=None))
    c["b.pctChange(1)"] = res(b.pct_change(1))
    c["e.shift(1)"] = res(e.shift(1))
    c["e.diff(1)"] = res(e.diff(1))
    c["e.pctChange(1)"] = res(e.pct_change(1))

    for op in ["cumsum", "cumprod", "cummax", "cummin"]:
        c[f"a.{op}()"] = res(getattr(a, op)())
        c[f"a.{op}(false)"] = res(getattr(a, op)(skipna=False))
        c[f"i.{op}()"] = res(getattr(i, op)())
        c[f"e.{op}()"] = res(getattr(e, op)())

    for method in ["average", "min", "max", "first", "dense"]:
        c[f"a.rank({method})"] = res(a.rank(method=method))
        c[f"a.rank({method}, desc)"] = res(a.rank(method=method, ascending=False))
        c[f"s.rank({method})"] = res(s.rank(method=method))
    c["a.rank(average, top)"] = res(a.rank(na_option="top"))
    c["a.rank(min, bottom)"] = res(a.rank(method="min", na_option="bottom"))
    c["a.rank(average, pct)"] = res(a.rank(pct=True))
    c["a.rank(dense, pct)"] = res(a.rank(method="dense", pct=True))
    c["e.rank()"] = res(e.rank())

    c["a.isna()"] = res(a.isna())
    c["s.notna()"] = res(s.notna())
    c["a.fillna(0)"] = res(a.fillna(0))
    c['s.fillna("z")'] = res(s.fillna("z"))
    gaps = pd.Series([NAN, 1.5, NAN, NAN, 4.0, NAN, -2.0, NAN])
    out["inputs"]["g"] = [cell(v) for v in gaps.tolist()]
    for d in ["forward", "backward", "both"]:
        c[f"g.interpolate({d})"] = res(gaps.interpolate(limit_direction=d))
    c["i.interpolate()"] = res(i.interpolate())
    c["e.interpolate()"] = res(e.interpolate())
    c["a.ffill()"] = res(a.ffill())
    c["a.bfill()"] = res(a.bfill())
    c["a.between(0, 2.5)"] = res(a.between(0, 2.5))
    c["a.between(0, 2.5, neither)"] = res(a.between(0, 2.5, inclusive="neither"))
    c["i.between(1, 4, left)"] = res(i.between(1, 4, inclusive="left"))
    c["a.isin([2.5, 4, NaN])"] = res(a.isin([2.5, 4, NAN]))
    c['s.isin(["a", "d"])'] = res(s.isin(["a", "d"]))
    c["a.where(a.gt(0))"] = res(a.where(a > 0))
    c["a.where(a.gt(0), -1)"] = res(a.where(a > 0, -1))
    c["i.where(i.gt(2), 0)"] = res(i.where(i > 2, 0))
    c["i.where(i.gt(2))"] = res(i.where(i > 2))
    c["a.mask(a.gt(0))"] = res(a.mask(a > 0))
    c['s.mask(s.eq("a"), "A")'] = res(s.mask(s == "a", "A"))
    c["s.map({a: 1, b: 2})"] = res(s.map({"a": 1, "b": 2}))
    c["i.apply(x => x * x)"] = res(i.apply(lambda x: x * x))
    c["i.astype(float64)"] = res(i.astype("float64"))
    c["a.fillna(0).astype(int32)"] = res(a.fillna(0).astype("int32"))
    c["a.astype(string)"] = res(a.astype("string"))
    c["i.astype(string)"] = res(i.astype("string"))
    c["a.astype(bool)"] = res(a.astype(bool))
    c["pd.Series(['1.5', ' 2', '-3']).astype(float64)"] = res(pd.Series(["1.5", " 2", "-3"]).astype("float64"))

    c["a.unique()"] = res(a.unique())
    c["s.unique()"] = res(s.unique())
    c["a.nunique()"] = res(a.nunique())
    c["a.nunique(false)"] = res(a.nunique(dropna=False))
    c["s.nunique()"] = res(s.nunique())
    c["e.nunique()"] = res(e.nunique())
    c["a.idxmax()"] = res(a.idxmax())
    c["a.idxmin()"] = res(a.idxmin())
    c["a.idxmax(false)"] = res(a.idxmax(skipna=False))
    c["i.idxmax()"] = res(i.idxmax())
    c["all_nan.idxmax()"] = res(pd.Series([NAN, NAN]).idxmax())
    for q in [0, 0.1, 0.25, 0.5, 0.9, 1]:
        c[f"a.quantile({q})"] = res(a.quantile(q))
    for interp in ["lower", "higher", "midpoint", "nearest"]:
        c[f"a.quantile([0.1, 0.4, 0.5, 0.75], {interp})"] = res(a.quantile([0.1, 0.4, 0.5, 0.75], interpolation=interp).tolist())
    c["e.quantile(0.5)"] = res(e.quantile(0.5))
    for method in ["pearson", "spearman", "kendall"]:
        c[f"a.corr(b, {method})"] = res(a.corr(b, method=method))
        c[f"i.corr(j, {method})"] = res(i.corr(j, method=method))
        c[f"a.corr(i, {method})"] = res(a.corr(i, method=method))
    c["e.corr(e)"] = res(e.corr(e))
    c["e.sum()"] = res(e.sum())
    c["e.mean()"] = res(e.mean())

    df = pd.DataFrame({"a": a, "i": i, "s": s, "b": b})
    c["df.isna().sum()"] = {k: int(v) for k, v in df.isna().sum().items()}
    c["df.notna().sum()"] = {k: int(v) for k, v in df.notna().sum().items()}

    with open(OUT, "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT} (pandas {pd.__version__}, {len(c)} cases)")


if __name__ == "__main__":
    main()
