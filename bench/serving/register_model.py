"""Register the serving benchmark's ONNX model on a tracking server (Slipway's), through MLflow's client.

Loads ``<onnx dir>/model.onnx`` and logs it again with ``mlflow.onnx.log_model`` (the saved
signature and input example), registered as ``--name``. Prints ``{"name", "version"}`` as one
JSON line.

    MLFLOW_TRACKING_URI=http://127.0.0.1:5000 .venv/bin/python bench/serving/register_model.py \
        --onnx-dir /tmp/cache/rf-100-d10/onnx --name bench-rf
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import mlflow
import mlflow.onnx
import onnx
from mlflow.models import Model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--onnx-dir", required=True, type=Path)
    parser.add_argument("--name", required=True)
    args = parser.parse_args()

    saved = Model.load(str(args.onnx_dir / "MLmodel"))
    example = saved.load_input_example(str(args.onnx_dir))
    mlflow.set_experiment("serving-bench")
    with mlflow.start_run(run_name="serving-bench"):
        info = mlflow.onnx.log_model(
            onnx.load(str(args.onnx_dir / "model.onnx")),
            name="model",
            signature=saved.signature,
            input_example=example,
            registered_model_name=args.name,
        )
    print(json.dumps({"name": args.name, "version": str(info.registered_model_version)}))


if __name__ == "__main__":
    main()
