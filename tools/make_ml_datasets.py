#!/usr/bin/env python3
"""Copies scikit-learn's bundled toy datasets into deepscript's data/ for ml.datasets.

Run:  /usr/bin/python3 tools/make_ml_datasets.py      (needs Debian's python3-sklearn)

Writes data/ml-{iris,wine,breast_cancer,diabetes,digits}.csv.gz. Each file is gzip (mtime 0, so
the bytes are reproducible) of UTF-8 text: line 1 is a JSON header {"name", "featureNames",
"targetNames", "target": "int" | "float"}; every further line is one sample, its feature values
then its target, comma-separated. Values are the numbers of scikit-learn's own CSV files, written
in the shortest form that parses back to the same float64 (integers without ".0"). Diabetes is
stored unscaled (scikit-learn's scaled=False); ml.datasets.loadDiabetes() scales it as
scikit-learn does by default.
"""
import gzip
import io
import json
import os

import sklearn
from sklearn import datasets

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data")


def num(v):
    v = float(v)
    return str(int(v)) if v.is_integer() else repr(v)


def write(name, bunch, target_kind):
    feature_names = [str(f) for f in bunch.feature_names]
    target_names = [str(t) for t in getattr(bunch, "target_names", [])]
    header = {"name": name, "featureNames": feature_names, "targetNames": target_names, "target": target_kind,
              "source": f"scikit-learn {sklearn.__version__} sklearn/datasets/data"}
    out = io.StringIO()
    out.write(json.dumps(header) + "\n")
    for row, t in zip(bunch.data, bunch.target):
        out.write(",".join(num(v) for v in row) + "," + num(t) + "\n")
    path = os.path.join(ROOT, f"ml-{name}.csv.gz")
    with open(path, "wb") as f:
        with gzip.GzipFile(filename="", mode="wb", fileobj=f, mtime=0, compresslevel=9) as gz:
            gz.write(out.getvalue().encode("utf-8"))
    print(f"{path}: {bunch.data.shape[0]}x{bunch.data.shape[1]}, {os.path.getsize(path)} bytes")


write("iris", datasets.load_iris(), "int")
write("wine", datasets.load_wine(), "int")
write("breast_cancer", datasets.load_breast_cancer(), "int")
write("diabetes", datasets.load_diabetes(scaled=False), "float")
write("digits", datasets.load_digits(), "int")
