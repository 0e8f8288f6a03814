"""One pandas/NumPy value as the frame fixtures write it (shared by tools/gen_series_fixtures.py,
gen_strdt_fixtures.py and gen_frame_verbs_fixtures.py): missing → None, ±inf → "inf"/"-inf",
NumPy scalars → Python numbers, Timestamps → ISO text to the millisecond, Timedeltas →
{"ms": …}, Intervals → pandas' text, lists element by element."""
import math

import numpy as np
import pandas as pd


def cell(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, pd.Timestamp):
        return v.strftime("%Y-%m-%dT%H:%M:%S.") + f"{v.microsecond // 1000:03d}"
    if isinstance(v, pd.Timedelta):
        return {"ms": v.value / 1e6}
    if isinstance(v, pd.Interval):
        return str(v)
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, np.integer):
        return int(v)
    if isinstance(v, (float, np.floating)):
        if math.isnan(v):
            return None
        if math.isinf(v):
            return "inf" if v > 0 else "-inf"
        return float(v)
    if isinstance(v, (list, tuple)):
        return [cell(x) for x in v]
    return v
