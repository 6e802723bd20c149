import { SlipwayError } from '../core/errors/slipway-error.js';
import type { PipelineVersion } from '../core/pipelines/execution-model.js';
import { IssueList, formatDocumentPath } from '../core/pipelines/pipeline-issues.js';
import type { EventTriggerSpecs, JsonValue, ParamSpec } from '../core/pipelines/pipeline-model.js';
import { TRIGGER_NAME, readEventTriggerSpecs } from '../core/pipelines/read-event-trigger-specs.js';
import { TRIGGER_TYPES, type TriggerType } from '../core/triggers/trigger.js';

/** A trigger's definition before it is stored: what a pipeline's `on:` entry or an API request says. */
export interface TriggerDefinition {
  readonly name: string;
  readonly type: TriggerType;
  readonly config: Readonly<Record<string, JsonValue>>;
  readonly params: Readonly<Record<string, string>>;
}

/** The triggers a pipeline version's `on:` block declares, named `<pipeline>.<kind>[-<i>]` unless named. */
export function pipelineTriggerDefinitions(version: PipelineVersion): TriggerDefinition[] {
  const events: EventTriggerSpecs | undefined = version.definition.on?.events;
  if (events === undefined) return [];
  const base = version.name;
  const out: TriggerDefinition[] = [];
  if (events.push !== undefined) {
    const { name, params, ...config } = events.push;
    out.push({ name: name ?? `${base}.push`, type: 'push', config: { ...config }, params });
  }
  if (events.webhook !== undefined) {
    const { name, params, ...config } = events.webhook;
    out.push({ name: name ?? `${base}.webhook`, type: 'webhook', config: { ...config }, params });
  }
  const lists = [
    ['data', events.data],
    ['registry', events.registry],
    ['pipeline', events.pipeline],
  ] as const;
  for (const [type, specs] of lists) {
    specs.forEach((spec, i) => {
      const { name, params, ...config } = spec;
      out.push({ name: name ?? `${base}.${type}-${i}`, type, config: { ...config }, params });
    });
  }
  return out;
}

/** What `POST /triggers` takes: the YAML keys of one `on:` entry as `config`, params apart. */
export interface CreateTriggerRequest {
  readonly name: string;
  readonly pipeline: string;
  readonly type: string;
  readonly config: Readonly<Record<string, unknown>>;
  readonly params?: Readonly<Record<string, unknown>> | undefined;
  /** The HMAC key of a `webhook` or `push` trigger, stored with it (instead of `config.secret`, a server secret's name). */
  readonly secret?: string | undefined;
}

/**
 * Reads an API request into a definition with the same reader as the YAML (so the same
 * checks, messages naming `config.<key>`), against the pipeline's declared params.
 */
export function apiTriggerDefinition(request: CreateTriggerRequest, declaredParams: Readonly<Record<string, ParamSpec>>): TriggerDefinition {
  if (!TRIGGER_NAME.test(request.name)) {
    throw SlipwayError.invalidParameter(`name: '${request.name}' is not a trigger name (letters, digits, '_', '.', '-'; at most 200)`);
  }
  if (!(TRIGGER_TYPES as readonly string[]).includes(request.type)) {
    throw SlipwayError.invalidParameter(`type: must be one of ${TRIGGER_TYPES.join(', ')}; got '${request.type}'`);
  }
  const type = request.type as TriggerType;
  const signed = type === 'push' || type === 'webhook';
  const hasValue = request.secret !== undefined && request.secret !== '';
  if (!signed && hasValue) throw SlipwayError.invalidParameter(`secret: only webhook and push triggers take a secret`);
  if (signed && hasValue && request.config.secret !== undefined) {
    throw SlipwayError.invalidParameter('secret: give either the secret value (secret) or a server secret name (config.secret), not both');
  }
  if ('name' in request.config || 'params' in request.config) {
    throw SlipwayError.invalidParameter(`config: 'name' and 'params' are fields of the request, not of config`);
  }
  // A stored secret stands in for the server secret's name while the entry is read.
  const entry = { ...request.config, ...(signed && hasValue ? { secret: 'STORED_SECRET' } : {}), ...(request.params === undefined ? {} : { params: request.params }) };
  const issues = new IssueList();
  const specs = readEventTriggerSpecs({ [type]: entry }, issues, declaredParams);
  if (!issues.empty) {
    const messages = issues.issues.map((i) => {
      const rest = i.segments.slice(2);
      const where = rest[0] === 'params' ? formatDocumentPath(rest) : formatDocumentPath(['config', ...rest]);
      return `${where}: ${i.message}`;
    });
    throw SlipwayError.invalidParameter(messages.join('\n'));
  }
  const spec = type === 'push' ? specs.push : type === 'webhook' ? specs.webhook : specs[type][0];
  if (spec === undefined) throw SlipwayError.invalidParameter('config: missing');
  const { name: _name, params, ...config } = spec as unknown as { name?: string; params: Record<string, string> } & Record<string, JsonValue>;
  const stored = signed && hasValue ? Object.fromEntries(Object.entries(config).filter(([k]) => k !== 'secret')) : config;
  return { name: request.name, type, config: stored, params };
}
