import type { DatasetInput } from '../entities/dataset.js';
import type { Metric } from '../entities/metric.js';
import type { Tag } from '../entities/tag.js';
import { SlipwayError } from '../errors/slipway-error.js';
import { LIMITS } from './limits.js';

/**
 * Checks of request content that need no stored state, with MLflow's rules and messages
 * that name the offending field. Each throws INVALID_PARAMETER_VALUE.
 * @module
 */

/** Letters, digits, `_`, `-`, `.`, space, `:` and `/` (Python's `\w` is Unicode-aware). */
const KEY_PATTERN = /^[\p{L}\p{N}_\-. :/]*$/u;

export type KeyKind = 'metric' | 'param' | 'tag';

/** A metric, param or tag key: MLflow's character set, ≤250 characters, a normalised relative path. */
export function validateKey(kind: KeyKind, key: string, field: string): void {
  if (key === '') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}'.`);
  if (key.length > LIMITS.keyLength) {
    throw SlipwayError.invalidParameter(
      `Parameter '${field}': ${kind} name '${key.slice(0, 40)}…' is ${key.length} characters long; the limit is ${LIMITS.keyLength}.`,
    );
  }
  if (!KEY_PATTERN.test(key)) {
    throw SlipwayError.invalidParameter(
      `Invalid ${kind} name: '${key}' (parameter '${field}'). Names may only contain alphanumerics, underscores (_), ` +
        'dashes (-), periods (.), spaces ( ), colon(:) and slashes (/).',
    );
  }
  if (!isNormalizedPath(key)) {
    throw SlipwayError.invalidParameter(
      `Invalid ${kind} name: '${key}' (parameter '${field}'). Names must be normalized relative paths: ` +
        "no leading '/', no '..' or '.' segments, no '//' and no trailing '/'.",
    );
  }
}

function isNormalizedPath(key: string): boolean {
  if (key.startsWith('/') || key.endsWith('/') || key.includes('//')) return false;
  return key.split('/').every((segment) => segment !== '.' && segment !== '..');
}

/** Rejects values longer than `limit`, naming the field. */
export function validateLength(value: string, limit: number, field: string): void {
  if (value.length > limit) {
    throw SlipwayError.invalidParameter(
      `Parameter '${field}' is ${value.length} characters long; the limit is ${limit}.`,
    );
  }
}

export function validateMetric(m: Metric, field: string): void {
  validateKey('metric', m.key, `${field}.key`);
  if (!Number.isSafeInteger(m.timestamp) || m.timestamp < 0) {
    throw SlipwayError.invalidParameter(`Parameter '${field}.timestamp' must be a non-negative integer, got ${m.timestamp}.`);
  }
  if (!Number.isSafeInteger(m.step)) {
    throw SlipwayError.invalidParameter(`Parameter '${field}.step' must be an integer, got ${m.step}.`);
  }
}

/**
 * Params: the key is checked; a value over 6,000 characters is truncated, as MLflow 3.x's
 * server does by default (`MLFLOW_TRUNCATE_LONG_VALUES`; `_validate_param` truncates).
 */
export function normalizeParam(p: Tag, field: string): Tag {
  validateKey('param', p.key, `${field}.key`);
  return truncated(p, LIMITS.paramValueLength);
}

/** Run tags: the key is checked; a value over 8,000 characters is truncated, as MLflow does by default. */
export function normalizeRunTag(t: Tag, field: string): Tag {
  validateKey('tag', t.key, `${field}.key`);
  return truncated(t, LIMITS.runTagValueLength);
}

/** The tag with its value cut to `limit` characters (code points, as Python counts them). */
function truncated(t: Tag, limit: number): Tag {
  if (t.value.length <= limit) return t;
  const chars = Array.from(t.value);
  return chars.length <= limit ? t : { key: t.key, value: chars.slice(0, limit).join('') };
}

export function validateExperimentTag(t: Tag, field: string): void {
  validateKey('tag', t.key, `${field}.key`);
  validateLength(t.value, LIMITS.experimentTagValueLength, `${field}.value`);
}

export function validateExperimentName(name: string, field: string): void {
  if (name.trim() === '') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}'.`);
  validateLength(name, LIMITS.experimentNameLength, field);
}

/** MLflow's log-batch limits, then each entry; duplicate param keys in one batch are refused. */
export function validateBatch(metrics: readonly Metric[], params: readonly Tag[], tags: readonly Tag[]): void {
  const over = (n: number, limit: number, what: string): void => {
    if (n > limit) {
      throw SlipwayError.invalidParameter(
        `A batch logging request can contain at most ${limit} ${what}. Got ${n} ${what} (parameter '${what}').`,
      );
    }
  };
  over(metrics.length, LIMITS.batchMetrics, 'metrics');
  over(params.length, LIMITS.batchParams, 'params');
  over(tags.length, LIMITS.batchTags, 'tags');
  const total = metrics.length + params.length + tags.length;
  if (total > LIMITS.batchEntities) {
    throw SlipwayError.invalidParameter(
      `A batch logging request can contain at most ${LIMITS.batchEntities} metrics, params and tags in total. Got ${total}.`,
    );
  }
  metrics.forEach((m, i) => validateMetric(m, `metrics[${i}]`));
  params.forEach((p, i) => normalizeParam(p, `params[${i}]`));
  const seen = new Map<string, number>();
  params.forEach((p, i) => {
    const first = seen.get(p.key);
    if (first !== undefined) {
      throw SlipwayError.invalidParameter(
        `Duplicate parameter keys have been submitted: '${p.key}' in params[${first}] and params[${i}]. ` +
          'Please ensure the request contains only one param value per param key.',
      );
    }
    seen.set(p.key, i);
  });
}

export function validateDatasetInput(input: DatasetInput, field: string): void {
  const d = input.dataset;
  const required = (value: string, name: string): void => {
    if (value === '') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}.dataset.${name}'.`);
  };
  required(d.name, 'name');
  required(d.digest, 'digest');
  required(d.sourceType, 'source_type');
  required(d.source, 'source');
  validateLength(d.name, LIMITS.datasetNameLength, `${field}.dataset.name`);
  validateLength(d.digest, LIMITS.datasetDigestLength, `${field}.dataset.digest`);
  validateLength(d.source, LIMITS.datasetSourceLength, `${field}.dataset.source`);
  if (d.schema !== undefined) validateLength(d.schema, LIMITS.datasetSchemaLength, `${field}.dataset.schema`);
  if (d.profile !== undefined) validateLength(d.profile, LIMITS.datasetProfileLength, `${field}.dataset.profile`);
  input.tags.forEach((t, i) => {
    if (t.key === '') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}.tags[${i}].key'.`);
    validateLength(t.key, LIMITS.inputTagKeyLength, `${field}.tags[${i}].key`);
    validateLength(t.value, LIMITS.inputTagValueLength, `${field}.tags[${i}].value`);
  });
}

/** `max_results` within `[1, max]`, defaulting when absent. */
export function pageSize(value: number | undefined, fallback: number, max: number, field = 'max_results'): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw SlipwayError.invalidParameter(`Invalid value ${value} for parameter '${field}': it must be between 1 and ${max}.`);
  }
  return value;
}
