#!/usr/bin/env python3
"""Fixtures for test/ml-supervised.test.ts: scikit-learn's outputs for the supervised estimators.

Run with Debian's python3-sklearn:  /usr/bin/python3 tools/gen_ml_fixtures_supervised.py
Writes test/fixtures/ml-supervised.json. Deterministic estimators get exact outputs to compare;
randomized ones (forests, boosting, SVMs) get cross-validated scores on the bundled datasets,
with the fold of every sample, so the TypeScript side scores on the very same splits.
"""
import json
import os

import numpy as np
import sklearn
from sklearn.datasets import load_breast_cancer, load_diabetes, load_iris, load_wine
from sklearn.ensemble import (GradientBoostingClassifier, GradientBoostingRegressor,
                              RandomForestClassifier, RandomForestRegressor)
from sklearn.linear_model import Lasso, LinearRegression, LogisticRegression, Ridge
from sklearn.model_selection import KFold, StratifiedKFold
from sklearn.naive_bayes import GaussianNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.svm import SVC, SVR
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "fixtures", "ml-supervised.json")
rs = np.random.RandomState(0)


def r(a, digits=10):
    """Rounded nested lists, to keep the file small and diffable."""
    return np.round(np.asarray(a, dtype=float), digits).tolist()


def q(a):
    """Inputs are rounded before fitting, so the fixture holds exactly the data that was fitted."""
    return np.round(a, 10)


fx = {"sklearn": sklearn.__version__}

# ---- linear models ------------------------------------------------------------------------------
X = q(rs.randn(40, 4))
y = q(X @ np.array([1.5, -2.0, 0.0, 0.7]) + 0.3 + 0.1 * rs.randn(40))
Xd = np.hstack([X, X[:, :1] * 2.0])  # rank-deficient: minimum-norm solution
lin = {"X": r(X), "y": r(y), "Xd": r(Xd)}
m = LinearRegression().fit(X, y)
lin["ols"] = {"coef": r(m.coef_), "intercept": float(m.intercept_), "score": float(m.score(X, y))}
m = LinearRegression(fit_intercept=False).fit(X, y)
lin["olsNoIntercept"] = {"coef": r(m.coef_), "intercept": float(m.intercept_)}
m = LinearRegression().fit(Xd, y)
lin["olsRankDeficient"] = {"coef": r(m.coef_), "intercept": float(m.intercept_)}
m = Ridge(alpha=0.7).fit(X, y)
lin["ridge"] = {"alpha": 0.7, "coef": r(m.coef_), "intercept": float(m.intercept_)}
lin["lasso"] = []
for alpha in [0.05, 0.5]:
    m = Lasso(alpha=alpha).fit(X, y)
    lin["lasso"].append({"alpha": alpha, "coef": r(m.coef_), "intercept": float(m.intercept_)})
fx["linear"] = lin

# ---- logistic regression ------------------------------------------------------------------------
iris = load_iris()
Xb = q(rs.randn(60, 3))
yb = (Xb @ np.array([1.0, -1.0, 0.5]) + 0.5 * rs.randn(60) > 0).astype(int)
logi = {"Xb": r(Xb), "yb": yb.tolist()}
# lbfgs stops on a relative-decrease test near 1e-5 of the optimum; newton-cg gives the exact optimum.
m = LogisticRegression(C=0.5, solver="newton-cg", tol=1e-12, max_iter=10000).fit(Xb, yb)
logi["binary"] = {"C": 0.5, "coef": r(m.coef_), "intercept": r(m.intercept_), "proba": r(m.predict_proba(Xb))}
m = LogisticRegression(C=1.0, solver="newton-cg", tol=1e-12, max_iter=10000).fit(iris.data, iris.target)
logi["iris"] = {"C": 1.0, "coef": r(m.coef_), "intercept": r(m.intercept_), "proba": r(m.predict_proba(iris.data)),
                "score": float(m.score(iris.data, iris.target))}
m = LogisticRegression(C=100.0, fit_intercept=False, solver="newton-cg", tol=1e-12, max_iter=10000).fit(iris.data, iris.target)
logi["irisNoIntercept"] = {"C": 100.0, "coef": r(m.coef_), "proba": r(m.predict_proba(iris.data))}
m = LogisticRegression().fit(iris.data, iris.target)
logi["irisDefault"] = {"proba": r(m.predict_proba(iris.data))}
fx["logistic"] = logi

# ---- k nearest neighbours -----------------------------------------------------------------------
knn = {}
for name, d in [("lowDim", 3), ("highDim", 20)]:  # KD-tree and brute force under "auto"
    Xk = q(rs.rand(80, d))
    yk = (Xk[:, 0] + Xk[:, 1] > 1).astype(int) + (Xk[:, 2] > 0.7).astype(int)
    yr = q(Xk[:, 0] * 2 + np.sin(3 * Xk[:, 1]))
    Xq = q(rs.rand(25, d))
    Xq[0] = Xk[5]  # an exact match, for distance weights
    cases = []
    for k, w, p in [(5, "uniform", 2), (7, "distance", 1), (3, "uniform", 3), (4, "distance", 2)]:
        c = KNeighborsClassifier(n_neighbors=k, weights=w, p=p).fit(Xk, yk)
        g = KNeighborsRegressor(n_neighbors=k, weights=w, p=p).fit(Xk, yr)
        dist, ind = c.kneighbors(Xq)
        cases.append({"k": k, "weights": w, "p": p, "proba": r(c.predict_proba(Xq)), "pred": c.predict(Xq).tolist(),
                      "reg": r(g.predict(Xq)), "dist": r(dist), "ind": ind.tolist()})
    knn[name] = {"X": r(Xk), "y": yk.tolist(), "yr": r(yr), "Xq": r(Xq), "cases": cases}
fx["knn"] = knn

# ---- Gaussian naive Bayes -----------------------------------------------------------------------
wine = load_wine()
m = GaussianNB().fit(wine.data, wine.target)
fx["gnb"] = {"theta": r(m.theta_), "var": r(m.var_, 6), "prior": r(m.class_prior_),
             "logProba": r(m.predict_log_proba(wine.data[::7]), 6), "pred": m.predict(wine.data).tolist()}

# ---- single trees ----------------------------------------------------------------------------------
# scikit-learn draws a random feature order at every node, so equally good splits (frequent with
# Gini on integer counts) make its trees seed-dependent. Only configurations that give the same tree
# for every random_state are comparable (checked below for ten seeds).
TREE_CLS = [("gini", 3, 1), ("gini", 3, 15), ("entropy", 4, 5), ("entropy", 5, 5)]
TREE_REG = [(4, 1), (5, 5), (None, 12)]


def stable(make, X, y, Xq, out):
    ref = make(0).fit(X, y)
    return ref if all(np.allclose(out(make(s).fit(X, y), Xq), out(ref, Xq)) for s in range(1, 10)) else None


for data_seed in range(1):
    trs = np.random.RandomState(1000 + data_seed)
    Xt = q(trs.rand(200, 5))
    yt = (Xt[:, 0] + Xt[:, 1] ** 2 + 0.3 * trs.rand(200) > 0.9).astype(int) + (Xt[:, 2] > 0.7).astype(int)
    ytr = q(Xt[:, 0] * 3 + np.sin(4 * Xt[:, 1]) + 0.1 * trs.randn(200))
    Xtq = q(trs.rand(60, 5))
    cls = [stable(lambda s: DecisionTreeClassifier(criterion=c, max_depth=d, min_samples_leaf=l, random_state=s),
                  Xt, yt, Xtq, lambda m, q: m.predict_proba(q)) for c, d, l in TREE_CLS]
    reg = [stable(lambda s: DecisionTreeRegressor(max_depth=d, min_samples_leaf=l, random_state=s),
                  Xt, ytr, Xtq, lambda m, q: m.predict(q)) for d, l in TREE_REG]
    if all(m is not None for m in cls + reg):
        break
else:
    raise SystemExit("no tie-free tree data found")
trees = {"X": r(Xt), "y": yt.tolist(), "yr": r(ytr), "Xq": r(Xtq), "cls": [], "reg": []}
for (crit, depth, leaf), m in zip(TREE_CLS, cls):
    trees["cls"].append({"criterion": crit, "maxDepth": depth, "minSamplesLeaf": leaf, "proba": r(m.predict_proba(Xtq)),
                         "importances": r(m.feature_importances_), "nodeCount": int(m.tree_.node_count),
                         "depth": int(m.get_depth())})
for (depth, leaf), m in zip(TREE_REG, reg):
    trees["reg"].append({"maxDepth": depth, "minSamplesLeaf": leaf, "pred": r(m.predict(Xtq)),
                         "importances": r(m.feature_importances_), "nodeCount": int(m.tree_.node_count)})
fx["tree"] = trees

# ---- SVMs: libsvm is deterministic, so decision values match up to the solver tolerance ---------------
m = SVC(kernel="rbf", C=1.0, decision_function_shape="ovo").fit(iris.data, iris.target)
svm = {"irisRbf": {"dec": r(m.decision_function(iris.data[::5]).tolist()), "nSupport": m.n_support_.tolist(),
                   "pred": m.predict(iris.data).tolist()}}
m = SVC(kernel="linear", C=0.5).fit(Xb, yb)
svm["binaryLinear"] = {"C": 0.5, "dec": r(m.decision_function(Xb)), "nSupport": m.n_support_.tolist()}
m = SVC(kernel="poly", degree=3, C=2.0, coef0=1.0).fit(Xb, yb)
svm["binaryPoly"] = {"C": 2.0, "dec": r(m.decision_function(Xb)), "nSupport": m.n_support_.tolist()}
m = SVR(kernel="rbf", C=3.0, epsilon=0.05).fit(X, y)
svm["svr"] = {"C": 3.0, "epsilon": 0.05, "pred": r(m.predict(X)), "nSupport": int(len(m.support_))}
fx["svm"] = svm

# ---- randomized estimators: 5-fold CV scores on the bundled datasets ---------------------------------
datasets = {"iris": load_iris(), "wine": load_wine(), "breast_cancer": load_breast_cancer(), "diabetes": load_diabetes()}
cv = {"folds": {}, "checksums": {}, "cases": []}
for name, ds in datasets.items():
    splitter = KFold(5, shuffle=True, random_state=0) if name == "diabetes" else StratifiedKFold(5, shuffle=True, random_state=0)
    fold = np.zeros(len(ds.target), dtype=int)
    for k, (_, test) in enumerate(splitter.split(ds.data, ds.target)):
        fold[test] = k
    cv["folds"][name] = fold.tolist()
    cv["checksums"][name] = float(np.round(np.abs(ds.data).sum(), 6))


def cv_score(make, name, seeds=(0, 1, 2)):
    ds = datasets[name]
    fold = np.array(cv["folds"][name])
    scores = []
    for seed in seeds:
        for k in range(5):
            tr, te = fold != k, fold == k
            scores.append(make(seed).fit(ds.data[tr], ds.target[tr]).score(ds.data[te], ds.target[te]))
    return float(np.mean(scores))


cases = [
    ("RandomForestClassifier", {"nEstimators": 100}, lambda s: RandomForestClassifier(100, random_state=s), ["iris", "wine", "breast_cancer"]),
    ("RandomForestClassifier", {"nEstimators": 50, "maxDepth": 4, "criterion": "entropy"},
     lambda s: RandomForestClassifier(50, max_depth=4, criterion="entropy", random_state=s), ["breast_cancer"]),
    ("RandomForestRegressor", {"nEstimators": 100}, lambda s: RandomForestRegressor(100, random_state=s), ["diabetes"]),
    ("GradientBoostingClassifier", {}, lambda s: GradientBoostingClassifier(random_state=s), ["iris", "breast_cancer"]),
    ("GradientBoostingClassifier", {"subsample": 0.7, "learningRate": 0.2, "nEstimators": 60},
     lambda s: GradientBoostingClassifier(subsample=0.7, learning_rate=0.2, n_estimators=60, random_state=s), ["wine"]),
    ("GradientBoostingRegressor", {}, lambda s: GradientBoostingRegressor(random_state=s), ["diabetes"]),
    ("GradientBoostingRegressor", {"subsample": 0.8, "maxDepth": 2, "nEstimators": 200},
     lambda s: GradientBoostingRegressor(subsample=0.8, max_depth=2, n_estimators=200, random_state=s), ["diabetes"]),
    ("SVC", {}, lambda s: SVC(), ["iris", "wine", "breast_cancer"]),
    ("SVC", {"kernel": "poly", "degree": 2, "C": 0.5}, lambda s: SVC(kernel="poly", degree=2, C=0.5), ["iris"]),
    ("SVR", {"C": 100}, lambda s: SVR(C=100), ["diabetes"]),
]
for est, opts, make, names in cases:
    for name in names:
        # Seeds only matter through bootstraps and subsampling (and tie-breaking, for plain boosting).
        seeds = [0, 1, 2] if est.startswith("RandomForest") or "subsample" in opts else [0]
        cv["cases"].append({"estimator": est, "options": opts, "dataset": name, "seeds": seeds,
                            "score": cv_score(make, name, seeds)})
fx["cv"] = cv

with open(OUT, "w") as f:
    json.dump(fx, f, separators=(",", ":"))
print("wrote", os.path.relpath(OUT), os.path.getsize(OUT), "bytes")
for c in cv["cases"]:
    print(f'{c["estimator"]:28s} {c["dataset"]:14s} {c["score"]:.4f}  {c["options"]}')
