/**
 * Reading metrics from a step's log, as SageMaker's metric definitions do: every line is
 * matched against every definition's regex, and the one capture group of a match is the
 * value (a number; a capture that is not a number is ignored).
 * @module
 */

import type { MetricDefinition } from './pipeline-model.js';

export interface MetricReading {
  readonly name: string;
  readonly value: number;
}

/** Compiles definitions once, for a stream of log lines. */
export function metricReader(definitions: readonly MetricDefinition[]): (line: string) => MetricReading[] {
  const compiled = definitions.map((d) => ({ name: d.name, regex: new RegExp(d.regex) }));
  return (line) => {
    const readings: MetricReading[] = [];
    for (const { name, regex } of compiled) {
      const match = regex.exec(line);
      const text = match?.slice(1).find((group) => group !== undefined);
      if (text === undefined) continue;
      const value = Number(text.trim());
      if (text.trim() !== '' && Number.isFinite(value)) readings.push({ name, value });
    }
    return readings;
  };
}
