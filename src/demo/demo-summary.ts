import { NUMERIC_COLUMNS } from '../ml/housing-data.js';
import { PRODUCTION_ALIAS, PRODUCTION_ENDPOINT, STAGING_ENDPOINT } from './demo-variants.js';
import type { DemoResult } from './run-demo.js';

const money = (dollars: number): string => `$${Math.round(dollars).toLocaleString('en-US')}`;

/** What the demo prints at the end: the model's quality, sample predictions, where to look, and a curl to try. */
export function renderDemoSummary(result: DemoResult): string {
  const lines: string[] = [''];
  const { variant, execution } = result;
  if (!result.succeeded) {
    const failed = execution.steps.filter((step) => step.status === 'failed' || step.status === 'gated');
    lines.push(`The pipeline did not get to production: execution ${execution.execution_id} ${execution.status}.`);
    for (const step of failed) lines.push(`  ${step.step_id} ${step.status}: ${step.reason ?? ''}`.trimEnd());
    lines.push(`  Logs: slipway executions logs ${execution.execution_id} --step <step>`, '');
  } else {
    lines.push(`Done: ${variant.modelName} version ${result.champion?.version ?? '?'} is serving at ${PRODUCTION_ENDPOINT}.`, '');
  }
  const quality = (value: number | undefined): string =>
    value === undefined ? 'n/a' : variant.rmseUnit === 'dollars' ? money(value) : `${value.toFixed(4)} (${money(value * 100_000)})`;
  lines.push(`  Held-out RMSE:   ${quality(result.rmse)}${variant.baselineMetric === undefined ? '' : `   linear baseline: ${quality(result.baselineRmse)}`}`);
  if (result.champion !== undefined) {
    lines.push(`  Registry:        ${variant.modelName}@${PRODUCTION_ALIAS} → version ${result.champion.version} (stage ${result.champion.current_stage})`);
  }
  lines.push(`  Endpoints:       ${STAGING_ENDPOINT}, ${PRODUCTION_ENDPOINT}`);
  if (result.predictions.length > 0) {
    lines.push('', `  Predictions from ${PRODUCTION_ENDPOINT}:`);
    const income = NUMERIC_COLUMNS.indexOf('median_income');
    for (const { row, predicted } of result.predictions) {
      const place = `${row.numeric[0]}, ${row.numeric[1]}`.padEnd(16);
      lines.push(`    ${place} ${row.oceanProximity.padEnd(11)} income ${String(row.numeric[income]).padEnd(7)} predicted ${money(predicted).padStart(9)}   actual ${money(row.actual).padStart(9)}`);
    }
  }
  if (result.predictionError !== undefined) lines.push('', `  The sample predictions failed: ${result.predictionError}`);
  lines.push('', `  Web UI:          ${result.url}/`, '  Try it:', ...curlExample(result.url, result.sampleRequest).map((line) => `    ${line}`));
  lines.push('', `Slipway keeps running (data in ${result.dataDir}). Press Ctrl-C to stop it.`);
  return lines.join('\n');
}

/** A copy-pasteable curl for one row of the sample request. */
export function curlExample(url: string, request: unknown): string[] {
  const split = (request as { dataframe_split: { columns: string[]; data: unknown[][] } }).dataframe_split;
  const body = JSON.stringify({ dataframe_split: { columns: split.columns, data: split.data.slice(0, 1) } });
  return [`curl -s ${url}/endpoints/${PRODUCTION_ENDPOINT}/invocations \\`, `  -H 'content-type: application/json' \\`, `  -d '${body.replaceAll("'", "'\\''")}'`];
}
