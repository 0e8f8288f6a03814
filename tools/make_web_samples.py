# The playground's sample tables (examples/web/samples/): scikit-learn 1.2.1's bundled iris
# (classification, species as text) and diabetes (regression), written as plain CSV with a header.
import os
import pandas as pd
from sklearn.datasets import load_iris, load_diabetes

out = os.path.join(os.path.dirname(__file__), "..", "examples", "web", "samples")
os.makedirs(out, exist_ok=True)
iris = load_iris(as_frame=True)
df = iris.data.rename(columns=lambda c: c.replace(" (cm)", "").replace(" ", "_"))
df["species"] = [iris.target_names[t] for t in iris.target]
df.to_csv(os.path.join(out, "iris.csv"), index=False)
dia = load_diabetes(as_frame=True, scaled=False)
d = dia.data.copy()
d["progression"] = dia.target
d.to_csv(os.path.join(out, "diabetes.csv"), index=False)
