import type { LoadedModel, ModelRuntime } from '../../core/ports/model-runtime.js';

/**
 * A runtime whose loaded models report the rows of every runtime call (after
 * micro-batching) to `onBatch`, for the batch-size histogram.
 */
export function observeBatches(runtime: ModelRuntime, onBatch: (rows: number) => void): ModelRuntime {
  return {
    async load(modelDir, mlmodel, options) {
      const loaded = await runtime.load(modelDir, mlmodel, options);
      const observed: LoadedModel = {
        runtime: loaded.runtime,
        runtimeReason: loaded.runtimeReason,
        signature: loaded.signature,
        inputs: loaded.inputs,
        outputs: loaded.outputs,
        predict: (batch) => {
          onBatch(batch.rows);
          return loaded.predict(batch);
        },
        close: () => loaded.close(),
      };
      return observed;
    },
  };
}
