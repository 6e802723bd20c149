import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMlModel } from '../../src/core/serving/ml-model.js';
import { parseScoringJson } from '../../src/core/serving/parse-scoring-request.js';
import { toFeatureBatch } from '../../src/core/serving/to-feature-batch.js';
import {
  CATEGORICAL_COLUMN,
  NUMERIC_COLUMNS,
  predictTrees,
  selectRows,
  transformHousing,
  trainHousingModel,
  writeHousingModelDir,
  type HousingData,
  type HousingTraining,
} from '../../src/ml/index.js';
import { loadServedModel, type ServedModel } from '../../src/serving/load-served-model.js';
import { OnnxModelRuntime } from '../../src/serving/onnx/onnx-model-runtime.js';

const DATA = fileURLToPath(new URL('../../examples/california-housing/data/california-housing.csv', import.meta.url));

/** The raw columns of `data` as ONNX feeds (float32 numbers, NaN for blanks; strings). */
function feedsOf(data: HousingData): Record<string, ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {};
  NUMERIC_COLUMNS.forEach((column, index) => (feeds[column] = new ort.Tensor('float32', Float32Array.from(data.numeric[index]!), [data.rows])));
  feeds[CATEGORICAL_COLUMN] = new ort.Tensor('string', [...data.oceanProximity], [data.rows]);
  return feeds;
}

function jsPredictions(training: HousingTraining, data: HousingData): Float64Array {
  return predictTrees(training.trees, transformHousing(training.preprocessor, data), training.preprocessor.featureNames.length);
}

describe('the Node housing model (gradient-boosted trees, default settings)', () => {
  let training: HousingTraining;
  let session: ort.InferenceSession;

  beforeAll(async () => {
    training = await trainHousingModel({ data: DATA });
    session = await ort.InferenceSession.create(training.onnx);
  }, 180_000);
  afterAll(() => session?.release());

  it('splits 16,512 / 4,128 rows and imputes the 207 blank total_bedrooms', () => {
    expect(training.train.rows).toBe(16_512);
    expect(training.test.rows).toBe(4_128);
    expect(training.params['imputed_total_bedrooms']).toBe(207);
    const bedrooms = NUMERIC_COLUMNS.indexOf('total_bedrooms');
    const present = Array.from(training.train.numeric[bedrooms]!).filter((value) => !Number.isNaN(value)).sort((a, b) => a - b);
    const middle = present.length >> 1;
    const median = present.length % 2 === 1 ? present[middle]! : (present[middle - 1]! + present[middle]!) / 2;
    expect(training.preprocessor.medians[bedrooms]).toBe(median);
  });

  it('beats the linear baseline on the held-out rows by a wide margin', () => {
    const { rmse, baseline_rmse: baseline, r2 } = training.metrics;
    expect(baseline).toBeGreaterThan(0.6);
    expect(baseline).toBeLessThan(0.8);
    expect(rmse).toBeLessThan(0.55);
    expect(rmse).toBeLessThan(baseline * 0.8);
    expect(r2).toBeGreaterThan(0.75);
  });

  it('is deterministic: the same seed gives the same trees', async () => {
    const again = await trainHousingModel({ data: DATA, nEstimators: 20 });
    const twice = await trainHousingModel({ data: DATA, nEstimators: 20 });
    expect(Array.from(twice.testPredictions)).toEqual(Array.from(again.testPredictions));
  }, 60_000);

  it('exports ONNX that predicts what the JavaScript model does (within 1e-4), blanks and all', async () => {
    const bedrooms = NUMERIC_COLUMNS.indexOf('total_bedrooms');
    const blanks = Array.from(training.test.numeric[bedrooms]!).filter((value) => Number.isNaN(value)).length;
    expect(blanks).toBeGreaterThan(0);
    const output = (await session.run(feedsOf(training.test)))['variable']!;
    expect(output.dims).toEqual([training.test.rows, 1]);
    const onnx = output.data as Float32Array;
    training.testPredictions.forEach((value, row) => expect(Math.abs(value - onnx[row]!)).toBeLessThan(1e-4));
  });

  it('treats an unknown ocean_proximity as no category, in JavaScript and in ONNX alike', async () => {
    const rows = selectRows(training.test, [0, 1, 2]);
    const odd: HousingData = { ...rows, oceanProximity: ['ON THE MOON', rows.oceanProximity[1]!, ''] };
    const onnx = (await session.run(feedsOf(odd)))['variable']!.data as Float32Array;
    jsPredictions(training, odd).forEach((value, row) => expect(Math.abs(value - onnx[row]!)).toBeLessThan(1e-4));
  });

  describe('as an MLflow model directory', () => {
    let dir: string;
    let served: ServedModel | undefined;
    beforeAll(async () => {
      dir = await mkdtemp(path.join(tmpdir(), 'slipway-ml-model-'));
      await writeHousingModelDir(training, dir, { modelId: 'm-0123456789abcdef' });
    });
    afterAll(async () => {
      await served?.close();
      await rm(dir, { recursive: true, force: true });
    });

    it('writes MLmodel with the onnx and python_function flavors, a column signature and examples', async () => {
      const mlmodel = parseMlModel(await readFile(path.join(dir, 'MLmodel'), 'utf8'));
      expect(mlmodel.flavors['onnx']?.['data']).toBe('model.onnx');
      expect(mlmodel.flavors['python_function']?.['loader_module']).toBe('mlflow.onnx');
      expect(mlmodel.signature?.inputs?.map((spec) => [spec.name, spec.kind === 'column' ? spec.type : spec.dtype])).toEqual([
        ...NUMERIC_COLUMNS.map((name) => [name, 'double']),
        ['ocean_proximity', 'string'],
      ]);
      expect(mlmodel.inputExampleInfo?.['serving_input_path']).toBe('serving_input_example.json');
      const example = JSON.parse(await readFile(path.join(dir, 'serving_input_example.json'), 'utf8')) as { dataframe_split: { columns: string[]; data: unknown[][] } };
      expect(example.dataframe_split.columns).toEqual([...NUMERIC_COLUMNS, 'ocean_proximity']);
      expect(example.dataframe_split.data).toHaveLength(5);
      expect(await readFile(path.join(dir, 'MLmodel'), 'utf8')).toContain('model_id: m-0123456789abcdef');
    });

    it('loads in the ONNX runtime and scores raw rows (a blank total_bedrooms included) as the JavaScript model does', async () => {
      served = await loadServedModel({ dir, name: 'housing', version: '1', downloaded: false }, { runtime: new OnnxModelRuntime(), microBatch: false });
      const rows = selectRows(training.test, [0, 1, 2, 3]);
      const bedrooms = NUMERIC_COLUMNS.indexOf('total_bedrooms');
      rows.numeric[bedrooms]![2] = Number.NaN;
      const body = {
        dataframe_split: {
          columns: [...NUMERIC_COLUMNS, 'ocean_proximity'],
          data: Array.from({ length: rows.rows }, (_, row) => [...rows.numeric.map((column) => (Number.isNaN(column[row]!) ? null : column[row]!)), rows.oceanProximity[row]!]),
        },
      };
      const prediction = await served.score(toFeatureBatch(parseScoringJson(body).input, served.mlmodel.signature));
      const output = prediction.outputs.find((candidate) => candidate.name === prediction.primary)!;
      expect(output.shape).toEqual([4, 1]);
      const expected = jsPredictions(training, rows);
      expected.forEach((value, row) => expect(Math.abs(value - Number(output.data[row]))).toBeLessThan(1e-4));
    });
  });
});
