import type { ReactNode } from 'react';

/** What a new user does next: point MLflow's client at this server and log a run. */
export function TrackingUriHelp(props: { serverUrl: string; experimentName?: string }): ReactNode {
  const name = props.experimentName ?? 'my-experiment';
  const example = [
    'import mlflow',
    `mlflow.set_experiment("${name}")`,
    'with mlflow.start_run():',
    '    mlflow.log_param("lr", 0.01)',
    '    mlflow.log_metric("rmse", 0.42)',
  ].join('\n');
  return (
    <div className="help">
      <p>Point MLflow&apos;s client (or Slipway&apos;s SDK) at this server:</p>
      <pre>
        <code>export MLFLOW_TRACKING_URI={props.serverUrl}</code>
      </pre>
      <p>then log a run from Python:</p>
      <pre>
        <code>{example}</code>
      </pre>
    </div>
  );
}
