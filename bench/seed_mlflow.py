"""Seed an MLflow tracking database with the runs-search data set of bench/tracking-bench.ts.

Seeding 100k runs through `mlflow server`'s REST API takes a long time (two requests
per run through a Python WSGI stack), so the benchmark seeds MLflow's database directly
through MLflow's own store: `SqlAlchemyStore` opens (and if needed migrates) the database,
resolves the experiment, and its ORM tables (`SqlRun`, `SqlTag`, `SqlParam`, `SqlMetric`,
`SqlLatestMetric`) receive bulk INSERTs inside the store's managed session. The rows are
exactly what `create_run` + `log_batch` would write (the run's `mlflow.runName` tag, the
artifact URI under the experiment's location, metrics in both `metrics` and
`latest_metrics`).

Usage:
    .venv/bin/python bench/seed_mlflow.py --db-uri sqlite:////abs/mlflow.db \
        --experiment-id 1 --input /tmp/seed.json

The input is JSON: {"runs": [{"run_id", "name", "user", "start_time",
"tags": [[k, v]...], "params": [[k, v]...], "metrics": [[k, value, timestamp, step]...]}]}.
Prints one JSON line: {"runs": N, "seconds": S}.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import sqlalchemy as sa
from mlflow.entities import LifecycleStage, RunStatus, SourceType
from mlflow.store.tracking.dbmodels.models import (
    SqlLatestMetric,
    SqlMetric,
    SqlParam,
    SqlRun,
    SqlTag,
)
from mlflow.store.tracking.sqlalchemy_store import SqlAlchemyStore
from mlflow.utils.uri import append_to_uri_path

CHUNK = 5000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db-uri", required=True)
    parser.add_argument("--experiment-id", required=True)
    parser.add_argument("--input", required=True)
    args = parser.parse_args()

    with open(args.input, encoding="utf-8") as f:
        runs = json.load(f)["runs"]

    started = time.monotonic()
    store = SqlAlchemyStore(args.db_uri, "mlflow-artifacts:/")
    experiment = store.get_experiment(args.experiment_id)
    experiment_id = int(experiment.experiment_id)
    running = RunStatus.to_string(RunStatus.RUNNING)
    source_type = SourceType.to_string(SourceType.UNKNOWN)

    for i in range(0, len(runs), CHUNK):
        chunk = runs[i : i + CHUNK]
        run_rows, tag_rows, param_rows, metric_rows, latest_rows = [], [], [], [], []
        for r in chunk:
            run_id = r["run_id"]
            run_rows.append(
                {
                    "run_uuid": run_id,
                    "name": r["name"],
                    "source_type": source_type,
                    "source_name": "",
                    "entry_point_name": "",
                    "user_id": r["user"],
                    "status": running,
                    "start_time": r["start_time"],
                    "end_time": None,
                    "deleted_time": None,
                    "source_version": "",
                    "lifecycle_stage": LifecycleStage.ACTIVE,
                    "artifact_uri": append_to_uri_path(
                        experiment.artifact_location, run_id, SqlAlchemyStore.ARTIFACTS_FOLDER_NAME
                    ),
                    "experiment_id": experiment_id,
                }
            )
            tag_rows.extend({"run_uuid": run_id, "key": k, "value": v} for k, v in r["tags"])
            param_rows.extend({"run_uuid": run_id, "key": k, "value": v} for k, v in r["params"])
            for k, value, timestamp, step in r["metrics"]:
                row = {
                    "run_uuid": run_id,
                    "key": k,
                    "value": value,
                    "timestamp": timestamp,
                    "step": step,
                    "is_nan": False,
                }
                metric_rows.append(row)
                latest_rows.append(dict(row))
        # One managed session (one transaction) per chunk, as the store's own writes do.
        with store.ManagedSessionMaker() as session:
            session.execute(sa.insert(SqlRun), run_rows)
            session.execute(sa.insert(SqlTag), tag_rows)
            session.execute(sa.insert(SqlParam), param_rows)
            session.execute(sa.insert(SqlMetric), metric_rows)
            session.execute(sa.insert(SqlLatestMetric), latest_rows)

    store.engine.dispose()
    print(json.dumps({"runs": len(runs), "seconds": round(time.monotonic() - started, 3)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
