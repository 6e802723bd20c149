import { describe, expect, it } from 'vitest';
import { shouldStop, trialsSinceImprovement, trialsToStart } from './early-stop.js';
import type { Trial, TuneSpec } from './tune-spec.js';

const ok = (objective: number): Trial => ({ params: { a: objective }, objective, status: 'succeeded' });
const failed: Trial = { params: { a: -1 }, status: 'failed' };
const spec = (patience: number, minDelta = 0, direction: 'minimize' | 'maximize' = 'minimize') => ({
  objective: { metric: 'rmse', direction },
  earlyStop: { patience, minDelta },
});

/** The number of finished trials after which the search stops, or undefined. */
function stopsAfter(history: readonly Trial[], policy: Pick<TuneSpec, 'objective' | 'earlyStop'>): number | undefined {
  for (let n = 1; n <= history.length; n++) if (shouldStop(history.slice(0, n), policy)) return n;
  return undefined;
}

describe('early stop', () => {
  it('triggers exactly when patience trials in a row have not improved the best', () => {
    const history = [ok(5), ok(4), ok(4.5), ok(6), ok(3), ok(3.5), ok(7), ok(8), ok(9)];
    expect(stopsAfter(history, spec(3))).toBe(8);
    expect(stopsAfter(history, spec(4))).toBe(9);
    expect(stopsAfter(history, spec(5))).toBeUndefined();
    expect(trialsSinceImprovement(history, spec(3))).toBe(4);
  });

  it('counts an improvement only when it beats the best by more than min-delta', () => {
    const history = [ok(1), ok(0.95), ok(0.92), ok(0.5)];
    expect(stopsAfter(history, spec(2, 0.1))).toBe(3);
    expect(stopsAfter(history, spec(2))).toBeUndefined();
  });

  it('counts failed trials as trials without improvement, and follows the direction', () => {
    expect(stopsAfter([failed, failed], spec(2))).toBe(2);
    expect(stopsAfter([ok(1), failed, ok(2), ok(3)], spec(2, 0, 'maximize'))).toBeUndefined();
    expect(stopsAfter([ok(1), failed, ok(2), ok(3)], spec(2, 0, 'minimize'))).toBe(3);
  });

  it('never stops without an early-stop policy', () => {
    expect(shouldStop([failed, failed, failed], { objective: { metric: 'rmse', direction: 'minimize' } })).toBe(false);
  });

  it('starts trials up to max-parallel within max-trials, and none once stopped', () => {
    const policy = { ...spec(3), maxTrials: 10, maxParallel: 4 };
    expect(trialsToStart([], [], policy)).toBe(4);
    expect(trialsToStart([ok(1)], [{ a: 1 }, { a: 2 }], policy)).toBe(2);
    expect(trialsToStart(Array.from({ length: 8 }, (_, i) => ok(i === 0 ? 0 : 1 + i)), [{ a: 1 }], policy)).toBe(0);
    expect(trialsToStart([ok(5), ok(4), ok(3), ok(2), ok(1), ok(0), ok(-1), ok(-2)], [{ a: 1 }], policy)).toBe(1);
  });
});
