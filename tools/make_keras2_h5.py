# Builds test/fixtures/keras2-mlp.h5 (+ keras2-mlp.json) in the layout Keras 2's model.save("x.h5")
# writes (tf.keras 2.x, keras/saving/legacy/hdf5_format.py: save_model_to_hdf5 and
# save_weights_to_hdf5_group), with h5py directly: Keras cannot be installed here, so the file is
# built by that layout, not by Keras. Root attrs keras_version, backend, model_config (JSON bytes);
# group model_weights with attrs layer_names, backend, keras_version; per layer (sorted by name) a
# group with attr weight_names ("dense/kernel:0", ...; Keras 2's variable names) and the datasets
# at model_weights/<layer>/<weight name> (so model_weights/dense/dense/kernel:0). The JSON holds an
# input and the model's output computed here with NumPy (Dense relu -> BatchNormalization in
# inference -> Dense softmax).
# Run: /usr/bin/python3 tools/make_keras2_h5.py
import json
import os

import h5py
import numpy as np

rng = np.random.default_rng(13)
here = os.path.dirname(os.path.abspath(__file__))
out_h5 = os.path.join(here, "..", "test", "fixtures", "keras2-mlp.h5")
out_json = os.path.join(here, "..", "test", "fixtures", "keras2-mlp.json")

init = lambda name: {"class_name": name, "config": {"seed": None}}
model_config = {
    "class_name": "Sequential",
    "config": {
        "name": "sequential",
        "layers": [
            {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "ragged": False, "name": "dense_input"}},
            {"class_name": "Dense", "config": {"name": "dense", "trainable": True, "dtype": "float32", "batch_input_shape": [None, 4], "units": 6, "activation": "relu", "use_bias": True,
                                               "kernel_initializer": init("GlorotUniform"), "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
                                               "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}},
            {"class_name": "BatchNormalization", "config": {"name": "batch_normalization", "trainable": True, "dtype": "float32", "axis": [1], "momentum": 0.99, "epsilon": 0.001,
                                                            "center": True, "scale": True, "beta_initializer": {"class_name": "Zeros", "config": {}},
                                                            "gamma_initializer": {"class_name": "Ones", "config": {}}, "moving_mean_initializer": {"class_name": "Zeros", "config": {}},
                                                            "moving_variance_initializer": {"class_name": "Ones", "config": {}}, "beta_regularizer": None, "gamma_regularizer": None,
                                                            "beta_constraint": None, "gamma_constraint": None}},
            {"class_name": "Dense", "config": {"name": "dense_1", "trainable": True, "dtype": "float32", "units": 3, "activation": "softmax", "use_bias": True,
                                               "kernel_initializer": init("GlorotUniform"), "bias_initializer": {"class_name": "Zeros", "config": {}}, "kernel_regularizer": None,
                                               "bias_regularizer": None, "activity_regularizer": None, "kernel_constraint": None, "bias_constraint": None}},
        ],
    },
}

f32 = lambda *shape: rng.standard_normal(shape).astype(np.float32)
weights = {
    "dense": [("dense/kernel:0", f32(4, 6)), ("dense/bias:0", f32(6))],
    # Keras 2's layer.weights order: trainable (gamma, beta), then non-trainable (moving_mean, moving_variance).
    "batch_normalization": [("batch_normalization/gamma:0", f32(6)), ("batch_normalization/beta:0", f32(6)),
                            ("batch_normalization/moving_mean:0", f32(6)), ("batch_normalization/moving_variance:0", (np.abs(f32(6)) + 0.5).astype(np.float32))],
    "dense_1": [("dense_1/kernel:0", f32(6, 3)), ("dense_1/bias:0", f32(3))],
}
layer_names = ["dense", "batch_normalization", "dense_1"]

with h5py.File(out_h5, "w") as f:
    f.attrs["backend"] = "tensorflow".encode("utf8")
    f.attrs["keras_version"] = "2.12.0".encode("utf8")
    f.attrs["model_config"] = json.dumps(model_config).encode("utf8")
    g = f.create_group("model_weights")
    g.attrs["layer_names"] = [n.encode("utf8") for n in layer_names]
    g.attrs["backend"] = "tensorflow".encode("utf8")
    g.attrs["keras_version"] = "2.12.0".encode("utf8")
    for name in sorted(layer_names):
        lg = g.create_group(name)
        lg.attrs["weight_names"] = [w.encode("utf8") for w, _ in weights[name]]
        for w, v in weights[name]:
            d = lg.create_dataset(w, v.shape, dtype=v.dtype)
            d[:] = v

x = f32(5, 4)
(k0, b0), (g, b, m, v), (k1, b1) = [[a for _, a in weights[n]] for n in layer_names]
h = np.maximum(x @ k0 + b0, 0)
h = (h - m) / np.sqrt(v + 0.001) * g + b
z = h @ k1 + b1
y = np.exp(z - z.max(1, keepdims=True))
y /= y.sum(1, keepdims=True)
with open(out_json, "w") as fj:
    json.dump({"x": x.tolist(), "y": y.astype(np.float64).tolist()}, fj)
print("wrote", out_h5, out_json)
