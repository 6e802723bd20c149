"""The model registry with the real client: registering, stages, aliases, tags, loading
`models:/` URIs through the server, errors, and Slipway's approvals, audit trail and lineage."""

from __future__ import annotations

import json
import os
import posixpath
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import mlflow
import mlflow.data
import mlflow.pyfunc
import mlflow.sklearn
import numpy as np
import pandas as pd
import pytest
import requests
from mlflow.exceptions import RestException
from sklearn.linear_model import LogisticRegression

from conftest import DATA_DIR, ClientDiagnostics, SlipwayServer, unique_name

FAST_S = 5.0
# No requirement inference (it loads the model in a subprocess): a few seconds per model saved.
PIP_REQUIREMENTS = ["scikit-learn"]


@dataclass(frozen=True)
class Trained:
    X: pd.DataFrame
    y: pd.Series
    # Two models whose predictions differ on X, so loading the wrong version cannot pass.
    a: LogisticRegression
    b: LogisticRegression


@pytest.fixture(scope="module")
def trained() -> Trained:
    df = pd.read_csv(DATA_DIR / "heart-disease.csv")
    X, y = df.drop(columns=["target"]).astype("float64"), df["target"]
    a = LogisticRegression(C=1.0, max_iter=2000, random_state=0).fit(X, y)
    b = LogisticRegression(C=1e-4, max_iter=2000, random_state=0).fit(X, y)
    assert (a.predict(X) != b.predict(X)).any()
    return Trained(X=X, y=y, a=a, b=b)


def _log(model: LogisticRegression, X: pd.DataFrame, y: pd.Series, registered_model_name: str | None = None):
    """A run with params, a metric and the training data as input; the model logged under it."""
    with mlflow.start_run() as run:
        mlflow.log_params({"C": model.C, "max_iter": model.max_iter})
        mlflow.log_metric("accuracy", float((model.predict(X) == y).mean()))
        dataset = mlflow.data.from_pandas(
            pd.concat([X, y], axis=1), source=str(DATA_DIR / "heart-disease.csv"), name="heart", targets="target"
        )
        mlflow.log_input(dataset, context="training")
        info = mlflow.sklearn.log_model(
            model, name="model", registered_model_name=registered_model_name, pip_requirements=PIP_REQUIREMENTS
        )
    return run, info, dataset


def _expect_error(
    diag: ClientDiagnostics, call: Callable[[], object], error_code: str, status: int, message_part: str | None = None
) -> RestException:
    """The call fails quickly with the server's error (not a client-side check, not a retried 5xx)."""
    before = len(diag.calls)
    started = time.monotonic()
    with pytest.raises(RestException) as info:
        call()
    elapsed = time.monotonic() - started
    assert elapsed < FAST_S, f"took {elapsed:.1f}s: the client retried (a 5xx?)"
    assert info.value.error_code == error_code, str(info.value)
    if message_part is not None:
        assert message_part in str(info.value), str(info.value)
    responses = diag.calls[before:]
    assert responses, "the error must come from the server, not from client-side validation"
    assert responses[-1]["status"] == status, responses[-1]
    assert responses[-1]["error_code"] == error_code, responses[-1]
    return info.value


def _version_numbers(versions) -> list[str]:
    return [mv.version for mv in versions]


def _wire_version(server: SlipwayServer, name: str, version: str) -> dict:
    """The version as the server sends it: the client's ModelVersion drops `model_id`."""
    resp = requests.get(
        f"{server.url}/api/2.0/mlflow/model-versions/get", params={"name": name, "version": version}, timeout=10
    )
    assert resp.status_code == 200, resp.text
    return resp.json()["model_version"]


def test_log_model_registers_versions_and_loads_them(
    client: mlflow.MlflowClient, server: SlipwayServer, experiment_id: str, trained: Trained
) -> None:
    X, y = trained.X, trained.y
    name = unique_name("reg-log")
    run_a, info_a, _ = _log(trained.a, X, y, registered_model_name=name)
    run_b, info_b, _ = _log(trained.b, X, y, registered_model_name=name)
    assert (str(info_a.registered_model_version), str(info_b.registered_model_version)) == ("1", "2")

    for version, run, info in [("1", run_a, info_a), ("2", run_b, info_b)]:
        mv = client.get_model_version(name, version)
        assert mv.name == name
        assert mv.version == version
        assert mv.status == "READY"
        assert mv.current_stage == "None"
        assert mv.source == f"models:/{info.model_id}"
        assert mv.run_id == run.info.run_id
        assert mv.creation_timestamp > 0
        assert _wire_version(server, name, version)["model_id"] == info.model_id

    model = client.get_registered_model(name)
    assert model.name == name
    assert _version_numbers(model.latest_versions) == ["2"]  # the newest version of stage None

    # Each version loads the model it was registered from.
    expected_a, expected_b = trained.a.predict(X), trained.b.predict(X)
    np.testing.assert_array_equal(mlflow.pyfunc.load_model(f"models:/{name}/1").predict(X), expected_a)
    np.testing.assert_array_equal(mlflow.pyfunc.load_model(f"models:/{name}/2").predict(X), expected_b)

    client.set_registered_model_alias(name, "champion", "1")
    np.testing.assert_array_equal(mlflow.pyfunc.load_model(f"models:/{name}@champion").predict(X), expected_a)

    client.transition_model_version_stage(name, "2", "Production")
    np.testing.assert_array_equal(mlflow.pyfunc.load_model(f"models:/{name}/Production").predict(X), expected_b)
    native = mlflow.sklearn.load_model(f"models:/{name}/Production")
    np.testing.assert_array_equal(native.predict_proba(X), trained.b.predict_proba(X))
    native_champion = mlflow.sklearn.load_model(f"models:/{name}@champion")
    np.testing.assert_array_equal(native_champion.predict_proba(X), trained.a.predict_proba(X))

    # The download URI is the logged model's artifact location, which holds the model's files.
    logged_b = client.get_logged_model(info_b.model_id)
    uri = client.get_model_version_download_uri(name, "2")
    assert uri == logged_b.artifact_location == f"mlflow-artifacts:/{experiment_id}/models/{info_b.model_id}/artifacts"
    files = {posixpath.basename(a.path) for a in mlflow.artifacts.list_artifacts(artifact_uri=uri)}
    assert {"MLmodel", "model.skops"} <= files, files


def test_create_versions_from_runs_and_logged_model_sources(
    client: mlflow.MlflowClient, server: SlipwayServer, experiment_id: str, trained: Trained
) -> None:
    X, y = trained.X, trained.y
    name = unique_name("reg-src")
    created = client.create_registered_model(name, tags={"team": "cardio", "tier": "gold"}, description="Heart disease")
    assert created.name == name
    assert created.tags == {"team": "cardio", "tier": "gold"}
    assert created.description == "Heart disease"
    assert created.latest_versions == []
    got = client.get_registered_model(name)
    assert (got.name, got.tags, got.description) == (name, {"team": "cardio", "tier": "gold"}, "Heart disease")
    assert got.creation_timestamp == created.creation_timestamp > 0

    # A model saved as plain run artifacts, registered from runs:/<run_id>/<path>.
    with mlflow.start_run() as run:
        with tempfile.TemporaryDirectory() as tmp:
            mlflow.sklearn.save_model(trained.a, Path(tmp) / "m", pip_requirements=PIP_REQUIREMENTS)
            mlflow.log_artifacts(str(Path(tmp) / "m"), "sk_model")
    run_id = run.info.run_id
    source = f"runs:/{run_id}/sk_model"
    v1 = client.create_model_version(name, source, run_id=run_id, tags={"origin": "run"}, description="from a run")
    assert (v1.version, v1.status, v1.source, v1.run_id) == ("1", "READY", source, run_id)
    assert v1.tags == {"origin": "run"}
    assert v1.description == "from a run"
    download = client.get_model_version_download_uri(name, "1")
    assert download == f"mlflow-artifacts:/{experiment_id}/{run_id}/artifacts/sk_model"
    np.testing.assert_array_equal(mlflow.pyfunc.load_model(f"models:/{name}/1").predict(X), trained.a.predict(X))

    # A logged model, registered from models:/<model_id>; the server fills in its run.
    run_b, info_b, _ = _log(trained.b, X, y)
    v2 = client.create_model_version(name, f"models:/{info_b.model_id}", model_id=info_b.model_id)
    assert (v2.version, v2.status, v2.source) == ("2", "READY", f"models:/{info_b.model_id}")
    assert v2.run_id == run_b.info.run_id
    assert _wire_version(server, name, "2")["model_id"] == info_b.model_id
    assert "model_id" not in _wire_version(server, name, "1")
    np.testing.assert_array_equal(mlflow.pyfunc.load_model(f"models:/{name}/2").predict(X), trained.b.predict(X))

    # search_model_versions: by name, by run_id, ordered.
    assert sorted(_version_numbers(client.search_model_versions(f"name='{name}'"))) == ["1", "2"]
    assert _version_numbers(client.search_model_versions(f"name='{name}'", order_by=["version_number DESC"])) == ["2", "1"]
    assert _version_numbers(client.search_model_versions(f"name='{name}'", order_by=["version_number ASC"])) == ["1", "2"]
    assert _version_numbers(client.search_model_versions(f"name = '{name}' AND run_id = '{run_id}'")) == ["1"]
    assert _version_numbers(client.search_model_versions(f"name = '{name}' AND version_number > 1")) == ["2"]
    assert _version_numbers(client.search_model_versions(f"name = '{name}' AND tags.origin = 'run'")) == ["1"]
    assert client.search_model_versions(f"name='{name}-nope'") == []


def test_search_registered_models(client: mlflow.MlflowClient) -> None:
    prefix = unique_name("reg-search")
    names = [f"{prefix}-{s}" for s in ("a", "b", "c")]
    for n in names:
        client.create_registered_model(n, tags={"suffix": n[-1]})
    other = unique_name("reg-other")
    client.create_registered_model(other)

    def found(filter_string: str | None = None, **kwargs) -> list[str]:
        return [m.name for m in client.search_registered_models(filter_string=filter_string, **kwargs)]

    assert sorted(found(f"name LIKE '{prefix}%'")) == names
    assert found(f"name LIKE '{prefix}%'", order_by=["name DESC"]) == names[::-1]
    assert found(f"name = '{names[1]}'") == [names[1]]
    assert found(f"name LIKE '{prefix}%' AND tags.suffix = 'c'") == [names[2]]
    assert found(f"name ILIKE '{prefix.upper()}%'", order_by=["name ASC"]) == names
    # Without a filter the client still sends one (excluding prompts): untagged models match.
    everything = found(max_results=1000)
    assert set(names) | {other} <= set(everything)
    # Paging.
    page1 = client.search_registered_models(f"name LIKE '{prefix}%'", max_results=2, order_by=["name ASC"])
    assert [m.name for m in page1] == names[:2] and page1.token
    page2 = client.search_registered_models(
        f"name LIKE '{prefix}%'", max_results=2, order_by=["name ASC"], page_token=page1.token
    )
    assert [m.name for m in page2] == names[2:] and not page2.token


def test_stages_aliases_tags_descriptions_rename_delete(
    client: mlflow.MlflowClient, client_diagnostics: ClientDiagnostics, experiment_id: str, trained: Trained
) -> None:
    X, y = trained.X, trained.y
    name = unique_name("reg-life")
    client.create_registered_model(name)
    _, info, _ = _log(trained.a, X, y)
    source = f"models:/{info.model_id}"
    for expected in ("1", "2", "3"):
        assert client.create_model_version(name, source, model_id=info.model_id).version == expected

    # Stages; archive_existing_versions archives the other versions of the target stage only.
    assert client.transition_model_version_stage(name, "1", "Production").current_stage == "Production"
    assert client.transition_model_version_stage(name, "2", "staging").current_stage == "Staging"
    assert _version_numbers(client.get_latest_versions(name, stages=["Production"])) == ["1"]
    moved = client.transition_model_version_stage(name, "3", "Production", archive_existing_versions=True)
    assert moved.current_stage == "Production"
    stages = {v: client.get_model_version(name, v).current_stage for v in ("1", "2", "3")}
    assert stages == {"1": "Archived", "2": "Staging", "3": "Production"}
    latest = {mv.current_stage: mv.version for mv in client.get_latest_versions(name)}
    assert latest == {"Archived": "1", "Staging": "2", "Production": "3"}
    assert _version_numbers(client.get_latest_versions(name, stages=["None"])) == []

    # Aliases.
    client.set_registered_model_alias(name, "champion", "3")
    client.set_registered_model_alias(name, "challenger", "2")
    assert client.get_model_version_by_alias(name, "champion").version == "3"
    assert client.get_registered_model(name).aliases == {"champion": "3", "challenger": "2"}
    assert client.get_model_version(name, "2").aliases == ["challenger"]
    client.set_registered_model_alias(name, "champion", "2")  # moves the alias
    assert sorted(client.get_model_version(name, "2").aliases) == ["challenger", "champion"]
    assert client.get_model_version(name, "3").aliases == []
    client.delete_registered_model_alias(name, "challenger")
    assert client.get_registered_model(name).aliases == {"champion": "2"}
    _expect_error(
        client_diagnostics, lambda: client.get_model_version_by_alias(name, "challenger"), "INVALID_PARAMETER_VALUE", 400
    )

    # Tags.
    client.set_model_version_tag(name, "2", "validated", "yes")
    client.set_registered_model_tag(name, "owner", "cardio-team")
    assert client.get_model_version(name, "2").tags == {"validated": "yes"}
    assert client.get_registered_model(name).tags == {"owner": "cardio-team"}
    client.set_model_version_tag(name, "2", "validated", "no")  # overwrite
    assert client.get_model_version(name, "2").tags == {"validated": "no"}
    client.delete_model_version_tag(name, "2", "validated")
    assert client.get_model_version(name, "2").tags == {}
    client.set_registered_model_tag(name, "keep", "1")
    client.delete_registered_model_tag(name, "owner")
    assert client.get_registered_model(name).tags == {"keep": "1"}

    # Descriptions.
    assert client.update_model_version(name, "2", description="the good one").description == "the good one"
    assert client.get_model_version(name, "2").description == "the good one"
    assert client.update_registered_model(name, description="heart models").description == "heart models"
    assert client.get_registered_model(name).description == "heart models"

    # Deleting a version: gone from get and search; its number is not reused.
    client.delete_model_version(name, "1")
    _expect_error(client_diagnostics, lambda: client.get_model_version(name, "1"), "RESOURCE_DOES_NOT_EXIST", 404)
    assert sorted(_version_numbers(client.search_model_versions(f"name='{name}'"))) == ["2", "3"]
    assert client.create_model_version(name, source, model_id=info.model_id).version == "4"

    # Renaming: versions, aliases, tags and description follow; the old name is gone.
    new_name = unique_name("reg-renamed")
    client.rename_registered_model(name, new_name)  # the client returns nothing
    model = client.get_registered_model(new_name)
    assert model.name == new_name
    assert model.aliases == {"champion": "2"}
    assert model.tags == {"keep": "1"}
    assert model.description == "heart models"
    versions = client.search_model_versions(f"name='{new_name}'", order_by=["version_number ASC"])
    assert [(mv.name, mv.version) for mv in versions] == [(new_name, "2"), (new_name, "3"), (new_name, "4")]
    by_alias = client.get_model_version_by_alias(new_name, "champion")
    assert (by_alias.name, by_alias.version, by_alias.description) == (new_name, "2", "the good one")
    assert client.get_model_version(new_name, "3").current_stage == "Production"
    _expect_error(client_diagnostics, lambda: client.get_registered_model(name), "RESOURCE_DOES_NOT_EXIST", 404)
    assert client.search_model_versions(f"name='{name}'") == []
    np.testing.assert_array_equal(
        mlflow.pyfunc.load_model(f"models:/{new_name}@champion").predict(X), trained.a.predict(X)
    )

    # Deleting the model deletes its versions.
    client.delete_registered_model(new_name)
    _expect_error(client_diagnostics, lambda: client.get_registered_model(new_name), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(client_diagnostics, lambda: client.get_model_version(new_name, "2"), "RESOURCE_DOES_NOT_EXIST", 404)
    assert client.search_model_versions(f"name='{new_name}'") == []
    assert [m.name for m in client.search_registered_models(f"name = '{new_name}'")] == []


def test_registry_errors(
    client: mlflow.MlflowClient, client_diagnostics: ClientDiagnostics, experiment_id: str, trained: Trained
) -> None:
    X, y = trained.X, trained.y
    missing = unique_name("reg-missing")
    _expect_error(client_diagnostics, lambda: client.get_registered_model(missing), "RESOURCE_DOES_NOT_EXIST", 404, missing)
    _expect_error(client_diagnostics, lambda: client.delete_registered_model(missing), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(
        client_diagnostics, lambda: client.rename_registered_model(missing, unique_name()), "RESOURCE_DOES_NOT_EXIST", 404
    )
    _expect_error(
        client_diagnostics, lambda: client.set_registered_model_alias(missing, "a", "1"), "RESOURCE_DOES_NOT_EXIST", 404
    )

    name = unique_name("reg-err")
    client.create_registered_model(name)
    _expect_error(client_diagnostics, lambda: client.create_registered_model(name), "RESOURCE_ALREADY_EXISTS", 400, name)
    _, info, _ = _log(trained.a, X, y)
    source = f"models:/{info.model_id}"
    _expect_error(
        client_diagnostics,
        lambda: client.create_model_version(missing, source, model_id=info.model_id),
        "RESOURCE_DOES_NOT_EXIST",
        404,
    )
    client.create_model_version(name, source, model_id=info.model_id)
    _expect_error(client_diagnostics, lambda: client.get_model_version(name, "7"), "RESOURCE_DOES_NOT_EXIST", 404)
    _expect_error(
        client_diagnostics, lambda: client.set_registered_model_alias(name, "a", "7"), "RESOURCE_DOES_NOT_EXIST", 404
    )
    other = unique_name("reg-err-other")
    client.create_registered_model(other)
    _expect_error(
        client_diagnostics, lambda: client.rename_registered_model(name, other), "RESOURCE_ALREADY_EXISTS", 400, other
    )
    _expect_error(
        client_diagnostics,
        lambda: client.transition_model_version_stage(name, "1", "Prod"),
        "INVALID_PARAMETER_VALUE",
        400,
        "Prod",
    )
    _expect_error(
        client_diagnostics,
        lambda: client.search_model_versions(f"name = '{name}' AND colour = 'red'"),
        "INVALID_PARAMETER_VALUE",
        400,
    )
    assert client.get_model_version(name, "1").current_stage == "None"

    # A source outside the artifact store is refused and nothing is registered.
    for outside in ["/etc", "file:///etc", "http://other-host/x", "s3://bucket/model", "../../etc"]:
        _expect_error(
            client_diagnostics, lambda: client.create_model_version(name, outside), "INVALID_PARAMETER_VALUE", 400
        )
    # runs:/ that climbs out of the run, and a source whose run or logged model does not exist.
    _expect_error(
        client_diagnostics,
        lambda: client.create_model_version(name, f"runs:/{info.run_id}/../../../etc"),
        "INVALID_PARAMETER_VALUE",
        400,
    )
    _expect_error(
        client_diagnostics,
        lambda: client.create_model_version(name, "models:/m-00000000000000000000000000000000"),
        "INVALID_PARAMETER_VALUE",
        400,
    )
    assert _version_numbers(client.search_model_versions(f"name='{name}'")) == ["1"]
    assert _version_numbers(client.get_registered_model(name).latest_versions) == ["1"]
    # The refused attempts took no version numbers.
    assert client.create_model_version(name, source, model_id=info.model_id).version == "2"


def test_concurrent_registrations_and_transitions(client: mlflow.MlflowClient, experiment_id: str, trained: Trained) -> None:
    """Parallel jobs registering into one model get distinct numbers; archiving transitions
    racing each other leave one Production version (both once failed on PostgreSQL)."""
    name = unique_name("reg-conc")
    client.create_registered_model(name)
    _, info, _ = _log(trained.a, trained.X, trained.y)
    source = f"models:/{info.model_id}"
    with ThreadPoolExecutor(max_workers=8) as pool:
        versions = list(pool.map(lambda _: client.create_model_version(name, source).version, range(8)))
    assert sorted(versions, key=int) == [str(v) for v in range(1, 9)]
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(
            pool.map(
                lambda v: client.transition_model_version_stage(name, v, "Production", archive_existing_versions=True),
                versions,
            )
        )
    stages = sorted(mv.current_stage for mv in client.search_model_versions(f"name='{name}'"))
    assert stages == ["Archived"] * 7 + ["Production"]


def test_deleting_an_unset_alias_or_tag_is_a_no_op(client: mlflow.MlflowClient, experiment_id: str, trained: Trained) -> None:
    name = unique_name("reg-noop")
    client.create_registered_model(name)
    _, info, _ = _log(trained.a, trained.X, trained.y)
    client.create_model_version(name, f"models:/{info.model_id}")
    client.delete_registered_model_alias(name, "never-set")
    client.delete_registered_model_tag(name, "never-set")
    client.delete_model_version_tag(name, "1", "never-set")


def _slipway(server: SlipwayServer, method: str, path: str, actor: str | None = None, **kwargs) -> requests.Response:
    headers = {"X-Slipway-Actor": actor} if actor else {}
    return requests.request(method, f"{server.url}/api/slipway/v1{path}", headers=headers, timeout=10, **kwargs)


def test_approvals_audit_and_lineage(
    client: mlflow.MlflowClient,
    client_diagnostics: ClientDiagnostics,
    server: SlipwayServer,
    experiment_id: str,
    trained: Trained,
) -> None:
    X, y = trained.X, trained.y
    name = unique_name("reg-gate")
    run, info, dataset = _log(trained.a, X, y, registered_model_name=name)
    _, info_b, _ = _log(trained.b, X, y, registered_model_name=name)

    resp = _slipway(
        server,
        "PUT",
        f"/registered-models/{name}/approval-policy",
        json={"protected_aliases": ["champion"], "protected_stages": ["Production"]},
    )
    assert resp.status_code == 200, resp.text
    policy = resp.json()["registered_model"]["approval_policy"]
    assert policy == {"protected_aliases": ["champion"], "protected_stages": ["Production"]}

    detail = _slipway(server, "GET", f"/registered-models/{name}/versions/1")
    assert detail.status_code == 200, detail.text
    assert detail.json()["model_version"]["approval"] == {"status": "PendingManualApproval"}

    # Unapproved: protected alias and stage are refused; unprotected ones are not.
    for call in [
        lambda: client.set_registered_model_alias(name, "champion", "1"),
        lambda: client.transition_model_version_stage(name, "1", "Production"),
    ]:
        _expect_error(client_diagnostics, call, "RESOURCE_CONFLICT", 409, "Approved")
    client.set_registered_model_alias(name, "candidate", "1")
    assert client.transition_model_version_stage(name, "1", "Staging").current_stage == "Staging"
    assert client.get_registered_model(name).aliases == {"candidate": "1"}

    approved = _slipway(
        server,
        "POST",
        f"/registered-models/{name}/versions/1/approval",
        actor="alice",
        json={"status": "Approved", "comment": "validated on holdout"},
    )
    assert approved.status_code == 200, approved.text
    approval = approved.json()["model_version"]["approval"]
    assert (approval["status"], approval["actor"], approval["comment"]) == ("Approved", "alice", "validated on holdout")
    assert approval["timestamp"] > 0

    rejected = _slipway(
        server, "POST", f"/registered-models/{name}/versions/2/approval", actor="bob", json={"status": "Rejected"}
    )
    assert rejected.status_code == 200, rejected.text
    assert rejected.json()["model_version"]["approval"]["status"] == "Rejected"

    client.set_registered_model_alias(name, "champion", "1")
    assert client.transition_model_version_stage(name, "1", "Production").current_stage == "Production"
    assert client.get_model_version_by_alias(name, "champion").version == "1"
    np.testing.assert_array_equal(mlflow.pyfunc.load_model(f"models:/{name}@champion").predict(X), trained.a.predict(X))
    # A rejected version still cannot take them.
    _expect_error(
        client_diagnostics,
        lambda: client.set_registered_model_alias(name, "champion", "2"),
        "RESOURCE_CONFLICT",
        409,
    )
    assert client.get_model_version_by_alias(name, "champion").version == "1"

    bad = _slipway(
        server, "POST", f"/registered-models/{name}/versions/1/approval", json={"status": "Maybe"}
    )
    assert bad.status_code == 400 and bad.json()["error_code"] == "INVALID_PARAMETER_VALUE", bad.text

    # The audit trail: every change, in order, with who made it; refused changes are absent.
    audit = _slipway(server, "GET", "/registry/audit", params={"name": name})
    assert audit.status_code == 200, audit.text
    entries = audit.json()["entries"]
    assert all(e["model_name"] == name for e in entries)
    ids = [e["id"] for e in entries]
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    summary = [(e["type"], e.get("version"), e.get("field"), e.get("to")) for e in entries]
    assert summary == [
        ("registered_model.created", None, None, None),
        ("model_version.created", "1", "source", f"models:/{info.model_id}"),
        ("model_version.created", "2", "source", f"models:/{info_b.model_id}"),
        ("registered_model.approval_policy_set", None, "approval_policy", summary[3][3]),
        ("model_version_alias.created", "1", "alias:candidate", "1"),
        ("model_version.stage_changed", "1", "stage", "Staging"),
        ("model_version.approval_changed", "1", "approval", "Approved"),
        ("model_version.approval_changed", "2", "approval", "Rejected"),
        ("model_version_alias.created", "1", "alias:champion", "1"),
        ("model_version.stage_changed", "1", "stage", "Production"),
    ], summary
    assert json.loads(entries[3]["to"]) == {"protected_aliases": ["champion"], "protected_stages": ["Production"]}
    approval_entry = entries[6]
    assert approval_entry["actor"] == "alice"
    assert approval_entry["comment"] == "validated on holdout"
    assert approval_entry["from"] == "PendingManualApproval"
    assert entries[7]["actor"] == "bob"
    assert entries[9]["from"] == "Staging"
    # The client names no actor (unless it sends Basic credentials, whose user name counts).
    client_actor = os.environ.get("MLFLOW_TRACKING_USERNAME") or "anonymous"
    assert {e["actor"] for e in entries if e["type"] != "model_version.approval_changed"} == {client_actor}
    only_v2 = _slipway(server, "GET", "/registry/audit", params={"name": name, "version": "2"}).json()["entries"]
    assert [(e["type"], e.get("to")) for e in only_v2] == [
        ("model_version.created", f"models:/{info_b.model_id}"),
        ("model_version.approval_changed", "Rejected"),
    ]

    # Lineage: dataset → run → logged model → version.
    lineage_resp = _slipway(server, "GET", f"/registered-models/{name}/versions/1/lineage")
    assert lineage_resp.status_code == 200, lineage_resp.text
    lineage = lineage_resp.json()["lineage"]
    root = f"model_version:{name}/1"
    assert lineage["root"] == root
    nodes = {n["id"]: n for n in lineage["nodes"]}
    run_id = run.info.run_id
    run_node = nodes[f"run:{run_id}"]
    assert run_node["kind"] == "run"
    assert run_node["attributes"]["run_id"] == run_id
    assert run_node["attributes"]["experiment_id"] == experiment_id
    assert run_node["attributes"]["params"] == {"C": "1.0", "max_iter": "2000"}
    accuracy = float((trained.a.predict(X) == y).mean())
    assert run_node["attributes"]["metrics"] == {"accuracy": accuracy}
    model_node = nodes[f"logged_model:{info.model_id}"]
    assert model_node["kind"] == "logged_model"
    datasets = [n for n in lineage["nodes"] if n["kind"] == "dataset"]
    assert len(datasets) == 1
    ds = datasets[0]
    assert ds["attributes"]["name"] == "heart"
    assert ds["attributes"]["digest"] == dataset.digest
    assert ds["attributes"]["context"] == "training"
    root_node = nodes[root]
    assert root_node["attributes"]["approval_status"] == "Approved"
    assert root_node["attributes"]["stage"] == "Production"
    assert sorted(root_node["attributes"]["aliases"]) == ["candidate", "champion"]
    edges = {(e["from"], e["to"], e["relation"]) for e in lineage["edges"]}
    assert edges == {
        (ds["id"], f"run:{run_id}", "input_to"),
        (f"run:{run_id}", f"logged_model:{info.model_id}", "produced"),
        (f"logged_model:{info.model_id}", root, "registered_as"),
    }
    # Nothing of the other version's run leaks in.
    assert f"logged_model:{info_b.model_id}" not in nodes
