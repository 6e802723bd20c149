import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (bench/support/ is two levels below it). */
export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The built CLI; the benchmarks build nothing (`npm run build` first). */
export const SLIPWAY_MAIN = path.join(REPO, 'dist', 'cli', 'main.js');
export const PG_URL = process.env.BENCH_PG_URL ?? 'postgresql://slipway:slipway@127.0.0.1:5432/slipway_test';
