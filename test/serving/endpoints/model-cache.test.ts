import { describe, expect, it } from 'vitest';
import type { ServedModel } from '../../../src/serving/load-served-model.js';
import { ModelCache } from '../../../src/serving/endpoints/model-cache.js';

function fakeModel(closed: string[], name: string): ServedModel {
  return { name, version: '1', close: () => Promise.resolve(void closed.push(name)) } as unknown as ServedModel;
}

describe('model cache', () => {
  it('loads a model once for every holder, and closes it when the last holder and the last request are gone', async () => {
    const closed: string[] = [];
    let loads = 0;
    const cache = new ModelCache();
    const load = () => Promise.resolve(fakeModel(closed, `m${++loads}`));
    const a = await cache.acquire('k', 'endpoint-a', load);
    const b = await cache.acquire('k', 'endpoint-b', load);
    expect(a).toBe(b);
    expect(loads).toBe(1);
    cache.release('k', 'endpoint-a');
    const done = cache.use('k')!;
    cache.release('k', 'endpoint-b');
    // Draining: unheld, but a request still uses it.
    await Promise.resolve();
    expect(closed).toEqual([]);
    expect(cache.loaded('k')).toBe(a);
    done();
    done();
    await Promise.resolve();
    expect(closed).toEqual(['m1']);
    expect(cache.loaded('k')).toBeUndefined();
    expect(cache.use('k')).toBeUndefined();
    // Acquired again: a fresh load.
    await cache.acquire('k', 'endpoint-a', load);
    expect(loads).toBe(2);
  });

  it('forgets a failed load so the next acquire tries again', async () => {
    const cache = new ModelCache();
    await expect(cache.acquire('k', 'h', () => Promise.reject(new Error('Cannot load the ONNX model')))).rejects.toThrow('Cannot load');
    await Promise.resolve();
    expect(cache.keys()).toEqual([]);
    const model = await cache.acquire('k', 'h', () => Promise.resolve(fakeModel([], 'ok')));
    expect(model.name).toBe('ok');
  });
});
