#!/usr/bin/env python3
"""Regenerates the pandas reference results that test/frame.test.ts compares deepscript/frame against.

Writes test/fixtures/frame/sales.csv and regions.csv (seeded, generated here) and
test/fixtures/frame/pandas.json: pandas' reading of the CSV edge-case files in
test/fixtures/csv/, and describe, groupby/agg, merge, rolling, resample, value_counts and
pivot_table on the sales data.

Run with Debian's pandas:  /usr/bin/python3 tools/gen_frame_fixtures.py
"""
import json
import math
import os

import numpy as np
import pandas as pd

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CSV_DIR = os.path.join(ROOT, "test", "fixtures", "csv")
OUT_DIR = os.path.join(ROOT, "test", "fixtures", "frame")


def cell(v):
    if v is None:
        return None
    if isinstance(v, (pd.Timestamp,)):
        return None if pd.isna(v) else str(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer,)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return None if math.isnan(v) else float(v)
    if v is pd.NaT:
        return None
    return v


def frame(df):
    """A frame as {columns, data: {column: values}}, NaN/NaT -> null, timestamps as pandas prints them."""
    df = df.reset_index(drop=True)
    return {
        "columns": [str(c) for c in df.columns],
        "dtypes": {str(c): str(t) for c, t in df.dtypes.items()},
        "data": {str(c): [cell(v) for v in df[c].tolist()] for c in df.columns},
    }


def flat(df):
    """Flattens MultiIndex columns as deepscript names them (units_sum) and moves the index to columns."""
    if isinstance(df.columns, pd.MultiIndex):
        df.columns = ["_".join(str(p) for p in c if p != "") for c in df.columns]
    return df.reset_index()


def make_sales():
    rng = np.random.default_rng(7)
    n = 240
    start = pd.Timestamp("2024-01-01 00:00:00")
    gaps = rng.integers(1, 12, size=n)  # hours between sales
    dates = start + pd.to_timedelta(np.cumsum(gaps) - gaps[0], unit="h")
    regions = np.array(["north", "south", "east", "west"], dtype=object)[rng.integers(0, 4, size=n)]
    regions[rng.random(n) < 0.05] = None
    products = np.array(["apple", "banana", "cherry"], dtype=object)[rng.choice(3, size=n, p=[0.5, 0.3, 0.2])]
    units = rng.integers(1, 40, size=n)
    price = np.round(rng.normal(20, 6, size=n), 2)
    price[rng.random(n) < 0.08] = np.nan
    promo = rng.random(n) < 0.3
    return pd.DataFrame({"date": dates, "region": regions, "product": products, "units": units, "price": price, "promo": promo})


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    sales = make_sales()
    sales.to_csv(os.path.join(OUT_DIR, "sales.csv"), index=False)
    regions = pd.DataFrame({"region": ["north", "south", "east", "central"], "manager": ["Ana", "Bo", "Cy", "Di"], "target": [900, 800, 700, 600]})
    regions.to_csv(os.path.join(OUT_DIR, "regions.csv"), index=False)

    # Read back as deepscript will (it infers the date column; pandas is told).
    sales = pd.read_csv(os.path.join(OUT_DIR, "sales.csv"), parse_dates=["date"])
    regions = pd.read_csv(os.path.join(OUT_DIR, "regions.csv"))
    out = {"pandas": pd.__version__}

    out["csv"] = {}
    for name in sorted(os.listdir(CSV_DIR)):
        if name.startswith("malformed"):
            continue
        path = os.path.join(CSV_DIR, name)
        kw = {"sep": ";"} if name == "semicolon.csv" else {"sep": "\t"} if name.endswith(".tsv") else {}
        out["csv"][name] = frame(pd.read_csv(path, **kw))

    out["describe"] = frame(flat(sales.describe()))
    aggs = ["sum", "mean", "count", "min", "max", "std", "var", "median", "first", "last", "nunique"]
    out["groupby_region"] = frame(flat(sales.groupby("region").agg({"units": aggs, "price": aggs})))
    out["groupby_region_product_mean"] = frame(flat(sales.groupby(["region", "product"])[["units", "price"]].mean()))
    out["groupby_product_size"] = frame(sales.groupby("product").size().rename("size").reset_index())
    out["groupby_region_text"] = frame(flat(sales.groupby("region").agg({"product": ["min", "max", "count", "nunique"]})))

    small = sales.head(30)
    for how in ["inner", "left", "right", "outer"]:
        out[f"merge_{how}"] = frame(small.merge(regions, on="region", how=how))
    clash = regions.rename(columns={"target": "units"})
    out["merge_suffixes"] = frame(small.merge(clash, on="region", how="left"))
    out["merge_lefton"] = frame(small.merge(regions.rename(columns={"region": "area"}), left_on="region", right_on="area", how="inner"))

    price = sales["price"]
    roll = {}
    for stat in ["mean", "sum", "std", "var", "min", "max", "median", "count"]:
        # min_periods given: pandas 1.5 defaults count()'s to 0, pandas 2 (and deepscript) to the window
        roll[f"w5_{stat}"] = [cell(v) for v in getattr(price.rolling(5, min_periods=5), stat)().tolist()]
    roll["w3_minp1_mean"] = [cell(v) for v in price.rolling(3, min_periods=1).mean().tolist()]
    roll["w4_center_mean"] = [cell(v) for v in price.rolling(4, center=True).mean().tolist()]
    roll["w7_center_sum"] = [cell(v) for v in price.rolling(7, center=True, min_periods=2).sum().tolist()]
    out["rolling"] = roll

    res = {}
    cols = ["units", "price"]
    res["D_sum"] = frame(sales.resample("D", on="date")[cols].sum().reset_index())
    res["D_mean"] = frame(sales.resample("D", on="date")[cols].mean().reset_index())
    res["6H_count"] = frame(sales.resample("6H", on="date")[cols].count().reset_index())
    res["W_sum"] = frame(sales.resample("W", on="date")[cols].sum().reset_index())
    res["M_mean"] = frame(sales.resample("M", on="date")[cols].mean().reset_index())
    res["MS_max"] = frame(sales.resample("MS", on="date")[cols].max().reset_index())
    out["resample"] = res

    vc = sales["region"].value_counts()
    out["value_counts_region"] = {str(k): int(v) for k, v in vc.items()}
    out["pivot_table"] = frame(sales.pivot_table(index="region", columns="product", values="units", aggfunc="sum").reset_index())
    out["pivot_table_mean"] = frame(sales.pivot_table(index="product", columns="promo", values="price", aggfunc="mean").reset_index())

    with open(os.path.join(OUT_DIR, "pandas.json"), "w") as f:
        json.dump(out, f, indent=1, allow_nan=False)
        f.write("\n")
    print(f"wrote {OUT_DIR}/pandas.json (pandas {pd.__version__})")


if __name__ == "__main__":
    main()
