"""Slipway's Python model worker: runs one MLflow model with ``mlflow.pyfunc`` for the Node server.

Commands (the first argument):

``serve <model dir>``
    Loads the model with ``mlflow.pyfunc.load_model`` and answers predict requests on stdin/stdout.
    Every message is a frame: a 4-byte big-endian length, then that many bytes of UTF-8 JSON.
    The first frame the worker writes is ``{"ready": true, ...}`` (or ``{"ok": false, "error": ...}``
    when the model cannot be loaded, after which it exits 1). Then, per request
    ``{"id", "rows", "features": [{"name", "type", "shape", "values"}]}`` it answers
    ``{"id", "ok": true, "outputs": [{"name", "datatype", "shape", "data"}], "primary"}`` or
    ``{"id", "ok": false, "error", "kind": "input" | "model"}``. It exits when stdin closes.
``check``
    Prints one JSON line: the interpreter, the version of mlflow (imported) and those of
    scikit-learn, skl2onnx and onnxruntime (looked up; ``null`` for a missing one, with the error).
``compile <model dir> <out dir> [--sample <file>] [--rtol R] [--atol A]``
    Converts a scikit-learn model to ONNX and checks it (see ``slipway_compile_onnx``); prints
    one JSON line with the report.

Whatever the model or its libraries print goes to stderr: the protocol owns stdout.
"""

from __future__ import annotations

import json
import math
import os
import struct
import sys
import traceback

HEADER = struct.Struct(">I")

# MLflow column types (as the Node side names them) to pandas/numpy dtypes.
COLUMN_DTYPES = {
    "double": "float64",
    "float": "float32",
    "long": "int64",
    "integer": "int32",
    "boolean": "bool",
    "string": "object",
}


def take_stdout():
    """Keeps the real stdout for the protocol and points fd 1 (print, C libraries) at stderr."""
    protocol = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return protocol


def read_exact(stream, size: int) -> bytes | None:
    chunks = []
    while size > 0:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def read_frame(stream) -> dict | None:
    header = read_exact(stream, HEADER.size)
    if header is None:
        return None
    (length,) = HEADER.unpack(header)
    body = read_exact(stream, length)
    if body is None:
        return None
    return json.loads(body)


def write_frame(stream, message: dict) -> None:
    body = json.dumps(message, allow_nan=False, default=str).encode("utf-8")
    stream.write(HEADER.pack(len(body)) + body)


def to_model_input(request: dict):
    """A DataFrame for columns (typed by the signature's column types), else arrays."""
    import numpy as np
    import pandas as pd

    features = request["features"]
    if all(len(feature["shape"]) == 1 for feature in features) and not request.get("tensors", False):
        columns = {}
        for feature in features:
            dtype = COLUMN_DTYPES.get(feature["type"], "object")
            values = feature["values"]
            if dtype.startswith("float"):
                values = [math.nan if value is None else value for value in values]
            columns[feature["name"]] = pd.Series(values, dtype=dtype)
        return pd.DataFrame(columns)
    arrays = {}
    for feature in features:
        dtype = COLUMN_DTYPES.get(feature["type"], "object")
        values = feature["values"]
        if dtype.startswith("float"):
            values = [math.nan if value is None else value for value in values]
        arrays[feature["name"]] = np.asarray(values, dtype=dtype).reshape(feature["shape"])
    if len(arrays) == 1:
        return next(iter(arrays.values()))
    return arrays


DATATYPES = {"f": "FP64", "i": "INT64", "u": "UINT64", "b": "BOOL"}


def to_output(name: str, value) -> dict:
    import numpy as np

    array = np.asarray(value)
    if array.ndim == 0:
        array = array.reshape(1)
    kind = array.dtype.kind
    if kind == "f":
        datatype = "FP32" if array.dtype == np.float32 else "FP64"
        data = array.astype(np.float64).ravel().tolist()
        if not np.isfinite(array).all():
            # JSON has no NaN/Infinity; null is what pandas and the ONNX path send too.
            data = [value if math.isfinite(value) else None for value in data]
    elif kind in ("i", "u", "b"):
        datatype = DATATYPES[kind] if array.dtype.itemsize == 8 or kind == "b" else ("INT32" if kind == "i" else "UINT32")
        data = array.ravel().tolist()
    else:
        datatype = "BYTES"
        data = [None if item is None else str(item) for item in array.ravel().tolist()]
    return {"name": name, "datatype": datatype, "shape": list(array.shape), "data": data}


def to_outputs(prediction) -> tuple[list[dict], str]:
    """The model's answer as named row-major outputs, and the one MLflow's /invocations reports."""
    import pandas as pd

    if isinstance(prediction, pd.DataFrame):
        outputs = [to_output(str(column), prediction[column].to_numpy()) for column in prediction.columns]
        return outputs, outputs[0]["name"] if outputs else "predictions"
    if isinstance(prediction, pd.Series):
        return [to_output("predictions", prediction.to_numpy())], "predictions"
    if isinstance(prediction, dict):
        outputs = [to_output(str(key), value) for key, value in prediction.items()]
        return outputs, outputs[0]["name"] if outputs else "predictions"
    return [to_output("predictions", prediction)], "predictions"


def serve(model_dir: str) -> int:
    protocol = take_stdout()
    stdin = sys.stdin.buffer
    try:
        import mlflow.pyfunc

        model = mlflow.pyfunc.load_model(model_dir)
    except BaseException as error:  # noqa: BLE001 - reported to the server, then exit
        traceback.print_exc()
        write_frame(protocol, {"ok": False, "error": f"{type(error).__name__}: {error}"})
        return 1
    from mlflow.exceptions import MlflowException

    write_frame(protocol, {"ok": True, "ready": True, "pid": os.getpid()})
    while True:
        request = read_frame(stdin)
        if request is None:
            return 0
        reply: dict
        try:
            prediction = model.predict(to_model_input(request))
            outputs, primary = to_outputs(prediction)
            reply = {"id": request["id"], "ok": True, "outputs": outputs, "primary": primary}
        except MlflowException as error:
            reply = {"id": request["id"], "ok": False, "kind": "input", "error": error.message}
        except Exception as error:  # noqa: BLE001 - a model's failure is the request's answer
            traceback.print_exc()
            reply = {"id": request["id"], "ok": False, "kind": "model", "error": f"{type(error).__name__}: {error}"}
        write_frame(protocol, reply)


def check() -> int:
    """mlflow is imported (the workers need it to work); the compiler's libraries are only looked up."""
    import importlib.metadata
    import importlib.util

    report = {"executable": sys.executable, "python": sys.version.split()[0]}
    try:
        import mlflow

        report["mlflow"] = mlflow.__version__
    except Exception as error:  # noqa: BLE001 - reported, not raised
        report["mlflow"] = None
        report["mlflow_error"] = f"{type(error).__name__}: {error}"
    for module, distribution in (("sklearn", "scikit-learn"), ("skl2onnx", "skl2onnx"), ("onnxruntime", "onnxruntime")):
        try:
            if importlib.util.find_spec(module) is None:
                raise ModuleNotFoundError(f"No module named '{module}'")
            report[module] = importlib.metadata.version(distribution)
        except Exception as error:  # noqa: BLE001 - reported, not raised
            report[module] = None
            report[f"{module}_error"] = f"{type(error).__name__}: {error}"
    print(json.dumps(report))
    return 0


def main(argv: list[str]) -> int:
    if len(argv) >= 2 and argv[0] == "serve":
        return serve(argv[1])
    if argv[:1] == ["check"]:
        return check()
    if argv[:1] == ["compile"]:
        from slipway_compile_onnx import main as compile_main

        return compile_main(argv[1:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
