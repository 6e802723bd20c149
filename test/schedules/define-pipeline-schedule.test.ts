import { describe, expect, it } from 'vitest';
import { definePipeline } from '../../src/pipelines/define-pipeline.js';

describe('definePipeline with on.schedule', () => {
  it('compiles schedules as YAML does', () => {
    const p = definePipeline({
      name: 'retrain',
      params: { epochs: { type: 'int', default: 5 } },
      on: { schedule: [{ cron: '0 8 * * MON-FRI', timezone: 'Europe/Berlin' }, { cron: '0 12 * * FRI', params: { epochs: 50 }, overlap: 'queue', catchUp: '6h' }] },
      steps: { train: { run: 'echo train' } },
    });
    expect(p.on?.schedule).toEqual([
      { cron: '0 8 * * MON-FRI', timezone: 'Europe/Berlin', params: {}, overlap: 'skip', catchUpSeconds: 3600 },
      { cron: '0 12 * * FRI', timezone: 'UTC', params: { epochs: 50 }, overlap: 'queue', catchUpSeconds: 21600 },
    ]);
  });

  it('rejects a bad cron expression naming its place', () => {
    expect(() => definePipeline({ name: 'p', on: { schedule: [{ cron: '0 25 * * *' }] }, steps: { s: { run: 'true' } } })).toThrow(/on\.schedule\[0\]\.cron/);
  });
});
