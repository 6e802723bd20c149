import type { RegistryChange } from '../core/entities/registry-change.js';
import type { RegistryTriggerEvent } from '../core/pipelines/pipeline-model.js';
import type { Trigger } from '../core/triggers/trigger.js';
import type { MatchedEvent, TriggerServiceDeps } from './trigger-context.js';

/** The cursor's name in `change_log_cursors`. */
export const REGISTRY_TRIGGER_CONSUMER = 'triggers';
const BATCH = 100;

/**
 * Fires `registry` triggers from the registry's change log, read after a persisted cursor
 * (like the webhook dispatcher): a new version of the model (`version_created`), an alias
 * set (`alias_set`, optionally only one alias) or an approval granted
 * (`approval_granted`). Each (trigger, change) is claimed once, so two servers reading
 * the same entries start one execution.
 */
export class RegistryWatcher {
  constructor(
    private readonly deps: TriggerServiceDeps,
    private readonly fire: (trigger: Trigger, event: MatchedEvent) => Promise<unknown>,
  ) {}

  async poll(): Promise<void> {
    for (;;) {
      const cursor = await this.deps.store.readChangeCursor(REGISTRY_TRIGGER_CONSUMER);
      const changes = await this.deps.registry.listChanges({ afterId: cursor, limit: BATCH });
      if (changes.length === 0) return;
      const triggers = await this.deps.store.triggersOfType('registry');
      for (const change of changes) {
        const event = registryEventOf(change);
        if (event === undefined) continue;
        for (const trigger of triggers) {
          if (!matches(trigger, change, event)) continue;
          await this.fire(trigger, {
            summary: { change_id: change.id, event, type: change.type, model: change.modelName, version: change.version ?? null, ...aliasOf(change), actor: change.actor },
            description: `${event} ${change.modelName}${change.version === undefined ? '' : ` v${change.version}`}${aliasText(change)}`,
            context: { event, model: change.modelName, version: change.version, ...aliasOf(change), actor: change.actor, change_id: change.id },
            dedupKey: `change:${change.id}`,
          });
        }
      }
      await this.deps.store.moveChangeCursor(REGISTRY_TRIGGER_CONSUMER, cursor, changes.at(-1)!.id);
      if (changes.length < BATCH) return;
    }
  }
}

/** Which trigger event a change is, if any. */
export function registryEventOf(change: RegistryChange): RegistryTriggerEvent | undefined {
  if (change.type === 'model_version.created') return 'version_created';
  if (change.type === 'model_version_alias.created') return 'alias_set';
  if (change.type === 'model_version.approval_changed' && change.to === 'Approved') return 'approval_granted';
  return undefined;
}

function matches(trigger: Trigger, change: RegistryChange, event: RegistryTriggerEvent): boolean {
  // A trigger hears of what happened after it was created, not of older history.
  if (change.timestamp < trigger.createdTime) return false;
  if (trigger.config.model !== change.modelName || trigger.config.event !== event) return false;
  const alias = trigger.config.alias;
  return typeof alias !== 'string' || aliasOf(change).alias === alias;
}

function aliasOf(change: RegistryChange): { alias?: string } {
  return change.field?.startsWith('alias:') === true ? { alias: change.field.slice('alias:'.length) } : {};
}

function aliasText(change: RegistryChange): string {
  const { alias } = aliasOf(change);
  return alias === undefined ? '' : ` @${alias}`;
}
