import { describe, expect, it } from 'vitest';
import { matchRoute } from './router.js';
import { experimentNameFilter } from './name-filter.js';
import { visibleWindow } from './visible-window.js';

describe('matchRoute', () => {
  it('names the page of each client route', () => {
    expect(matchRoute('/')).toEqual({ page: 'experiments' });
    expect(matchRoute('/experiments/12')).toEqual({ page: 'runs', experimentId: '12' });
    expect(matchRoute('/experiments/12/')).toEqual({ page: 'runs', experimentId: '12' });
    expect(matchRoute('/runs/abc%20d')).toEqual({ page: 'run', runId: 'abc d' });
    expect(matchRoute('/nope/1/2')).toEqual({ page: 'not-found', path: '/nope/1/2' });
  });
});

describe('experimentNameFilter', () => {
  it('is a case-insensitive substring match with quotes escaped, none for blank text', () => {
    expect(experimentNameFilter('  ')).toBeUndefined();
    expect(experimentNameFilter('fraud ')).toBe("name ILIKE '%fraud%'");
    expect(experimentNameFilter("o'neil")).toBe("name ILIKE '%o\\'neil%'");
  });
});

describe('visibleWindow', () => {
  it('renders the rows in view plus overscan, padding the rest', () => {
    expect(visibleWindow(0, 100, 10, 1000, 5)).toEqual({ start: 0, end: 15, padTop: 0, padBottom: 9850 });
    expect(visibleWindow(5000, 100, 10, 1000, 5)).toEqual({ start: 495, end: 515, padTop: 4950, padBottom: 4850 });
    expect(visibleWindow(99_999, 100, 10, 1000, 5)).toEqual({ start: 1000, end: 1000, padTop: 10_000, padBottom: 0 });
    expect(visibleWindow(0, 100, 10, 3, 5)).toEqual({ start: 0, end: 3, padTop: 0, padBottom: 0 });
  });
});
