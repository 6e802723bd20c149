"""Compiles an MLflow scikit-learn model to ONNX with skl2onnx, and checks the result.

``compile <model dir> <out dir> [--sample <file>] [--rtol R] [--atol A]`` (through
``slipway_model_worker.py``) prints one JSON line:

``{"converted": bool, "matched": bool, "error"?: str, "rows"?: int, "worst"?: {...}, "rtol", "atol"}``

- The model is loaded with ``mlflow.sklearn.load_model`` and converted with the signature's
  columns as ONNX inputs, fed the way Slipway's ONNX runtime feeds them: all-numeric columns as
  one float32 ``[N, F]`` input in signature order (the usual skl2onnx export), else one ``[N, 1]``
  input per column, named after it. Classifiers are converted without ZipMap, so their
  probabilities are a plain tensor.
- The compiled graph is run with onnxruntime on the model's input example (else the rows of the
  ``--sample`` file, a pandas ``split``-orient JSON or an MLflow ``dataframe_split`` payload) and
  compared with the scikit-learn model's own ``predict`` (and ``predict_proba``): labels must be
  equal, numbers close (``|onnx - sklearn| <= atol + rtol * |sklearn|``).
- ``<out dir>`` receives an MLflow model with an ``onnx`` flavor and the source's signature and
  input example, whether or not the predictions matched (the report says which).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

# float32 carries ~7 significant digits; a tree ensemble or linear model evaluated in float32
# instead of float64 differs by a few ulps per operation, so up to ~1e-5 relative after summing
# hundreds of terms. 1e-4 leaves a margin for that and still catches a real conversion error
# (wrong feature order, dropped preprocessing), which moves predictions by percent.
DEFAULT_RTOL = 1e-4
# For values near zero (probabilities, centred targets), where a relative bound means nothing.
DEFAULT_ATOL = 1e-5

NUMERIC = {"double", "float", "long", "integer"}


def column_specs(signature) -> list[tuple[str, str]]:
    from mlflow.types.schema import ColSpec, TensorSpec

    if signature is None or signature.inputs is None:
        raise ValueError("the model has no signature, so the ONNX inputs cannot be typed")
    inputs = signature.inputs.inputs
    if all(isinstance(spec, ColSpec) and spec.name is not None for spec in inputs):
        return [(spec.name, str(spec.type.name if hasattr(spec.type, "name") else spec.type)) for spec in inputs]
    if len(inputs) == 1 and isinstance(inputs[0], TensorSpec) and len(inputs[0].shape) == 2:
        return [("__tensor__", str(inputs[0].type))]
    raise ValueError("only a signature of named columns or a single [-1, F] tensor can be compiled")


def initial_type_sets(columns: list[tuple[str, str]], features: int):
    """The input layouts to try, in order (see the module's doc)."""
    from skl2onnx.common.data_types import BooleanTensorType, DoubleTensorType, FloatTensorType, Int64TensorType, StringTensorType

    if columns[0][0] == "__tensor__":
        kind = DoubleTensorType if columns[0][1] == "float64" else FloatTensorType
        return [[("X", kind([None, features]))]]
    per_column = {
        "double": FloatTensorType,
        "float": FloatTensorType,
        "long": Int64TensorType,
        "integer": Int64TensorType,
        "boolean": BooleanTensorType,
        "string": StringTensorType,
    }
    layouts = []
    if all(kind in NUMERIC for _, kind in columns):
        layouts.append([("float_input", FloatTensorType([None, len(columns)]))])
    if all(kind in per_column for _, kind in columns):
        layouts.append([(name, per_column[kind]([None, 1])) for name, kind in columns])
    if not layouts:
        raise ValueError(f"column types {sorted({kind for _, kind in columns})} cannot be ONNX inputs")
    return layouts


def feeds_for(onnx_inputs, frame):
    """What Slipway's ONNX runtime feeds the graph for these rows."""
    import numpy as np

    numpy_types = {
        "tensor(float)": np.float32,
        "tensor(double)": np.float64,
        "tensor(int64)": np.int64,
        "tensor(int32)": np.int32,
        "tensor(bool)": np.bool_,
        "tensor(string)": object,
    }
    if len(onnx_inputs) == 1 and onnx_inputs[0].name not in frame.columns:
        only = onnx_inputs[0]
        return {only.name: frame.to_numpy().astype(numpy_types[only.type])}
    return {meta.name: frame[meta.name].to_numpy().astype(numpy_types[meta.type]).reshape(-1, 1) for meta in onnx_inputs}


def classifier_options(model):
    from sklearn.base import is_classifier

    final = model.steps[-1][1] if hasattr(model, "steps") else model
    return {id(final): {"zipmap": False}} if is_classifier(final) else None


def load_sample(model_dir: str, sample_path: str | None, columns: list[tuple[str, str]]):
    import numpy as np
    import pandas as pd
    from mlflow.models import Model

    example = Model.load(model_dir).load_input_example(model_dir)
    if example is None and sample_path is not None:
        with open(sample_path, encoding="utf-8") as handle:
            document = json.load(handle)
        split = document.get("dataframe_split", document)
        example = pd.DataFrame(split["data"], columns=split.get("columns"))
    if example is None:
        raise ValueError("the model has no input example (and no sample was given) to check the compiled model against")
    if columns[0][0] == "__tensor__":
        return pd.DataFrame(np.asarray(example).reshape(len(example), -1))
    frame = example if isinstance(example, pd.DataFrame) else pd.DataFrame(example)
    return frame[[name for name, _ in columns]]


def compare(expected, actual, name: str, rtol: float, atol: float, worst: dict | None) -> dict | None:
    """The worst difference so far, as a fraction of what the tolerance allows."""
    import numpy as np

    expected = np.asarray(expected)
    actual = np.asarray(actual).reshape(expected.shape)
    if expected.dtype.kind not in "fc" or actual.dtype.kind not in "fc":
        # Labels: must be equal.
        unequal = np.flatnonzero(expected.astype(str).ravel() != actual.astype(str).ravel())
        if unequal.size > 0:
            index = int(unequal[0])
            return {"output": name, "index": index, "expected": str(expected.ravel()[index]), "got": str(actual.ravel()[index]), "ratio": math.inf}
        return worst
    expected = expected.astype(np.float64).ravel()
    actual = actual.astype(np.float64).ravel()
    allowed = atol + rtol * np.abs(expected)
    difference = np.abs(actual - expected)
    difference[np.isnan(actual) & np.isnan(expected)] = 0
    ratio = np.where(np.isnan(difference), math.inf, difference / allowed)
    index = int(np.argmax(ratio))
    if worst is None or ratio[index] > worst["ratio"]:
        return {
            "output": name,
            "index": index,
            "expected": float(expected[index]),
            "got": float(actual[index]),
            "difference": float(difference[index]),
            "allowed": float(allowed[index]),
            "ratio": float(ratio[index]),
        }
    return worst


def verify(model, session, frame, tensor: bool, rtol: float, atol: float) -> dict | None:
    outputs = [meta.name for meta in session.get_outputs()]
    results = dict(zip(outputs, session.run(None, feeds_for(session.get_inputs(), frame))))
    if tensor:
        frame = frame.to_numpy()
    labels = next((name for name in outputs if "label" in name), None)
    worst = None
    if labels is not None:
        worst = compare(model.predict(frame), results[labels], labels, rtol, atol, worst)
        probabilities = next((name for name in outputs if "probabilit" in name), None)
        if probabilities is not None and hasattr(model, "predict_proba"):
            worst = compare(model.predict_proba(frame), results[probabilities], probabilities, rtol, atol, worst)
    else:
        worst = compare(model.predict(frame), results[outputs[0]], outputs[0], rtol, atol, worst)
    return worst


def compile_model(model_dir: str, out_dir: str, sample_path: str | None, rtol: float, atol: float) -> dict:
    import mlflow.onnx
    import mlflow.sklearn
    import onnxruntime
    from mlflow.models import Model
    from skl2onnx import convert_sklearn

    report: dict = {"converted": False, "matched": False, "rtol": rtol, "atol": atol}
    meta = Model.load(model_dir)
    if "sklearn" not in meta.flavors:
        report["error"] = f"the model has no sklearn flavor (its flavors: {', '.join(meta.flavors)})"
        return report
    try:
        columns = column_specs(meta.signature)
        frame = load_sample(model_dir, sample_path, columns)
        model = mlflow.sklearn.load_model(model_dir)
        options = classifier_options(model)
        errors = []
        onnx_model = None
        for initial_types in initial_type_sets(columns, frame.shape[1]):
            try:
                onnx_model = convert_sklearn(model, initial_types=initial_types, options=options)
                break
            except Exception as error:  # noqa: BLE001 - the next layout may convert
                errors.append(f"{type(error).__name__}: {error}".strip())
        if onnx_model is None:
            raise ValueError(errors[-1])
    except Exception as error:  # noqa: BLE001 - the report is the answer
        report["error"] = str(error).splitlines()[0] if str(error) else type(error).__name__
        return report
    report["converted"] = True
    session = onnxruntime.InferenceSession(onnx_model.SerializeToString(), providers=["CPUExecutionProvider"])
    try:
        worst = verify(model, session, frame, columns[0][0] == "__tensor__", rtol, atol)
    except Exception as error:  # noqa: BLE001
        report["error"] = f"the compiled model failed on the sample: {type(error).__name__}: {error}"
        return report
    report["rows"] = int(len(frame))
    report["worst"] = worst
    report["matched"] = worst is None or worst["ratio"] <= 1
    example = Model.load(model_dir).load_input_example(model_dir)
    mlflow.onnx.save_model(
        onnx_model,
        out_dir,
        signature=meta.signature,
        input_example=example,
        metadata={"slipway_compiled_from": "sklearn", "slipway_source_mlflow_version": meta.mlflow_version or ""},
    )
    return report


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="slipway_model_worker.py compile")
    parser.add_argument("model_dir")
    parser.add_argument("out_dir")
    parser.add_argument("--sample")
    parser.add_argument("--rtol", type=float, default=DEFAULT_RTOL)
    parser.add_argument("--atol", type=float, default=DEFAULT_ATOL)
    args = parser.parse_args(argv)
    # Libraries may print; only the report goes to stdout.
    stdout = sys.stdout
    sys.stdout = sys.stderr
    report = compile_model(args.model_dir, args.out_dir, args.sample, args.rtol, args.atol)
    if report.get("worst") is not None and math.isinf(report["worst"]["ratio"]):
        report["worst"]["ratio"] = None
    print(json.dumps(report, default=str), file=stdout, flush=True)
    return 0
