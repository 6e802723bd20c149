/**
 * `slipway/evaluate`: a metric gate. The evaluated step's metrics (read from its log, else
 * from its MLflow run) must meet every threshold and, with `champion`, beat the version
 * behind the registered model's alias (or latest in a stage) by the asked margin. With no
 * champion yet the comparison passes with a note. A rejection fails this step with class
 * `gate` (its dependents are `gated`), unless `fail-on-reject: false`.
 * @module
 */

import { isSlipwayError } from '../../core/errors/slipway-error.js';
import { parseThreshold, type Threshold } from '../../core/pipelines/builtin-steps.js';
import type { JsonValue } from '../../core/pipelines/pipeline-model.js';
import { stepRow } from '../engine/step-rows.js';
import { BuiltinStepError, text, type BuiltinContext, type BuiltinResult } from './builtin-context.js';

export async function runEvaluate(context: BuiltinContext): Promise<BuiltinResult> {
  const stepId = text(context.inputs.step) ?? '';
  const metrics = await metricsOf(context, stepId);
  const reasons: string[] = [];
  let passed = true;

  const thresholds = context.inputs.threshold;
  const list = thresholds === undefined ? [] : Array.isArray(thresholds) ? (thresholds as readonly JsonValue[]) : [thresholds];
  for (const item of list) {
    const threshold = parseThreshold(text(item) ?? '');
    if (threshold === undefined) throw new BuiltinStepError(`invalid threshold '${text(item) ?? ''}'`);
    const value = metrics[threshold.metric];
    if (value === undefined) throw new BuiltinStepError(`step '${stepId}' reported no metric '${threshold.metric}'`);
    const ok = compare(value, threshold);
    reasons.push(`${threshold.metric} ${value} ${ok ? 'meets' : 'does not meet'} ${threshold.metric} ${threshold.operator} ${threshold.value}`);
    if (!ok) passed = false;
  }

  let championVersion = '';
  const champion = context.inputs.champion;
  if (champion !== undefined && champion !== null && typeof champion === 'object' && !Array.isArray(champion)) {
    const c = champion as Readonly<Record<string, JsonValue>>;
    const model = text(c.model) ?? '';
    const metric = text(c.metric) ?? '';
    const value = metrics[metric];
    if (value === undefined) throw new BuiltinStepError(`step '${stepId}' reported no metric '${metric}'`);
    const found = await championOf(context, model, text(c.alias), text(c.stage));
    if (found === undefined) {
      reasons.push(`no champion of '${model}' yet (${c.stage === undefined ? `alias '${text(c.alias) ?? 'champion'}'` : `stage ${text(c.stage) ?? ''}`}), so nothing to beat`);
    } else {
      championVersion = String(found.version);
      const championValue = found.metrics[metric];
      if (championValue === undefined) {
        passed = false;
        reasons.push(`champion version ${found.version} of '${model}' has no metric '${metric}' to compare with`);
      } else {
        const minimize = text(c.direction) !== 'maximize';
        const improvement = minimize ? championValue - value : value - championValue;
        const minAbs = typeof c['min-improvement'] === 'number' ? c['min-improvement'] : undefined;
        const minRel = typeof c['min-relative-improvement'] === 'number' ? c['min-relative-improvement'] : undefined;
        const needed = Math.max(minAbs ?? 0, (minRel ?? 0) * Math.abs(championValue));
        const ok = minAbs === undefined && minRel === undefined ? improvement > 0 : improvement >= needed;
        reasons.push(
          `${metric} ${value} ${ok ? 'beats' : 'does not beat'} champion version ${found.version} (${championValue})` +
            (minAbs === undefined && minRel === undefined ? '' : ` by the required ${needed}`) +
            ` (improvement ${improvement})`,
        );
        if (!ok) passed = false;
      }
    }
  }

  const reason = reasons.join('; ');
  context.log(`gate ${passed ? 'passed' : 'rejected'}: ${reason}`);
  const outputs = { passed: String(passed), reason, 'champion-version': championVersion };
  const failOnReject = context.inputs['fail-on-reject'] !== false;
  return passed || !failOnReject ? { outputs } : { outputs, gateRejected: reason };
}

function compare(value: number, t: Threshold): boolean {
  switch (t.operator) {
    case '<':
      return value < t.value;
    case '<=':
      return value <= t.value;
    case '>':
      return value > t.value;
    case '>=':
      return value >= t.value;
    case '==':
      return value === t.value;
    case '!=':
      return value !== t.value;
  }
}

async function metricsOf(context: BuiltinContext, stepId: string): Promise<Record<string, number>> {
  const row = stepRow(context.execution, stepId);
  if (row === undefined || row.status !== 'succeeded') throw new BuiltinStepError(`step '${stepId}' did not succeed, so there is nothing to evaluate`);
  if (row.expanded === true) throw new BuiltinStepError(`step '${stepId}' is a matrix step; evaluate one of its instances' metrics in a step of its own`);
  const metrics: Record<string, number> = {};
  if (row.runId !== undefined) {
    const run = await context.tracking.getRun(row.runId).catch(() => undefined);
    for (const m of run?.data.metrics ?? []) metrics[m.key] = m.value;
  }
  return { ...metrics, ...row.metrics };
}

async function championOf(
  context: BuiltinContext,
  model: string,
  alias: string | undefined,
  stage: string | undefined,
): Promise<{ version: number; metrics: Record<string, number> } | undefined> {
  let version;
  try {
    if (stage !== undefined) {
      version = (await context.registry.getLatestVersions(model, [stage]))[0];
    } else {
      version = await context.registry.getVersionByAlias(model, alias ?? 'champion');
    }
  } catch (e) {
    if (isSlipwayError(e) && (e.code === 'RESOURCE_DOES_NOT_EXIST' || e.code === 'INVALID_PARAMETER_VALUE')) return undefined;
    throw e;
  }
  if (version === undefined) return undefined;
  const metrics: Record<string, number> = {};
  if (version.runId !== undefined) {
    const run = await context.tracking.getRun(version.runId).catch(() => undefined);
    for (const m of run?.data.metrics ?? []) metrics[m.key] = m.value;
  }
  return { version: version.version, metrics };
}
