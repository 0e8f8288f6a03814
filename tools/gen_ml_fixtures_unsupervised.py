#!/usr/bin/env python3
"""scikit-learn references for deepscript's ml layer, part B: unsupervised estimators,
preprocessing, metrics, model selection, semi-supervised and the bundled datasets.

Run:  /usr/bin/python3 tools/gen_ml_fixtures_unsupervised.py
      (Debian's python3-sklearn; writes test/fixtures/ml-unsupervised.json)

Inputs are either bundled datasets (loaded by the tests with ml.datasets) or small arrays written
into the file. Every random draw is seeded, so the file is reproducible.
"""
import json
import os

import numpy as np
import sklearn
from sklearn import datasets
from sklearn.cluster import DBSCAN, KMeans
from sklearn.decomposition import PCA
from sklearn.impute import SimpleImputer
from sklearn.linear_model import Ridge
from sklearn.metrics import (accuracy_score, adjusted_rand_score, confusion_matrix, f1_score, log_loss,
                             mean_absolute_error, mean_squared_error, precision_score, r2_score, recall_score,
                             roc_auc_score, silhouette_samples, silhouette_score)
from sklearn.model_selection import GridSearchCV, KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import LabelEncoder, MinMaxScaler, OneHotEncoder, StandardScaler
from sklearn.semi_supervised import LabelPropagation

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures", "ml-unsupervised.json")
rng = np.random.RandomState(0)


def tolist(a):
    return np.asarray(a).tolist()


iris = datasets.load_iris()
wine = datasets.load_wine()
digits = datasets.load_digits()
diabetes = datasets.load_diabetes()
fx = {"sklearn": sklearn.__version__}

# ---- datasets: shapes, sums and first rows --------------------------------------------------
fx["datasets"] = {}
for name, b in [("iris", iris), ("wine", wine), ("breast_cancer", datasets.load_breast_cancer()),
                ("diabetes", diabetes), ("digits", digits)]:
    fx["datasets"][name] = {"shape": list(b.data.shape), "sum": float(b.data.sum()), "colSums": tolist(b.data.sum(axis=0)),
                            "first": tolist(b.data[0]), "last": tolist(b.data[-1]), "targetSum": float(b.target.sum()),
                            "featureNames": [str(f) for f in b.feature_names],
                            "targetNames": [str(t) for t in getattr(b, "target_names", [])]}

# ---- PCA --------------------------------------------------------------------------------------
def pca_case(X, **kw):
    p = PCA(svd_solver="full", **kw).fit(X)  # "auto" would pick the approximate randomized solver for digits
    return {"options": {"nComponents": kw.get("n_components"), "whiten": kw.get("whiten", False)},
            "nComponents": int(p.n_components_), "components": tolist(p.components_),
            "explainedVariance": tolist(p.explained_variance_), "explainedVarianceRatio": tolist(p.explained_variance_ratio_),
            "singularValues": tolist(p.singular_values_), "mean": tolist(p.mean_), "noiseVariance": float(p.noise_variance_),
            "transformFirst5": tolist(p.transform(X[:5]))}

wide = np.round(rng.randn(12, 30), 3)  # rounded so the stored inputs are exact
fx["pca"] = {"iris_all": pca_case(iris.data), "iris_2_whiten": pca_case(iris.data, n_components=2, whiten=True),
             "digits_10": pca_case(digits.data, n_components=10), "digits_0.8": pca_case(digits.data, n_components=0.8),
             "wide": dict(pca_case(wide, n_components=5), X=tolist(wide))}
for k in ("digits_10", "digits_0.8"):  # keep the file small: components are checked on iris and wide
    fx["pca"][k]["components"] = fx["pca"][k]["components"][:3]

# ---- KMeans with given initial centres ----------------------------------------------------------
def km_case(X, init_idx, **kw):
    init = X[init_idx]
    km = KMeans(n_clusters=len(init_idx), init=init, n_init=1, **kw).fit(X)
    return {"initIdx": init_idx, "options": {k2: v for k2, v in kw.items()}, "labels": tolist(km.labels_),
            "inertia": float(km.inertia_), "centers": tolist(km.cluster_centers_), "nIter": int(km.n_iter_),
            "predictFirst5": tolist(km.predict(X[:5])), "transformFirst3": tolist(km.transform(X[:3]))}

blobs, blob_y = datasets.make_blobs(n_samples=300, centers=5, n_features=4, cluster_std=1.5, random_state=3)
blobs = np.round(blobs, 3)
fx["kmeans"] = {"iris": km_case(iris.data, [0, 1, 2]), "wine": km_case(wine.data, [0, 60, 130, 170]),
                "blobs": dict(km_case(blobs, [0, 1, 2, 3, 4]), X=tolist(blobs))}
km_pp = [KMeans(n_clusters=5, n_init=10, random_state=s).fit(blobs).inertia_ for s in range(3)]
fx["kmeans"]["blobsBestInertia"] = float(min(km_pp))

# ---- DBSCAN --------------------------------------------------------------------------------------
moons, _ = datasets.make_moons(n_samples=200, noise=0.08, random_state=0)
moons = np.round(moons, 3)
noisy = np.round(np.vstack([blobs[:150, :2], rng.uniform(-12, 12, size=(30, 2))]), 3)
def db_case(X, eps, ms):
    d = DBSCAN(eps=eps, min_samples=ms).fit(X)
    return {"eps": eps, "minSamples": ms, "labels": tolist(d.labels_), "core": tolist(d.core_sample_indices_)}
fx["dbscan"] = {"moons": dict(db_case(moons, 0.2, 5), X=tolist(moons)), "noisy": dict(db_case(noisy, 1.0, 4), X=tolist(noisy)),
                "iris": db_case(iris.data, 0.5, 5)}

# ---- preprocessing ---------------------------------------------------------------------------------
nan_X = np.array([[1.0, np.nan, 3.0, np.nan], [4.0, 5.0, np.nan, np.nan], [7.0, 5.0, 9.0, np.nan], [np.nan, 2.0, 9.0, np.nan], [2.0, 8.0, 1.0, np.nan]])
ss = StandardScaler().fit(wine.data)
mm = MinMaxScaler(feature_range=(-1, 2)).fit(wine.data)
ssn = StandardScaler().fit(nan_X[:, :3])
fx["scalers"] = {
    "standard": {"mean": tolist(ss.mean_), "var": tolist(ss.var_), "scale": tolist(ss.scale_), "first3": tolist(ss.transform(wine.data[:3]))},
    "minmax": {"scale": tolist(mm.scale_), "min": tolist(mm.min_), "first3": tolist(mm.transform(wine.data[:3]))},
    "standardNaN": {"X": [[None if np.isnan(v) else v for v in r] for r in nan_X[:, :3]], "mean": tolist(ssn.mean_), "var": tolist(ssn.var_),
                    "out": [[None if np.isnan(v) else v for v in r] for r in ssn.transform(nan_X[:, :3])]},
    "constantColumn": {"X": [[1, 5], [2, 5], [3, 5]], "scale": tolist(StandardScaler().fit([[1, 5], [2, 5], [3, 5]]).scale_)},
}
fx["imputer"] = {"X": [[None if np.isnan(v) else v for v in r] for r in nan_X]}
for strat in ("mean", "median", "most_frequent", "constant"):
    imp = SimpleImputer(strategy=strat, fill_value=7 if strat == "constant" else None).fit(nan_X)
    fx["imputer"][strat] = {"statistics": [None if np.isnan(v) else v for v in imp.statistics_], "out": tolist(imp.transform(nan_X))}
cat_X = [["red", 1, "s"], ["green", 3, "m"], ["blue", 1, "l"], ["red", 2, "m"], ["green", 1, "s"]]
ohe = OneHotEncoder(sparse_output=False).fit(np.array(cat_X, dtype=object))
ohe_first = OneHotEncoder(sparse_output=False, drop="first").fit(np.array(cat_X, dtype=object))
ohe_bin = OneHotEncoder(sparse_output=False, drop="if_binary").fit(np.array([["a", 1], ["b", 2], ["a", 3]], dtype=object))
fx["onehot"] = {"X": cat_X, "categories": [[c if isinstance(c, str) else int(c) for c in cats] for cats in ohe.categories_],
                "out": tolist(ohe.transform(np.array(cat_X, dtype=object))), "names": tolist(ohe.get_feature_names_out()),
                "dropFirst": tolist(ohe_first.transform(np.array(cat_X, dtype=object))),
                "ifBinary": tolist(ohe_bin.transform(np.array([["a", 1], ["b", 2], ["a", 3]], dtype=object)))}
le = LabelEncoder().fit(["paris", "tokyo", "amsterdam", "paris"])
fx["labelEncoder"] = {"classes": tolist(le.classes_), "codes": tolist(le.transform(["tokyo", "paris", "amsterdam"]))}

# ---- metrics -----------------------------------------------------------------------------------------
yt = rng.randint(0, 4, size=60)
yp = np.where(rng.rand(60) < 0.6, yt, rng.randint(0, 4, size=60))
yb = rng.randint(0, 2, size=40)
ypb = np.where(rng.rand(40) < 0.7, yb, 1 - yb)
score_b = np.round(rng.rand(40) * 0.6 + yb * 0.4, 1)  # rounded: ties
proba = rng.dirichlet(np.ones(4), size=60)
proba = 0.5 * proba + 0.5 * np.eye(4)[yt] * (rng.rand(60, 1) < 0.5)
proba /= proba.sum(axis=1, keepdims=True)
pb = rng.rand(40)
reg_t = rng.randn(30) * 3
reg_p = reg_t + rng.randn(30)
reg_t2 = rng.randn(20, 2)
reg_p2 = reg_t2 + rng.randn(20, 2) * 0.5
m = {"yt": tolist(yt), "yp": tolist(yp), "yb": tolist(yb), "ypb": tolist(ypb), "scoreB": tolist(score_b), "proba": tolist(proba), "pb": tolist(pb),
     "regT": tolist(reg_t), "regP": tolist(reg_p), "regT2": tolist(reg_t2), "regP2": tolist(reg_p2)}
m["accuracy"] = accuracy_score(yt, yp)
for avg in ("macro", "micro", "weighted", None):
    key = str(avg)
    m[f"precision_{key}"] = tolist(precision_score(yt, yp, average=avg, zero_division=0))
    m[f"recall_{key}"] = tolist(recall_score(yt, yp, average=avg, zero_division=0))
    m[f"f1_{key}"] = tolist(f1_score(yt, yp, average=avg, zero_division=0))
m["precision_binary"] = precision_score(yb, ypb)
m["recall_binary"] = recall_score(yb, ypb)
m["f1_binary"] = f1_score(yb, ypb)
m["f1_binary_pos0"] = f1_score(yb, ypb, pos_label=0)
m["confusion"] = tolist(confusion_matrix(yt, yp))
m["confusionTrue"] = tolist(confusion_matrix(yt, yp, normalize="true"))
m["aucBinary"] = roc_auc_score(yb, score_b)
m["aucOvrMacro"] = roc_auc_score(yt, proba, multi_class="ovr")
m["aucOvrWeighted"] = roc_auc_score(yt, proba, multi_class="ovr", average="weighted")
m["aucOvoMacro"] = roc_auc_score(yt, proba, multi_class="ovo")
m["aucOvoWeighted"] = roc_auc_score(yt, proba, multi_class="ovo", average="weighted")
m["logLoss"] = log_loss(yt, proba)
m["logLossBinary"] = log_loss(yb, pb)
m["mse"] = mean_squared_error(reg_t, reg_p)
m["mae"] = mean_absolute_error(reg_t, reg_p)
m["r2"] = r2_score(reg_t, reg_p)
m["mse2"] = mean_squared_error(reg_t2, reg_p2)
m["r2_2"] = r2_score(reg_t2, reg_p2)
km3 = KMeans(n_clusters=3, init=iris.data[[0, 1, 2]], n_init=1).fit(iris.data).labels_
m["silhouetteIris"] = silhouette_score(iris.data, km3)
m["silhouetteSamplesFirst5"] = tolist(silhouette_samples(iris.data, km3)[:5])
m["silhouetteIrisTrue"] = silhouette_score(iris.data, iris.target)
m["irisKmLabels"] = tolist(km3)
m["ariKm"] = adjusted_rand_score(iris.target, km3)
m["ariRandom"] = adjusted_rand_score(yt, yp)
m["ariPerm"] = adjusted_rand_score([0, 0, 1, 1, 2, 2], [2, 2, 0, 0, 1, 1])
fx["metrics"] = m

# ---- model selection ----------------------------------------------------------------------------------
strat_y = [0] * 7 + [1] * 5 + [2] * 4 + [0] * 3
fx["kfold"] = {"n": 11, "folds3": [tolist(te) for _, te in KFold(3).split(np.zeros(11))],
               "stratY": strat_y, "stratFolds3": [tolist(te) for _, te in StratifiedKFold(3).split(np.zeros(len(strat_y)), strat_y)]}
alphas = [0.001, 0.01, 0.1, 1.0, 10.0]
gs = GridSearchCV(Ridge(), {"alpha": alphas}, cv=5).fit(diabetes.data, diabetes.target)
pipe = Pipeline([("scale", StandardScaler()), ("ridge", Ridge())])
gsp = GridSearchCV(pipe, {"ridge__alpha": [0.1, 10.0, 100.0, 1000.0], "ridge__fit_intercept": [True, False]}, cv=KFold(4), scoring="neg_mean_squared_error").fit(diabetes.data, diabetes.target)
fx["gridsearch"] = {
    "ridge": {"alphas": alphas, "bestAlpha": gs.best_params_["alpha"], "bestScore": gs.best_score_,
              "meanTestScore": tolist(gs.cv_results_["mean_test_score"]), "rank": tolist(gs.cv_results_["rank_test_score"])},
    "pipeline": {"bestParams": {"ridge__alpha": gsp.best_params_["ridge__alpha"], "ridge__fitIntercept": gsp.best_params_["ridge__fit_intercept"]},
                 "bestScore": gsp.best_score_, "meanTestScore": tolist(gsp.cv_results_["mean_test_score"]),
                 "params": [{"ridge__alpha": p["ridge__alpha"], "ridge__fitIntercept": p["ridge__fit_intercept"]} for p in gsp.cv_results_["params"]]},
    "crossValRidge": tolist(cross_val_score(Ridge(alpha=0.1), diabetes.data, diabetes.target, cv=5)),
}

# ---- label propagation ----------------------------------------------------------------------------------
y_semi = iris.target.copy()
y_semi[rng.rand(len(y_semi)) < 0.7] = -1
lp = LabelPropagation(kernel="rbf", gamma=3).fit(iris.data, y_semi)
wine_s = StandardScaler().fit_transform(wine.data)
yw = wine.target.copy()
yw[rng.rand(len(yw)) < 0.8] = -1
lpk = LabelPropagation(kernel="knn", n_neighbors=5).fit(wine_s, yw)
fx["labelPropagation"] = {
    "rbf": {"y": tolist(y_semi), "gamma": 3, "transduction": tolist(lp.transduction_), "distFirst5": tolist(lp.label_distributions_[:5]),
            "nIter": int(lp.n_iter_), "probaFirst3": tolist(lp.predict_proba(iris.data[:3] + 0.05))},
    "knn": {"y": tolist(yw), "nNeighbors": 5, "transduction": tolist(lpk.transduction_), "nIter": int(lpk.n_iter_)},
}

with open(OUT, "w") as f:
    json.dump(fx, f, separators=(",", ":"))
print(f"{OUT}: {os.path.getsize(OUT)} bytes")
