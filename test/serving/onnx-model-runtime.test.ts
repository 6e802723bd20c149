import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FeatureBatch, LoadedModel } from '../../src/core/ports/model-runtime.js';
import { parseMlModel } from '../../src/core/serving/ml-model.js';
import { toFeatureBatch } from '../../src/core/serving/to-feature-batch.js';
import { OnnxModelRuntime } from '../../src/serving/onnx/onnx-model-runtime.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

interface Expected {
  predictions: number[];
  probabilities: number[][];
  rows: { columns: string[]; data: number[][] };
}

async function load(name: string, offloadRows?: number): Promise<{ model: LoadedModel; expected: Expected; batch: (rows: number) => FeatureBatch }> {
  const dir = `${FIXTURES}${name}`;
  const mlmodel = parseMlModel(readFileSync(`${dir}/MLmodel`, 'utf8'));
  const model = await new OnnxModelRuntime(offloadRows === undefined ? {} : { offloadRows }).load(dir, mlmodel);
  const expected = JSON.parse(readFileSync(`${dir}/expected.json`, 'utf8')) as Expected;
  const batch = (rows: number) =>
    toFeatureBatch({ kind: 'table', columns: expected.rows.columns, rows: Array.from({ length: rows }, (_, row) => expected.rows.data[row % expected.rows.data.length]!) }, mlmodel.signature);
  return { model, expected, batch };
}

describe('OnnxModelRuntime', () => {
  it('serves a zipmap=False classifier: labels as predictions, probabilities as an [N, 2] tensor', async () => {
    const { model, expected, batch } = await load('heart-logreg-proba');
    try {
      const prediction = await model.predict(batch(expected.rows.data.length));
      expect(prediction.primary).toBe('label');
      const label = prediction.outputs.find((output) => output.name === 'label')!;
      expect(label.data).toEqual(expected.predictions);
      const probabilities = prediction.outputs.find((output) => output.name === 'probabilities')!;
      expect(probabilities).toMatchObject({ datatype: 'FP32', shape: [expected.rows.data.length, 2] });
      probabilities.data.forEach((value, index) => {
        expect(Math.abs((value as number) - expected.probabilities.flat()[index]!)).toBeLessThan(1e-4);
      });
    } finally {
      await model.close();
    }
  });

  it('lists only the tensor outputs of a ZipMap classifier', async () => {
    const { model } = await load('heart-logreg');
    try {
      expect(model.outputs).toEqual([{ name: 'output_label', datatype: 'INT64', shape: [-1] }]);
      expect(model.inputs).toEqual([{ name: 'X', datatype: 'FP32', shape: [-1, 13] }]);
    } finally {
      await model.close();
    }
  });

  it('refuses a model without an onnx flavor, naming its flavors', async () => {
    const mlmodel = parseMlModel('flavors:\n  sklearn:\n    pickled_model: model.pkl\n');
    await expect(new OnnxModelRuntime().load(`${FIXTURES}housing-rf`, mlmodel)).rejects.toThrow("The model has no 'onnx' flavor (its flavors: sklearn)");
  });

  describe('large batches on a worker thread', () => {
    let offloading: Awaited<ReturnType<typeof load>>;
    let inline: Awaited<ReturnType<typeof load>>;
    beforeAll(async () => {
      offloading = await load('housing-rf', 1000);
      inline = await load('housing-rf', Number.POSITIVE_INFINITY);
    });
    afterAll(async () => {
      await offloading.model.close();
      await inline.model.close();
    });

    it('gives the same predictions as the main-thread session', async () => {
      const batch = offloading.batch(5000);
      const [offloaded, local] = await Promise.all([offloading.model.predict(batch), inline.model.predict(batch)]);
      expect(offloaded.outputs[0]!.shape).toEqual([5000, 1]);
      // The same to float32 rounding: the worker's session uses one thread per core and the
      // event loop's one thread, so a row's 100 tree values may be summed in another order.
      const local0 = local.outputs[0]!.data as number[];
      const apart = (offloaded.outputs[0]!.data as number[]).map((value, index) => Math.abs(value - local0[index]!) / Math.max(1, Math.abs(local0[index]!)));
      expect(Math.max(...apart)).toBeLessThan(1e-6);
      const drift = offloaded.outputs[0]!.data.slice(0, 8).map((value, index) => Math.abs((value as number) - offloading.expected.predictions[index]!));
      expect(Math.max(...drift)).toBeLessThan(1e-4);
    });

    it('keeps the event loop turning while a large batch is scored', async () => {
      const batch = offloading.batch(300_000);
      await offloading.model.predict(offloading.batch(1000)); // the worker's session is ready
      const ticksDuring = async (model: LoadedModel): Promise<number> => {
        let ticks = 0;
        const timer = setInterval(() => ticks++, 1);
        await model.predict(batch);
        clearInterval(timer);
        return ticks;
      };
      const offloadedTicks = await ticksDuring(offloading.model);
      const inlineTicks = await ticksDuring(inline.model);
      expect(inlineTicks).toBeLessThanOrEqual(2);
      expect(offloadedTicks).toBeGreaterThan(inlineTicks + 5);
    });
  });
});
