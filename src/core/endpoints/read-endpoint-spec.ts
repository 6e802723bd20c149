import { SlipwayError } from '../errors/slipway-error.js';
import type { RolloutPolicy, RuntimePreference, VariantSpec } from './endpoint.js';
import { parseModelUri, type ModelUriRef } from './parse-model-uri.js';

/**
 * Reading what a user asks an endpoint to be (API, CLI, pipeline step) into the entity's
 * terms, with the defaults filled in. Every check throws INVALID_PARAMETER_VALUE naming
 * the field as the HTTP API spells it (`variants[1].weight`, `rollout.bake_seconds`), and
 * nothing here touches the store: a request is read whole before anything is written.
 * @module
 */

/** Endpoint and variant names: a URL path segment. */
export const ENDPOINT_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,62}$/;

export const ENDPOINT_LIMITS = {
  variants: 16,
  descriptionLength: 5_000,
  tags: 50,
  tagKeyLength: 250,
  tagValueLength: 5_000,
  canarySteps: 20,
  /** A week. */
  bakeSeconds: 7 * 24 * 3600,
  minRequests: 1_000_000,
  reasonLength: 1_000,
} as const;

/** A variant as a request gives it; `name` and `weight` may be left out (see {@link readVariants}). */
export interface VariantInput {
  readonly name?: string | undefined;
  readonly modelUri: string;
  readonly weight?: number | undefined;
  readonly shadow?: { readonly samplePercent: number } | undefined;
  readonly runtime?: string | undefined;
}

/** A rollout policy as a request gives it; every field has a default. */
export interface RolloutPolicyInput {
  readonly strategy?: string | undefined;
  readonly steps?: readonly number[] | undefined;
  readonly bakeSeconds?: number | undefined;
  readonly maxErrorRate?: number | undefined;
  readonly maxP99Ms?: number | undefined;
  readonly minRequests?: number | undefined;
}

/** A variant read from a request: its spec, with the name still open when the request gave none. */
export interface ReadVariant {
  /** `undefined` until the model URI is resolved: it is then named after the model version. */
  readonly name: string | undefined;
  readonly modelUri: string;
  readonly model: ModelUriRef;
  readonly weight: number;
  readonly shadow?: { readonly samplePercent: number } | undefined;
  readonly runtime: RuntimePreference;
}

export const DEFAULT_MIN_REQUESTS = 20;
const RUNTIMES: readonly RuntimePreference[] = ['auto', 'onnx', 'python'];

export function validateEndpointName(name: unknown, field = 'name'): string {
  if (typeof name !== 'string' || name === '') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}'.`);
  if (!ENDPOINT_NAME_PATTERN.test(name)) {
    throw SlipwayError.invalidParameter(
      `Invalid value '${clip(name)}' for parameter '${field}': a name is 1-63 lowercase letters, digits and dashes, starting with a letter or digit.`,
    );
  }
  return name;
}

/**
 * The variants of a create or update: at least one live (non-shadow) variant; live
 * weights within 0–100 summing to 100, where one live variant may leave its weight out
 * and gets the rest (so a single variant needs none); shadow variants have weight 0 and a
 * `sample_percent` in (0, 100]; names, when given, unique.
 */
export function readVariants(input: unknown): ReadVariant[] {
  if (!Array.isArray(input) || input.length === 0) throw SlipwayError.invalidParameter("Missing value for required parameter 'variants'.");
  if (input.length > ENDPOINT_LIMITS.variants) {
    throw SlipwayError.invalidParameter(`Invalid value for parameter 'variants': ${input.length} variants; the limit is ${ENDPOINT_LIMITS.variants}.`);
  }
  const read = (input as unknown[]).map((v, i) => readVariant(v, `variants[${i}]`));
  const names = new Map<string, number>();
  read.forEach((v, i) => {
    if (v.name === undefined) return;
    const first = names.get(v.name);
    if (first !== undefined) {
      throw SlipwayError.invalidParameter(`Invalid value '${v.name}' for parameter 'variants[${i}].name': variants[${first}] has that name already.`);
    }
    names.set(v.name, i);
  });
  const live = read.map((v, i) => ({ v, i })).filter(({ v }) => v.shadow === undefined);
  if (live.length === 0) {
    throw SlipwayError.invalidParameter("Invalid value for parameter 'variants': at least one variant must be live (not a shadow) to answer requests.");
  }
  const open = live.filter(({ v }) => Number.isNaN(v.weight));
  if (open.length > 1) {
    throw SlipwayError.invalidParameter(
      `Missing value for required parameter 'variants[${open[1]!.i}].weight': with several live variants, at most one may leave its weight out (it gets the rest of 100).`,
    );
  }
  const given = live.filter(({ v }) => !Number.isNaN(v.weight)).reduce((sum, { v }) => sum + v.weight, 0);
  if (open.length === 1) {
    const rest = round(100 - given);
    if (rest <= 0) {
      throw SlipwayError.invalidParameter(
        `Invalid value for parameter 'variants[${open[0]!.i}].weight': the other live variants' weights sum to ${round(given)}, leaving nothing for it.`,
      );
    }
    const at = open[0]!.i;
    read[at] = { ...read[at]!, weight: rest };
  } else if (Math.abs(given - 100) > 1e-9) {
    throw SlipwayError.invalidParameter(
      `Invalid value for parameter 'variants[${live[live.length - 1]!.i}].weight': the live variants' weights sum to ${round(given)}; they must sum to 100.`,
    );
  }
  return read;
}

function readVariant(input: unknown, field: string): ReadVariant {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw SlipwayError.invalidParameter(`Invalid value for parameter '${field}': a variant is an object with a model_uri.`);
  }
  const v = input as Record<string, unknown>;
  const name = v.name === undefined || v.name === null || v.name === '' ? undefined : validateEndpointName(v.name, `${field}.name`);
  if (typeof v.modelUri !== 'string') throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}.model_uri'.`);
  const model = parseModelUri(v.modelUri, `${field}.model_uri`);
  const runtime = readRuntime(v.runtime, `${field}.runtime`);
  const shadow = readShadow(v.shadow, `${field}.shadow`);
  const weight = v.weight === undefined || v.weight === null ? undefined : number(v.weight, `${field}.weight`);
  if (shadow !== undefined) {
    if (weight !== undefined && weight !== 0) {
      throw SlipwayError.invalidParameter(`Invalid value ${weight} for parameter '${field}.weight': a shadow variant takes no live traffic (weight 0).`);
    }
    return { name, modelUri: v.modelUri.trim(), model, weight: 0, shadow, runtime };
  }
  if (weight !== undefined && (weight < 0 || weight > 100)) {
    throw SlipwayError.invalidParameter(`Invalid value ${weight} for parameter '${field}.weight': a weight is between 0 and 100.`);
  }
  return { name, modelUri: v.modelUri.trim(), model, weight: weight ?? Number.NaN, runtime };
}

function readShadow(input: unknown, field: string): { samplePercent: number } | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'object' || Array.isArray(input)) {
    throw SlipwayError.invalidParameter(`Invalid value for parameter '${field}': a shadow is an object with a sample_percent.`);
  }
  const raw = (input as { samplePercent?: unknown }).samplePercent;
  if (raw === undefined || raw === null) throw SlipwayError.invalidParameter(`Missing value for required parameter '${field}.sample_percent'.`);
  const samplePercent = number(raw, `${field}.sample_percent`);
  if (!(samplePercent > 0 && samplePercent <= 100)) {
    throw SlipwayError.invalidParameter(`Invalid value ${samplePercent} for parameter '${field}.sample_percent': it is a share of requests in (0, 100].`);
  }
  return { samplePercent };
}

function readRuntime(input: unknown, field: string): RuntimePreference {
  if (input === undefined || input === null || input === '') return 'auto';
  const found = RUNTIMES.find((r) => r === input);
  if (found === undefined) {
    throw SlipwayError.invalidParameter(`Invalid value ${clip(JSON.stringify(input) ?? typeof input)} for parameter '${field}': it is one of ${RUNTIMES.join(', ')}.`);
  }
  return found;
}

/**
 * A rollout policy with defaults: blue/green (`steps` [100], `bake_seconds` 0) unless
 * `strategy` is `canary` (`steps` [10, 50, 100], `bake_seconds` 60); `min_requests` 20;
 * no error-rate or latency threshold unless given. Canary steps increase and end at 100.
 */
export function readRolloutPolicy(input: RolloutPolicyInput | undefined): RolloutPolicy {
  const p = input ?? {};
  const strategy = p.strategy === undefined || p.strategy === '' ? 'blue-green' : p.strategy;
  if (strategy !== 'blue-green' && strategy !== 'canary') {
    throw SlipwayError.invalidParameter(`Invalid value '${clip(String(strategy))}' for parameter 'rollout.strategy': it is blue-green or canary.`);
  }
  const steps = readSteps(p.steps, strategy);
  const bakeSeconds = p.bakeSeconds === undefined ? (strategy === 'canary' ? 60 : 0) : number(p.bakeSeconds, 'rollout.bake_seconds');
  if (bakeSeconds < 0 || bakeSeconds > ENDPOINT_LIMITS.bakeSeconds) {
    throw SlipwayError.invalidParameter(`Invalid value ${bakeSeconds} for parameter 'rollout.bake_seconds': it is between 0 and ${ENDPOINT_LIMITS.bakeSeconds} (a week).`);
  }
  const maxErrorRate = p.maxErrorRate === undefined ? undefined : number(p.maxErrorRate, 'rollout.max_error_rate');
  if (maxErrorRate !== undefined && (maxErrorRate < 0 || maxErrorRate > 1)) {
    throw SlipwayError.invalidParameter(`Invalid value ${maxErrorRate} for parameter 'rollout.max_error_rate': it is a fraction of requests, between 0 and 1.`);
  }
  const maxP99Ms = p.maxP99Ms === undefined ? undefined : number(p.maxP99Ms, 'rollout.max_p99_ms');
  if (maxP99Ms !== undefined && !(maxP99Ms > 0)) {
    throw SlipwayError.invalidParameter(`Invalid value ${maxP99Ms} for parameter 'rollout.max_p99_ms': it is a latency in milliseconds, above 0.`);
  }
  const minRequests = p.minRequests === undefined ? DEFAULT_MIN_REQUESTS : number(p.minRequests, 'rollout.min_requests');
  if (!Number.isInteger(minRequests) || minRequests < 1 || minRequests > ENDPOINT_LIMITS.minRequests) {
    throw SlipwayError.invalidParameter(`Invalid value ${minRequests} for parameter 'rollout.min_requests': it is a whole number of requests, 1 to ${ENDPOINT_LIMITS.minRequests}.`);
  }
  return {
    strategy,
    steps,
    bakeSeconds,
    rollback: { ...(maxErrorRate === undefined ? {} : { maxErrorRate }), ...(maxP99Ms === undefined ? {} : { maxP99Ms }), minRequests },
  };
}

function readSteps(input: readonly number[] | undefined, strategy: 'blue-green' | 'canary'): number[] {
  if (input === undefined) return strategy === 'canary' ? [10, 50, 100] : [100];
  if (!Array.isArray(input) || input.length === 0) throw SlipwayError.invalidParameter("Invalid value for parameter 'rollout.steps': it is a list of traffic shares ending at 100.");
  const steps = input.map((s, i) => number(s, `rollout.steps[${i}]`));
  if (strategy === 'blue-green') {
    if (steps.length !== 1 || steps[0] !== 100) {
      throw SlipwayError.invalidParameter(`Invalid value [${steps.join(', ')}] for parameter 'rollout.steps': blue-green switches all traffic at once ([100]); use strategy canary for steps.`);
    }
    return steps;
  }
  if (steps.length > ENDPOINT_LIMITS.canarySteps) {
    throw SlipwayError.invalidParameter(`Invalid value for parameter 'rollout.steps': ${steps.length} steps; the limit is ${ENDPOINT_LIMITS.canarySteps}.`);
  }
  steps.forEach((s, i) => {
    if (!(s > 0 && s <= 100)) throw SlipwayError.invalidParameter(`Invalid value ${s} for parameter 'rollout.steps[${i}]': a step is a traffic share in (0, 100].`);
    if (i > 0 && s <= steps[i - 1]!) {
      throw SlipwayError.invalidParameter(`Invalid value ${s} for parameter 'rollout.steps[${i}]': steps increase (the previous one is ${steps[i - 1]}).`);
    }
  });
  if (steps[steps.length - 1] !== 100) {
    throw SlipwayError.invalidParameter(`Invalid value ${steps[steps.length - 1]} for parameter 'rollout.steps[${steps.length - 1}]': the last step is 100 (all traffic on the new variants).`);
  }
  return steps;
}

/** Description and tags (optional on create and update). */
export function readDescription(input: unknown): string | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'string') throw SlipwayError.invalidParameter("Invalid value for parameter 'description': it is a string.");
  if (input.length > ENDPOINT_LIMITS.descriptionLength) {
    throw SlipwayError.invalidParameter(`Parameter 'description' is ${input.length} characters long; the limit is ${ENDPOINT_LIMITS.descriptionLength}.`);
  }
  return input;
}

export function readTags(input: unknown): Record<string, string> | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'object' || Array.isArray(input)) throw SlipwayError.invalidParameter("Invalid value for parameter 'tags': it is an object of string values.");
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > ENDPOINT_LIMITS.tags) throw SlipwayError.invalidParameter(`Invalid value for parameter 'tags': ${entries.length} tags; the limit is ${ENDPOINT_LIMITS.tags}.`);
  const out: Record<string, string> = {};
  for (const [key, value] of entries) {
    if (key === '' || key.length > ENDPOINT_LIMITS.tagKeyLength) {
      throw SlipwayError.invalidParameter(`Invalid tag key '${clip(key)}' for parameter 'tags': a key is 1-${ENDPOINT_LIMITS.tagKeyLength} characters.`);
    }
    if (typeof value !== 'string') throw SlipwayError.invalidParameter(`Invalid value for parameter 'tags.${clip(key)}': it is a string.`);
    if (value.length > ENDPOINT_LIMITS.tagValueLength) {
      throw SlipwayError.invalidParameter(`Parameter 'tags.${clip(key)}' is ${value.length} characters long; the limit is ${ENDPOINT_LIMITS.tagValueLength}.`);
    }
    out[key] = value;
  }
  return out;
}

/** An optional free-text reason (a manual rollback's). */
export function readReason(input: unknown, field = 'reason'): string | undefined {
  if (input === undefined || input === null || input === '') return undefined;
  if (typeof input !== 'string') throw SlipwayError.invalidParameter(`Invalid value for parameter '${field}': it is a string.`);
  if (input.length > ENDPOINT_LIMITS.reasonLength) {
    throw SlipwayError.invalidParameter(`Parameter '${field}' is ${input.length} characters long; the limit is ${ENDPOINT_LIMITS.reasonLength}.`);
  }
  return input;
}

/** Gives every unnamed variant its model version's name (`housing-3`), made unique. */
export function nameVariants(read: readonly (ReadVariant & { modelName: string; modelVersion: string })[]): string[] {
  const taken = new Set(read.map((v) => v.name).filter((n): n is string => n !== undefined));
  return read.map((v) => {
    if (v.name !== undefined) return v.name;
    const base = slug(`${v.modelName}-${v.modelVersion}`);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base.slice(0, 60 - String(n).length)}-${n}`;
    taken.add(name);
    return name;
  });
}

/** The spec a read variant stands for, once named and resolved. */
export function variantSpec(v: ReadVariant, name: string): VariantSpec {
  return { name, modelUri: v.modelUri, weight: v.weight, ...(v.shadow === undefined ? {} : { shadow: v.shadow }), runtime: v.runtime };
}

function slug(text: string): string {
  const s = text
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+/, '');
  const cut = s.slice(0, 56).replace(/-+$/, '');
  return ENDPOINT_NAME_PATTERN.test(cut) ? cut : `v-${cut}`.slice(0, 56).replace(/-+$/, '');
}

function number(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw SlipwayError.invalidParameter(`Invalid value ${clip(JSON.stringify(value) ?? String(value))} for parameter '${field}': it must be a number.`);
  }
  return value;
}

function round(n: number): number {
  return Math.round(n * 1e9) / 1e9;
}

function clip(text: string): string {
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}
