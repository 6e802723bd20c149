/**
 * The progress of a batch job on a terminal: a bar by bytes read, with rows and rows/s
 * (cli-progress, on stderr so the output can be piped); nothing when stderr is not a TTY.
 * @module
 */

import cliProgress from 'cli-progress';
import type { BatchProgress } from './run-batch-predict.js';

export interface ProgressReporter {
  update(progress: BatchProgress): void;
  stop(): void;
}

export function progressReporter(stream: NodeJS.WriteStream = process.stderr): ProgressReporter {
  if (stream.isTTY !== true) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream, format: 'scoring [{bar}] {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}', hideCursor: true, etaBuffer: 20 },
    cliProgress.Presets.shades_classic,
  );
  const started = performance.now();
  let running = false;
  return {
    update({ bytesRead, totalBytes, rows }) {
      const seconds = (performance.now() - started) / 1000;
      const payload = { rows: rows.toLocaleString('en-US'), rate: Math.round(seconds > 0 ? rows / seconds : 0).toLocaleString('en-US') };
      if (!running) {
        bar.start(Math.max(1, totalBytes), bytesRead, payload);
        running = true;
      } else bar.update(bytesRead, payload);
    },
    stop() {
      if (running) bar.stop();
    },
  };
}
