"""Experiments: set_experiment, search_experiments, lifecycle, rename, tags."""

from __future__ import annotations

import mlflow
import pytest
from mlflow.entities import ViewType
from mlflow.exceptions import MlflowException

from conftest import unique_name


def test_set_experiment_creates_then_reuses(client: mlflow.MlflowClient) -> None:
    name = unique_name("set-exp")
    assert client.get_experiment_by_name(name) is None

    created = mlflow.set_experiment(name)
    assert created.name == name
    assert created.lifecycle_stage == "active"
    assert created.artifact_location == f"mlflow-artifacts:/{created.experiment_id}"

    reused = mlflow.set_experiment(name)
    assert reused.experiment_id == created.experiment_id

    by_id = mlflow.set_experiment(experiment_id=created.experiment_id)
    assert by_id.name == name

    fetched = client.get_experiment_by_name(name)
    assert fetched is not None and fetched.experiment_id == created.experiment_id
    with mlflow.start_run() as run:
        pass
    assert run.info.experiment_id == created.experiment_id


def test_client_create_and_get_experiment_with_tags(client: mlflow.MlflowClient) -> None:
    name = unique_name("client-exp")
    exp_id = client.create_experiment(name, tags={"team": "ml", "priority": "1"})
    exp = client.get_experiment(exp_id)
    assert exp.name == name
    assert exp.tags == {"team": "ml", "priority": "1"}
    assert exp.creation_time is not None and exp.creation_time > 0
    assert exp.last_update_time is not None and exp.last_update_time >= exp.creation_time

    with pytest.raises(MlflowException) as info:
        client.create_experiment(name)
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"


def test_experiment_tags_set_and_delete(client: mlflow.MlflowClient) -> None:
    exp_id = client.create_experiment(unique_name("tags-exp"))
    client.set_experiment_tag(exp_id, "stage", "dev")
    client.set_experiment_tag(exp_id, "stage", "prod")  # upsert
    client.set_experiment_tag(exp_id, "owner", "alice")
    assert client.get_experiment(exp_id).tags == {"stage": "prod", "owner": "alice"}

    client.delete_experiment_tag(exp_id, "owner")
    assert client.get_experiment(exp_id).tags == {"stage": "prod"}

    mlflow.set_experiment(experiment_id=exp_id)
    mlflow.set_experiment_tags({"a": "1", "b": "2"})
    assert client.get_experiment(exp_id).tags == {"stage": "prod", "a": "1", "b": "2"}


def test_rename_experiment(client: mlflow.MlflowClient) -> None:
    old, new = unique_name("old"), unique_name("new")
    exp_id = client.create_experiment(old)
    client.rename_experiment(exp_id, new)
    assert client.get_experiment(exp_id).name == new
    assert client.get_experiment_by_name(old) is None
    assert client.get_experiment_by_name(new).experiment_id == exp_id


def test_delete_and_restore_experiment(client: mlflow.MlflowClient) -> None:
    name = unique_name("del-exp")
    exp_id = client.create_experiment(name)
    run = client.create_run(exp_id)

    client.delete_experiment(exp_id)
    deleted = client.get_experiment(exp_id)  # get still returns deleted experiments
    assert deleted.lifecycle_stage == "deleted"
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "deleted"
    active_names = {e.name for e in client.search_experiments(filter_string=f"name = '{name}'")}
    assert name not in active_names
    deleted_names = {
        e.name for e in client.search_experiments(view_type=ViewType.DELETED_ONLY, filter_string=f"name = '{name}'")
    }
    assert deleted_names == {name}
    # The fluent API refuses a deleted experiment.
    with pytest.raises(MlflowException):
        mlflow.set_experiment(name)
    # The name stays taken while the experiment is deleted.
    with pytest.raises(MlflowException) as info:
        client.create_experiment(name)
    assert info.value.error_code == "RESOURCE_ALREADY_EXISTS"

    client.restore_experiment(exp_id)
    assert client.get_experiment(exp_id).lifecycle_stage == "active"
    assert client.get_run(run.info.run_id).info.lifecycle_stage == "active"
    assert mlflow.set_experiment(name).experiment_id == exp_id


def test_search_experiments_filter_order_and_view_type(client: mlflow.MlflowClient) -> None:
    prefix = unique_name("search-exp")
    ids = {}
    for suffix, team in [("b", "red"), ("a", "blue"), ("c", "red"), ("d", "red")]:
        ids[suffix] = client.create_experiment(f"{prefix}-{suffix}", tags={"team": team})
    client.delete_experiment(ids["d"])

    by_name = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'", order_by=["name ASC"])
    assert [e.name for e in by_name] == [f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"]

    desc = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'", order_by=["name DESC"])
    assert [e.name for e in desc] == [f"{prefix}-c", f"{prefix}-b", f"{prefix}-a"]

    red = client.search_experiments(
        filter_string=f"name ILIKE '{prefix.upper()}-%' AND tags.team = 'red'", order_by=["name"]
    )
    assert [e.name for e in red] == [f"{prefix}-b", f"{prefix}-c"]

    not_red = client.search_experiments(filter_string=f"name LIKE '{prefix}-%' AND tags.team != 'red'")
    assert [e.name for e in not_red] == [f"{prefix}-a"]

    # Default order is creation_time DESC (ties broken by experiment_id ASC).
    default = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'")
    created = [e.creation_time for e in default]
    assert created == sorted(created, reverse=True)

    # Multi-key order; experiment ids compare as numbers, as in MLflow's SQL store.
    multi = client.search_experiments(
        filter_string=f"name LIKE '{prefix}-%'", order_by=["creation_time DESC", "experiment_id ASC"]
    )
    assert {e.experiment_id for e in multi} == {ids["a"], ids["b"], ids["c"]}
    assert [e.experiment_id for e in multi] == [
        e.experiment_id for e in sorted(multi, key=lambda e: (-e.creation_time, int(e.experiment_id)))
    ]
    by_id_desc = client.search_experiments(filter_string=f"name LIKE '{prefix}-%'", order_by=["experiment_id DESC"])
    assert [e.experiment_id for e in by_id_desc] == sorted((ids[k] for k in "abc"), key=int, reverse=True)

    all_view = client.search_experiments(
        view_type=ViewType.ALL, filter_string=f"name LIKE '{prefix}-%'", order_by=["name"]
    )
    assert [e.name for e in all_view] == [f"{prefix}-{s}" for s in "abcd"]
    deleted_only = client.search_experiments(view_type=ViewType.DELETED_ONLY, filter_string=f"name LIKE '{prefix}-%'")
    assert [e.experiment_id for e in deleted_only] == [ids["d"]]

    # Fluent form, and paging through MlflowClient with max_results + page_token.
    fluent = mlflow.search_experiments(filter_string=f"name LIKE '{prefix}-%'", order_by=["name"])
    assert [e.name for e in fluent] == [f"{prefix}-a", f"{prefix}-b", f"{prefix}-c"]
    page1 = client.search_experiments(
        view_type=ViewType.ALL, filter_string=f"name LIKE '{prefix}-%'", order_by=["name"], max_results=3
    )
    assert [e.name for e in page1] == [f"{prefix}-{s}" for s in "abc"]
    assert page1.token
    page2 = client.search_experiments(
        view_type=ViewType.ALL,
        filter_string=f"name LIKE '{prefix}-%'",
        order_by=["name"],
        max_results=3,
        page_token=page1.token,
    )
    assert [e.name for e in page2] == [f"{prefix}-d"]
    assert not page2.token

    # Renaming bumps last_update_time (as in MLflow; setting a tag does not).
    client.rename_experiment(ids["a"], f"{prefix}-a-renamed")
    recent = client.search_experiments(
        filter_string=f"name LIKE '{prefix}-%'", order_by=["last_update_time DESC", "name ASC"]
    )
    assert [e.experiment_id for e in recent][0] == ids["a"]


def test_search_experiments_by_time_attribute(client: mlflow.MlflowClient) -> None:
    prefix = unique_name("time-exp")
    first = client.get_experiment(client.create_experiment(f"{prefix}-1"))
    later = client.search_experiments(
        filter_string=f"name LIKE '{prefix}-%' AND creation_time >= {first.creation_time}"
    )
    assert [e.experiment_id for e in later] == [first.experiment_id]
    none = client.search_experiments(
        filter_string=f"name LIKE '{prefix}-%' AND creation_time > {first.creation_time + 10**9}"
    )
    assert list(none) == []
