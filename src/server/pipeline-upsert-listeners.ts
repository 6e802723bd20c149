import type { PipelineOperations, PipelineVersion } from '../core/pipelines/execution-model.js';

/** Called after every successful pipeline upsert with the version stored (or found). */
export type PipelineUpsertListener = (version: PipelineVersion) => Promise<void>;

/**
 * The engine's operations with `upsertPipeline` followed by every listener (the scheduler
 * syncs the pipeline's `on: schedule:`, the triggers their `on:` events). A listener's
 * failure fails the upsert's response, though the version is stored: the upsert can be
 * repeated (same content, same version) and the listeners run again.
 *
 * Every other member is the engine's own, bound to it (the engine keeps private fields, so
 * its methods must be called on it), including ones added to the interface later.
 */
export function withPipelineUpsertListeners<T extends PipelineOperations>(engine: T, listeners: readonly PipelineUpsertListener[]): T {
  const upsertPipeline: PipelineOperations['upsertPipeline'] = async (input, actor) => {
    const result = await engine.upsertPipeline(input, actor);
    for (const listener of listeners) await listener(result.pipeline);
    return result;
  };
  return new Proxy(engine, {
    get(target, property) {
      if (property === 'upsertPipeline') return upsertPipeline;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
