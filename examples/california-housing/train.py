"""Trains a random forest on the prepared California housing data and logs it with MLflow.

Logs the hyperparameters, the test set's RMSE, MAE and R² (`rmse`, `mae`, `r2`) and the model
(`mlflow.sklearn.log_model(name="model")`, with an input example) into one MLflow run, and
prints `rmse: …`, `mae: …` and `r2: …` lines, which the pipeline's `metrics:` regexes read.

Under Slipway, MLFLOW_TRACKING_URI and MLFLOW_RUN_ID name the step's run and everything is
logged there. Standalone, it starts a run of its own in the experiment given by
MLFLOW_EXPERIMENT_NAME / MLFLOW_EXPERIMENT_ID, else --experiment:

    python train.py --train prepared/train.csv --test prepared/test.csv --n-estimators 50
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

# No usage telemetry: a pipeline step talks to the tracking server and nothing else.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow  # noqa: E402 - after the environment it reads
import mlflow.sklearn  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.ensemble import RandomForestRegressor  # noqa: E402
from sklearn.metrics import mean_absolute_error, r2_score, root_mean_squared_error  # noqa: E402

TARGET = "median_house_value"


def load(path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """Features (as floats, so the logged signature has no integer columns) and target."""
    df = pd.read_csv(path)
    return df.drop(columns=[TARGET]).astype("float64"), df[TARGET]


def start_run(experiment: str) -> mlflow.ActiveRun:
    """The step's run under Slipway (MLFLOW_RUN_ID); otherwise a new run."""
    run_id = os.environ.get("MLFLOW_RUN_ID")
    if run_id:
        return mlflow.start_run(run_id=run_id)
    if not (os.environ.get("MLFLOW_EXPERIMENT_ID") or os.environ.get("MLFLOW_EXPERIMENT_NAME")):
        mlflow.set_experiment(experiment)
    return mlflow.start_run()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", type=Path, default=Path("prepared/train.csv"), help="the training CSV")
    parser.add_argument("--test", type=Path, default=Path("prepared/test.csv"), help="the test CSV")
    parser.add_argument("--n-estimators", type=int, default=100, help="trees in the forest")
    parser.add_argument("--max-depth", type=int, default=12, help="the deepest a tree may grow")
    parser.add_argument(
        "--min-samples-leaf",
        type=int,
        default=None,
        help="the fewest samples a leaf may hold (default: scikit-learn's, 1; logged only when given)",
    )
    parser.add_argument("--n-jobs", type=int, default=2, help="trees fitted in parallel")
    parser.add_argument("--seed", type=int, default=42, help="the forest's random state")
    parser.add_argument("--experiment", default="california-housing", help="the experiment, when run standalone")
    args = parser.parse_args()

    X_train, y_train = load(args.train)
    X_test, y_test = load(args.test)

    params = {"n_estimators": args.n_estimators, "max_depth": args.max_depth, "random_state": args.seed}
    if args.min_samples_leaf is not None:
        params["min_samples_leaf"] = args.min_samples_leaf
    model = RandomForestRegressor(**params, n_jobs=args.n_jobs)
    started = time.perf_counter()
    model.fit(X_train, y_train)
    training_seconds = time.perf_counter() - started

    predicted = model.predict(X_test)
    metrics = {
        "rmse": float(root_mean_squared_error(y_test, predicted)),
        "mae": float(mean_absolute_error(y_test, predicted)),
        "r2": float(r2_score(y_test, predicted)),
    }

    with start_run(args.experiment) as run:
        mlflow.log_params({**params, "train_rows": len(X_train), "test_rows": len(X_test)})
        # Logged before the model, so that the logged model carries them too.
        mlflow.log_metrics({**metrics, "training_seconds": training_seconds})
        for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
            dataset = mlflow.data.from_pandas(X.assign(**{TARGET: y}), targets=TARGET, name=name)
            mlflow.log_input(dataset, context="training" if name == "train" else "testing")
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            input_example=X_test.head(5),
            # Trees hold a type that skops loads only when told it is trusted.
            skops_trusted_types=["sklearn.tree._tree.Tree"],
            # Named rather than inferred (which reloads the model in a subprocess: ~6 s).
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )
        print(f"run {run.info.run_id}, model {info.model_id}, trained in {training_seconds:.1f}s", flush=True)

    for name, value in metrics.items():
        print(f"{name}: {value:.4f}", flush=True)


if __name__ == "__main__":
    main()
