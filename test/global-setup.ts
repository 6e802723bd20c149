/** Vitest global setup: nothing to start yet for unit tests. */
export default function setup(): void {}
