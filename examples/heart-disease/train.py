"""Trains a heart-disease classifier and logs it with MLflow.

Splits data/heart-disease.csv (303 patients, 13 features, binary `target`), fits a scikit-learn
pipeline (median imputation and scaling for the numeric columns, one-hot encoding for the
categorical ones, then logistic regression), and logs the params, the metrics `acc` (training
accuracy), `val_acc` (validation accuracy) and `roc_auc` (validation ROC AUC), and the model
(`mlflow.sklearn.log_model(name="model")`). It prints `acc: …`, `val_acc: …` and
`roc_auc: …` lines, which the pipeline's `metrics:` regexes read.

Under Slipway, MLFLOW_TRACKING_URI and MLFLOW_RUN_ID name the step's run and everything is
logged there. Standalone, it starts a run of its own in the experiment given by
MLFLOW_EXPERIMENT_NAME / MLFLOW_EXPERIMENT_ID, else --experiment:

    python train.py --data data/heart-disease.csv --C 0.5
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

# No usage telemetry: a pipeline step talks to the tracking server and nothing else.
os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")

import mlflow  # noqa: E402 - after the environment it reads
import mlflow.sklearn  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.compose import ColumnTransformer  # noqa: E402
from sklearn.impute import SimpleImputer  # noqa: E402
from sklearn.linear_model import LogisticRegression  # noqa: E402
from sklearn.metrics import accuracy_score, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline, make_pipeline  # noqa: E402
from sklearn.preprocessing import OneHotEncoder, StandardScaler  # noqa: E402

LABEL = "target"
NUMERIC = ["age", "trestbps", "chol", "fbs", "thalach", "exang", "oldpeak"]
CATEGORICAL = ["sex", "cp", "restecg", "ca", "slope", "thal"]


def build_model(C: float, seed: int) -> Pipeline:
    preprocess = ColumnTransformer(
        [
            ("numeric", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), NUMERIC),
            ("categorical", OneHotEncoder(handle_unknown="ignore"), CATEGORICAL),
        ]
    )
    return Pipeline([("preprocess", preprocess), ("classifier", LogisticRegression(C=C, max_iter=1000, random_state=seed))])


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
    parser.add_argument("--data", type=Path, default=Path("data/heart-disease.csv"), help="the CSV to train on")
    parser.add_argument("--C", type=float, default=1.0, help="inverse regularisation strength")
    parser.add_argument("--test-size", type=float, default=0.2, help="the validation set's share of the rows")
    parser.add_argument("--seed", type=int, default=42, help="the split's and the classifier's random state")
    parser.add_argument("--experiment", default="heart-disease", help="the experiment, when run standalone")
    args = parser.parse_args()

    df = pd.read_csv(args.data, encoding="utf-8-sig")  # the seed's copy of this file starts with a BOM
    # Floats throughout, so the logged signature has no integer columns (which cannot hold NaN).
    features = df[NUMERIC + CATEGORICAL].astype("float64")
    X_train, X_val, y_train, y_val = train_test_split(
        features, df[LABEL], test_size=args.test_size, random_state=args.seed, stratify=df[LABEL]
    )

    model = build_model(args.C, args.seed)
    started = time.perf_counter()
    model.fit(X_train, y_train)
    elapsed = time.perf_counter() - started

    metrics = {
        "acc": float(accuracy_score(y_train, model.predict(X_train))),
        "val_acc": float(accuracy_score(y_val, model.predict(X_val))),
        "roc_auc": float(roc_auc_score(y_val, model.predict_proba(X_val)[:, 1])),
    }

    with start_run(args.experiment) as run:
        mlflow.log_params({"C": args.C, "test_size": args.test_size, "random_state": args.seed, "classifier": "LogisticRegression"})
        # Logged before the model, so that the logged model carries them too.
        mlflow.log_metrics({**metrics, "elapsed": elapsed})
        # The dataset's schema keeps the 0/1 label an integer; it is never missing, so MLflow's
        # hint about integer columns and missing values does not apply.
        warnings.filterwarnings("ignore", message="Hint: Inferred schema contains integer column", category=UserWarning)
        dataset = mlflow.data.from_pandas(features.assign(**{LABEL: df[LABEL]}), targets=LABEL, name=args.data.stem)
        mlflow.log_input(dataset, context="training")
        info = mlflow.sklearn.log_model(
            model,
            name="model",
            input_example=X_val.head(5),
            # OneHotEncoder keeps its output dtype, which skops loads only when told it is trusted.
            skops_trusted_types=["numpy.dtype"],
            # Named rather than inferred (which reloads the model in a subprocess: ~6 s).
            pip_requirements=mlflow.sklearn.get_default_pip_requirements(include_skops=True),
        )
        print(f"run {run.info.run_id}, model {info.model_id}, {len(X_train)} training and {len(X_val)} validation rows", flush=True)

    for name, value in metrics.items():
        print(f"{name}: {value:.4f}", flush=True)


if __name__ == "__main__":
    main()
