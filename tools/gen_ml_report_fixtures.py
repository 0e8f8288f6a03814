# Fixtures for ml.metrics.classificationReport: scikit-learn 1.2's text for several label sets.
# Run: /usr/bin/python3 tools/gen_ml_report_fixtures.py > test/fixtures/ml-report.json
import json
import warnings
import numpy as np
from sklearn.metrics import classification_report

warnings.simplefilter("ignore")  # zero_division "warn" prints a warning and scores 0
rng = np.random.RandomState(0)
cases = []

def add(name, y_true, y_pred, **kw):
    text = classification_report(y_true, y_pred, **kw)
    opts = {}
    if "labels" in kw: opts["labels"] = list(kw["labels"])
    if "target_names" in kw: opts["targetNames"] = list(kw["target_names"])
    if "digits" in kw: opts["digits"] = kw["digits"]
    if "zero_division" in kw: opts["zeroDivision"] = kw["zero_division"]
    conv = lambda a: [x if isinstance(x, str) else int(x) for x in a]
    cases.append({"name": name, "yTrue": conv(y_true), "yPred": conv(y_pred), "opts": opts, "text": text})

y = rng.randint(0, 3, 200); p = np.where(rng.rand(200) < 0.7, y, rng.randint(0, 3, 200))
add("multiclass", y, p)
add("multiclass digits 4", y, p, digits=4)
add("target names", y, p, target_names=["setosa", "versicolor", "virginica"])
add("labels subset (micro avg, not accuracy)", y, p, labels=[0, 2])
yb = rng.randint(0, 2, 50); pb = np.where(rng.rand(50) < 0.8, yb, 1 - yb)
add("binary", yb, pb)
add("small counts with exact ties (1/8 and 3/8)", [0, 0, 0, 0, 0, 0, 0, 0, 1, 1], [0, 1, 1, 1, 1, 1, 0, 0, 1, 1])
add("exact binary tie 0.125 (round half to even: 0.12)", [1, 0, 0, 0, 0, 0, 0, 0], [1] * 8)
add("exact binary tie 0.625 (round half to even: 0.62)", [1, 1, 1, 1, 1, 0, 0, 0], [1] * 8)
add("a class never predicted (zero division 0)", [0, 1, 2, 2], [0, 1, 1, 1])
add("a class never predicted, zeroDivision 1", [0, 1, 2, 2], [0, 1, 1, 1], zero_division=1)
add("strings", ["cat", "dog", "dog", "bird", "cat", "bird", "dog"], ["cat", "dog", "cat", "bird", "cat", "dog", "dog"])
add("ten classes", rng.randint(0, 10, 300), rng.randint(0, 10, 300))
import sklearn
print(json.dumps({"sklearn": sklearn.__version__, "cases": cases}, indent=1))
