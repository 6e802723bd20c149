import { ErrorCode } from '../core/errors/error-code.js';
import { SlipwayError } from '../core/errors/slipway-error.js';
import type { JsonValue } from '../core/pipelines/pipeline-model.js';
import type { TriggerStore } from '../core/ports/trigger-store.js';
import { configText, type Trigger, type TriggerEvent } from '../core/triggers/trigger.js';
import { recordOnce } from './fire-trigger.js';
import { pushMismatch, pushSummary, readGitHubPush } from './github-push.js';
import { GITHUB_SIGNATURE_HEADER, SLIPWAY_SIGNATURE_HEADER, verifyHookSignature } from './hook-signature.js';
import type { MatchedEvent } from './trigger-context.js';

/** A POST to `/hooks/<trigger>`: its headers (lower-case names) and raw body. */
export interface HookRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Uint8Array;
}

/** The answer: 200 for a GitHub ping, else 202 with what became of the event. */
export interface HookResult {
  readonly status: 200 | 202;
  readonly event: TriggerEvent | undefined;
  /** Set when the event was a duplicate delivery (already handled). */
  readonly duplicate?: boolean;
}

export interface HookDeps {
  readonly store: TriggerStore;
  readonly secrets: Readonly<Record<string, string>>;
  readonly now: () => number;
  readonly fire: (trigger: Trigger, event: MatchedEvent) => Promise<TriggerEvent | undefined>;
}

/**
 * Handles a delivery to a `webhook` or `push` trigger. The signature is checked first,
 * over the raw bytes: a missing or wrong one is recorded as rejected and answered 401
 * UNAUTHENTICATED with nothing started. Then a GitHub `ping` is answered 200; another
 * GitHub event than `push` (on a push trigger) is recorded as ignored; a body that is not
 * JSON (or not a push payload) is recorded as rejected and answered 400.
 */
export async function handleHook(deps: HookDeps, name: string, request: HookRequest): Promise<HookResult> {
  const trigger = await deps.store.getTrigger(name);
  if (trigger.type !== 'webhook' && trigger.type !== 'push') {
    throw SlipwayError.notFound(`Trigger '${name}' is a ${trigger.type} trigger; only webhook and push triggers take deliveries`);
  }
  const deliveryId = request.headers['x-github-delivery'] ?? request.headers['x-slipway-delivery-id'] ?? request.headers['x-mlflow-delivery-id'];
  const githubEvent = request.headers['x-github-event'];
  const base = (): Record<string, JsonValue> => ({
    ...(deliveryId === undefined ? {} : { delivery_id: deliveryId }),
    ...(githubEvent === undefined ? {} : { github_event: githubEvent }),
  });
  const record = (outcome: TriggerEvent['outcome'], reason: string, summary = base()): Promise<TriggerEvent | undefined> =>
    recordOnce(deps.store, { eventId: crypto.randomUUID(), triggerName: name, time: deps.now(), summary, outcome, reason }, undefined);

  const secret = await secretOf(deps, trigger);
  const signature = request.headers[GITHUB_SIGNATURE_HEADER] ?? request.headers[SLIPWAY_SIGNATURE_HEADER];
  if (secret === undefined || !verifyHookSignature(secret, request.body, signature)) {
    const reason =
      secret === undefined
        ? `the server has no secret '${configText(trigger.config, 'secret')}' (start it with --pipeline-secrets ${configText(trigger.config, 'secret')})`
        : signature === undefined
          ? 'no X-Hub-Signature-256 or X-Slipway-Signature-256 header'
          : 'the signature does not match the body';
    await record('rejected', reason);
    throw new SlipwayError(ErrorCode.UNAUTHENTICATED, `Delivery to trigger '${name}' refused: ${reason}`);
  }
  if (githubEvent === 'ping') return { status: 200, event: await record('ignored', 'GitHub ping (the webhook is set up)') };
  if (trigger.type === 'push' && githubEvent !== undefined && githubEvent !== 'push') {
    return { status: 202, event: await record('ignored', `GitHub '${githubEvent}' event; only 'push' is understood`) };
  }

  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(request.body).toString('utf8'));
  } catch (e) {
    await record('rejected', 'malformed JSON payload');
    throw SlipwayError.badRequest(`Malformed JSON in request body: ${e instanceof Error ? e.message : String(e)}`);
  }

  let event: MatchedEvent;
  if (trigger.type === 'push') {
    let push;
    try {
      push = readGitHubPush(payload);
    } catch (e) {
      await record('rejected', `malformed push payload: ${(e as Error).message}`);
      throw e;
    }
    const summary = pushSummary(push, deliveryId);
    const mismatch = pushMismatch(push, { branches: stringList(trigger.config.branches), paths: stringList(trigger.config.paths) });
    if (mismatch !== undefined) return { status: 202, event: await record('ignored', mismatch, summary) };
    event = {
      summary,
      description: `push ${push.ref}${push.headCommit === undefined ? '' : ` ${push.headCommit.slice(0, 12)}`} (${push.changedPaths.length} changed path${push.changedPaths.length === 1 ? '' : 's'})`,
      context: payload,
      dedupKey: deliveryId === undefined ? undefined : `delivery:${deliveryId}`,
    };
  } else {
    event = {
      summary: { ...base(), ...(isObject(payload) ? { keys: Object.keys(payload).slice(0, 20) } : { type: Array.isArray(payload) ? 'list' : typeof payload }) },
      description: `webhook${deliveryId === undefined ? '' : ` ${deliveryId}`}`,
      context: payload,
      dedupKey: deliveryId === undefined ? undefined : `delivery:${deliveryId}`,
    };
  }
  const fired = await deps.fire(trigger, event);
  return fired === undefined ? { status: 202, event: undefined, duplicate: true } : { status: 202, event: fired };
}

async function secretOf(deps: HookDeps, trigger: Trigger): Promise<string | undefined> {
  if (trigger.hasSecret) return deps.store.getTriggerSecret(trigger.name);
  const name = trigger.config.secret;
  if (typeof name !== 'string') return undefined;
  const value = deps.secrets[name];
  return value === undefined || value === '' ? undefined : value;
}

function stringList(value: JsonValue | undefined): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
