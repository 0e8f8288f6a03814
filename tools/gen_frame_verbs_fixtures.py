#!/usr/bin/env python3
"""Regenerates test/fixtures/frame/verbs.json: pandas' results for the DataFrame verbs that
test/frame-verbs.test.ts checks deepscript/frame against — groupby named aggregation, transform,
cumulative and rolling/expanding/ewm per group, corr, nlargest/nsmallest, cut/qcut, explode,
crosstab, info — on a small frame with missing values.

Run with Debian's pandas (python3-pandas 1.5.3):
    /usr/bin/python3 tools/gen_frame_verbs_fixtures.py
A DataFrame result is {columns, data (column-major), kinds}; a Series {values, kind}.
"""
import io
import json
import math
import os

import numpy as np
import pandas as pd

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
OUT = os.path.join(ROOT, "test", "fixtures", "frame", "verbs.json")
NAN = float("nan")

FRAME = {
    "k": ["a", "b", "a", "c", "b", "a", None, "c", "b", "a", "c", "b"],
    "g": [1, 1, 2, 2, 1, 2, 1, 2, 1, 1, 2, 2],
    "x": [1.5, 2.0, NAN, 4.0, 0.5, 2.5, 3.0, -1.0, 7.0, 2.5, 0.0, 5.5],
    "y": [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120],
    "z": [0.1, -0.3, 0.2, 0.9, NAN, 0.4, -0.8, 0.5, 0.3, 0.0, 1.1, -0.2],
}


def frame():
    return pd.DataFrame({"k": pd.Series(FRAME["k"], dtype=object), "g": FRAME["g"], "x": FRAME["x"], "y": FRAME["y"], "z": FRAME["z"]})


def cell(v):
    if v is None or v is pd.NA or (isinstance(v, float) and math.isnan(v)):
        return None
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return "inf" if v == math.inf else "-inf" if v == -math.inf else float(v)
    if isinstance(v, pd.Interval):
        return str(v)
    if isinstance(v, (list, tuple)):
        return [cell(x) for x in v]
    return v


def res(x):
    if isinstance(x, pd.DataFrame):
        return {"columns": [str(c) for c in x.columns], "data": [[cell(v) for v in x[c].tolist()] for c in x.columns], "kinds": [x[c].dtype.kind for c in x.columns]}
    if isinstance(x, pd.Series):
        return {"values": [cell(v) for v in x.tolist()], "kind": x.dtype.kind}
    return {"scalar": cell(x)}


C = {}
df = frame()
C["agg named"] = res(df.groupby("k", as_index=False).agg(total=("x", "sum"), n=("x", "count"), top=("y", "max"), spread=("z", "std")))
C["agg named two keys"] = res(df.groupby(["k", "g"], as_index=False).agg(mean_x=("x", "mean"), first_y=("y", "first")))
C["transform mean"] = res(df.groupby("k")["x"].transform("mean"))
C["transform sum two keys"] = res(df.groupby(["k", "g"])["y"].transform("sum"))
C["transform count"] = res(df.groupby("k")["x"].transform("count"))
C["transform size"] = res(df.groupby("k")["x"].transform("size"))
C["transform fn"] = res(df.groupby("k")["y"].transform(lambda s: s - s.mean()))
C["group cumsum"] = res(df.groupby("k")["x"].cumsum())
C["group cumcount"] = res(df.groupby("k").cumcount())
C["group shift"] = res(df.groupby("k")["y"].shift(1))
C["group diff"] = res(df.groupby("k")["y"].diff())
C["group rank"] = res(df.groupby("k")["x"].rank())
C["group rolling mean 2"] = res(df.groupby("k")["y"].rolling(2).mean().reset_index(level=0, drop=True).reindex(df.index))
C["group rolling sum 3 minp 1"] = res(df.groupby("k")["x"].rolling(3, min_periods=1).sum().reset_index(level=0, drop=True).reindex(df.index))
C["group expanding mean"] = res(df.groupby("k")["x"].expanding().mean().reset_index(level=0, drop=True).reindex(df.index))
C["group ewm mean"] = res(df.groupby("k")["y"].ewm(alpha=0.5).mean().reset_index(level=0, drop=True).reindex(df.index))
C["ewm mean span 3"] = res(df["x"].ewm(span=3).mean())
C["ewm mean alpha adjust false"] = res(df["x"].ewm(alpha=0.3, adjust=False).mean())
C["expanding sum"] = res(df["x"].expanding().sum())
C["expanding max minp 2"] = res(df["x"].expanding(min_periods=2).max())
C["corr pearson"] = res(df[["g", "x", "y", "z"]].corr().reset_index(drop=True))
C["corr spearman"] = res(df[["g", "x", "y", "z"]].corr(method="spearman").reset_index(drop=True))
C["nlargest 3 x"] = res(df.nlargest(3, "x").reset_index(drop=True))
C["nsmallest 4 y,x"] = res(df.nsmallest(4, ["g", "x"]).reset_index(drop=True))
C["nlargest keep all"] = res(df.nlargest(2, "g", keep="all").reset_index(drop=True))
C["cut 3 bins"] = res(pd.cut(df["x"], 3))
C["cut 3 bins codes"] = res(pd.Series(pd.cut(df["x"], 3, labels=False)))
C["cut edges"] = res(pd.cut(df["x"], [-2, 0, 2, 8]))
C["cut edges labels"] = res(pd.cut(df["x"], [-2, 0, 2, 8], labels=["neg", "small", "big"]))
C["cut edges right false"] = res(pd.cut(df["x"], [-2, 0, 2, 8], right=False))
C["cut include lowest"] = res(pd.cut(df["x"], [-1, 0, 2, 8], include_lowest=True))
C["qcut 4"] = res(pd.qcut(df["y"], 4))
C["qcut 4 codes"] = res(pd.Series(pd.qcut(df["y"], 4, labels=False)))
C["qcut quantiles labels"] = res(pd.qcut(df["x"], [0, 0.5, 1], labels=["low", "high"]))
e = pd.DataFrame({"id": [1, 2, 3, 4], "tags": [["a", "b"], [], None, ["c"]], "w": [0.5, 1.5, 2.5, 3.5]})
C["explode"] = res(e.explode("tags").reset_index(drop=True))
C["crosstab"] = res(pd.crosstab(df["k"], df["g"]).reset_index())
C["crosstab margins"] = res(pd.crosstab(df["k"], df["g"], margins=True).reset_index())
C["crosstab normalize index"] = res(pd.crosstab(df["k"], df["g"], normalize="index").reset_index())
buf = io.StringIO()
df.info(buf=buf)
C["info"] = {"text": buf.getvalue()}

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump({"generator": f"pandas {pd.__version__}", "frame": {k: [cell(v) for v in vs] for k, vs in FRAME.items()}, "explode": {"id": [1, 2, 3, 4], "tags": [["a", "b"], [], None, ["c"]], "w": [0.5, 1.5, 2.5, 3.5]}, "cases": C}, f, indent=0)
print(f"wrote {len(C)} cases to {OUT}")
