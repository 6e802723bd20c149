/**
 * Reads the event triggers of a pipeline's `on:` block (`push`, `webhook`, `data`,
 * `registry`, `pipeline`); `schedule` is read elsewhere. Keys are kebab-case as in the
 * rest of the YAML; every problem names its document path (`on.push.branches[0]`), so the
 * YAML loader reports `file:line:col`. See docs/triggers.md.
 * @module
 */

import { checkEventPlaceholders } from '../triggers/event-placeholders.js';
import { parseDuration } from './parse-duration.js';
import { didYouMean, quoteList, type DocumentPath, type IssueList } from './pipeline-issues.js';
import {
  PIPELINE_FINISHED_STATUSES,
  REGISTRY_TRIGGER_EVENTS,
  type DataTriggerSpec,
  type EventTriggerSpecs,
  type ParamSpec,
  type PipelineFinishedStatus,
  type PipelineFinishedTriggerSpec,
  type PushTriggerSpec,
  type RegistryTriggerEvent,
  type RegistryTriggerSpec,
  type WebhookTriggerSpec,
} from './pipeline-model.js';

/** Quiet time of a data trigger when it gives no `debounce`. */
export const DEFAULT_DATA_DEBOUNCE_SECONDS = 30;

/** Trigger names: like pipeline names, plus `.` (`housing.push`). */
export const TRIGGER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,199}$/;

/** A server secret's name: an environment variable name. */
const SECRET_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Reads the event triggers of an `on:` map (other keys are ignored here). With
 * `declaredParams`, every trigger's `params` keys must be declared by the pipeline.
 */
export function readEventTriggerSpecs(
  on: Readonly<Record<string, unknown>>,
  issues: IssueList,
  declaredParams?: Readonly<Record<string, ParamSpec>>,
): EventTriggerSpecs {
  const reader = new EventTriggerReader(issues, declaredParams);
  const push = present(on.push) ? reader.push(on.push, ['on', 'push']) : undefined;
  const webhook = present(on.webhook) ? reader.webhook(on.webhook, ['on', 'webhook']) : undefined;
  const data = reader.list(on.data, ['on', 'data'], (v, p) => reader.data(v, p));
  const registry = reader.list(on.registry, ['on', 'registry'], (v, p) => reader.registry(v, p));
  const pipeline = reader.list(on.pipeline, ['on', 'pipeline'], (v, p) => reader.pipeline(v, p));
  return {
    ...(push === undefined ? {} : { push }),
    ...(webhook === undefined ? {} : { webhook }),
    data,
    registry,
    pipeline,
  };
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

class EventTriggerReader {
  constructor(
    private readonly issues: IssueList,
    private readonly declaredParams: Readonly<Record<string, ParamSpec>> | undefined,
  ) {}

  push(value: unknown, path: DocumentPath): PushTriggerSpec | undefined {
    const map = this.map(value, path, ['branches', 'paths', 'secret', 'params', 'name'], "'on.push'");
    if (map === undefined) return undefined;
    const secret = this.secret(map.secret, [...path, 'secret']);
    return {
      ...this.name(map.name, [...path, 'name']),
      branches: this.globs(map.branches, [...path, 'branches']),
      paths: this.globs(map.paths, [...path, 'paths']),
      secret: secret ?? '',
      params: this.params(map.params, [...path, 'params']),
    };
  }

  webhook(value: unknown, path: DocumentPath): WebhookTriggerSpec | undefined {
    const map = this.map(value, path, ['secret', 'params', 'name'], "'on.webhook'");
    if (map === undefined) return undefined;
    const secret = this.secret(map.secret, [...path, 'secret']);
    return { ...this.name(map.name, [...path, 'name']), secret: secret ?? '', params: this.params(map.params, [...path, 'params']) };
  }

  data(value: unknown, path: DocumentPath): DataTriggerSpec | undefined {
    const map = this.map(value, path, ['path', 'debounce', 'params', 'name'], 'a data trigger');
    if (map === undefined) return undefined;
    const watched = this.string(map.path, [...path, 'path'], 'path', 'a file, directory or glob (local path or mlflow-artifacts:/…)');
    let debounceSeconds = DEFAULT_DATA_DEBOUNCE_SECONDS;
    if (present(map.debounce)) {
      const parsed = typeof map.debounce === 'string' || typeof map.debounce === 'number' ? parseDuration(map.debounce) : undefined;
      if (parsed === undefined && map.debounce !== 0 && map.debounce !== '0') {
        this.issues.add([...path, 'debounce'], `'debounce' must be a duration (30s, 5m, PT1M) or seconds; got ${JSON.stringify(map.debounce)}`);
      } else {
        debounceSeconds = parsed ?? 0;
      }
    }
    return {
      ...this.name(map.name, [...path, 'name']),
      path: watched ?? '',
      debounceSeconds,
      params: this.params(map.params, [...path, 'params']),
    };
  }

  registry(value: unknown, path: DocumentPath): RegistryTriggerSpec | undefined {
    const map = this.map(value, path, ['model', 'event', 'alias', 'params', 'name'], 'a registry trigger');
    if (map === undefined) return undefined;
    const model = this.string(map.model, [...path, 'model'], 'model', 'a registered model name');
    let event: RegistryTriggerEvent = 'version_created';
    if (!present(map.event)) {
      this.issues.add([...path], `a registry trigger needs 'event' (${quoteList(REGISTRY_TRIGGER_EVENTS, 'or')})`);
    } else if (typeof map.event !== 'string' || !(REGISTRY_TRIGGER_EVENTS as readonly string[]).includes(map.event)) {
      const hint = typeof map.event === 'string' ? didYouMean(map.event, REGISTRY_TRIGGER_EVENTS) : '';
      this.issues.add([...path, 'event'], `unknown registry event ${JSON.stringify(map.event)}${hint || ` (expected ${quoteList(REGISTRY_TRIGGER_EVENTS, 'or')})`}`);
    } else {
      event = map.event as RegistryTriggerEvent;
    }
    let alias: string | undefined;
    if (present(map.alias)) {
      if (event !== 'alias_set') this.issues.add([...path, 'alias'], "'alias' applies only to the 'alias_set' event");
      alias = this.string(map.alias, [...path, 'alias'], 'alias', 'an alias name');
    }
    return {
      ...this.name(map.name, [...path, 'name']),
      model: model ?? '',
      event,
      ...(alias === undefined ? {} : { alias }),
      params: this.params(map.params, [...path, 'params']),
    };
  }

  pipeline(value: unknown, path: DocumentPath): PipelineFinishedTriggerSpec | undefined {
    const map = this.map(value, path, ['pipeline', 'status', 'params', 'name'], 'a pipeline trigger');
    if (map === undefined) return undefined;
    const pipeline = this.string(map.pipeline, [...path, 'pipeline'], 'pipeline', 'the name of the pipeline whose executions are watched');
    let status: PipelineFinishedStatus[] = ['succeeded'];
    if (present(map.status)) {
      const raw = Array.isArray(map.status) ? (map.status as unknown[]) : [map.status];
      const listed = Array.isArray(map.status);
      status = [];
      raw.forEach((item, i) => {
        const at = listed ? [...path, 'status', i] : [...path, 'status'];
        if (typeof item !== 'string' || !(PIPELINE_FINISHED_STATUSES as readonly string[]).includes(item)) {
          this.issues.add(at, `unknown status ${JSON.stringify(item)} (expected ${quoteList(PIPELINE_FINISHED_STATUSES, 'or')})`);
        } else if (!status.includes(item as PipelineFinishedStatus)) {
          status.push(item as PipelineFinishedStatus);
        }
      });
      if (raw.length === 0) this.issues.add([...path, 'status'], "'status' must not be empty");
    }
    return {
      ...this.name(map.name, [...path, 'name']),
      pipeline: pipeline ?? '',
      status,
      params: this.params(map.params, [...path, 'params']),
    };
  }

  /** A list of entries (a single map is taken as a list of one). */
  list<T>(value: unknown, path: DocumentPath, read: (value: unknown, path: DocumentPath) => T | undefined): T[] {
    if (!present(value)) return [];
    if (!Array.isArray(value)) {
      const one = read(value, path);
      return one === undefined ? [] : [one];
    }
    const out: T[] = [];
    value.forEach((item, i) => {
      const one = read(item, [...path, i]);
      if (one !== undefined) out.push(one);
    });
    return out;
  }

  private map(value: unknown, path: DocumentPath, keys: readonly string[], what: string): Record<string, unknown> | undefined {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      this.issues.add(path, `${what} must be a map (${quoteList(keys)}), not ${typeName(value)}`);
      return undefined;
    }
    const map = value as Record<string, unknown>;
    for (const key of Object.keys(map)) {
      if (keys.includes(key)) continue;
      const hint = didYouMean(key, keys);
      this.issues.add([...path, key], `unknown key '${key}' in ${what}${hint || ` (expected ${quoteList(keys, 'or')})`}`, { target: 'key' });
    }
    return map;
  }

  private string(value: unknown, path: DocumentPath, key: string, what: string): string | undefined {
    if (!present(value)) {
      this.issues.add(path.slice(0, -1), `missing '${key}': ${what}`);
      return undefined;
    }
    if (typeof value !== 'string' || value.trim() === '') {
      this.issues.add(path, `'${key}' must be ${what}, not ${typeof value === 'string' ? 'empty' : typeName(value)}`);
      return undefined;
    }
    return value;
  }

  private secret(value: unknown, path: DocumentPath): string | undefined {
    const secret = this.string(value, path, 'secret', 'the name of a server secret (an environment variable given with --pipeline-secrets)');
    if (secret !== undefined && !SECRET_NAME.test(secret)) {
      this.issues.add(path, `'secret' names a server secret (an environment variable such as GITHUB_WEBHOOK_SECRET), not its value; got '${secret.length > 12 ? `${secret.slice(0, 4)}…` : secret}'`);
      return undefined;
    }
    return secret;
  }

  private name(value: unknown, path: DocumentPath): { name?: string } {
    if (!present(value)) return {};
    if (typeof value !== 'string' || !TRIGGER_NAME.test(value)) {
      this.issues.add(path, `'name' must be a trigger name (letters, digits, '_', '.', '-'; at most 200), not ${JSON.stringify(value)}`);
      return {};
    }
    return { name: value };
  }

  private globs(value: unknown, path: DocumentPath): string[] {
    if (!present(value)) return [];
    const list = Array.isArray(value) ? (value as unknown[]) : [value];
    const out: string[] = [];
    list.forEach((item, i) => {
      const at = Array.isArray(value) ? [...path, i] : path;
      if (typeof item !== 'string' || item.trim() === '') this.issues.add(at, `expected a name or glob, not ${typeof item === 'string' ? 'an empty string' : typeName(item)}`);
      else out.push(item);
    });
    return out;
  }

  private params(value: unknown, path: DocumentPath): Record<string, string> {
    if (!present(value)) return {};
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.issues.add(path, `'params' must be a map of param values, not ${typeName(value)}`);
      return {};
    }
    const out: Record<string, string> = {};
    for (const [name, raw] of Object.entries(value as Record<string, unknown>)) {
      const at = [...path, name];
      if (this.declaredParams !== undefined && !Object.hasOwn(this.declaredParams, name)) {
        const declared = Object.keys(this.declaredParams);
        const hint = didYouMean(name, declared);
        this.issues.add(at, `unknown param '${name}'${hint || (declared.length === 0 ? ' (the pipeline declares no params)' : ` (declared: ${quoteList(declared)})`)}`, {
          target: 'key',
        });
        continue;
      }
      if (typeof raw !== 'string' && typeof raw !== 'number' && typeof raw !== 'boolean') {
        this.issues.add(at, `param '${name}' must be a string, number or boolean, not ${typeName(raw)}`);
        continue;
      }
      const text = String(raw);
      const problem = checkEventPlaceholders(text);
      if (problem !== undefined) {
        this.issues.add(at, problem.message, { offset: problem.offset });
        continue;
      }
      out[name] = text;
    }
    return out;
  }
}
