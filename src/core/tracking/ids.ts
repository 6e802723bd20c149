/**
 * Identifiers in MLflow's formats: run ids are 32 lowercase hex characters, logged-model
 * ids are `m-` followed by 32 hex characters, and unnamed runs get a random
 * "adjective-animal-N" name.
 * @module
 */

export function newRunId(): string {
  return crypto.randomUUID().replaceAll('-', '');
}

export function newLoggedModelId(): string {
  return `m-${crypto.randomUUID().replaceAll('-', '')}`;
}

const ADJECTIVES = [
  'amber', 'bold', 'brave', 'bright', 'calm', 'clever', 'crisp', 'dapper', 'eager', 'fancy',
  'gentle', 'glad', 'golden', 'honest', 'jolly', 'keen', 'kind', 'lively', 'lucky', 'merry',
  'nimble', 'polite', 'proud', 'quick', 'quiet', 'rare', 'silent', 'smooth', 'steady', 'sunny',
  'swift', 'tidy', 'vast', 'warm', 'wise', 'zesty',
] as const;

const ANIMALS = [
  'badger', 'bat', 'bear', 'bee', 'crane', 'deer', 'dove', 'eel', 'falcon', 'finch',
  'fox', 'frog', 'gull', 'hare', 'hawk', 'heron', 'ibis', 'koi', 'lark', 'lynx',
  'mole', 'moth', 'newt', 'otter', 'owl', 'panda', 'puffin', 'quail', 'seal', 'shrew',
  'snail', 'swan', 'toad', 'trout', 'wolf', 'wren',
] as const;

/** A random readable name such as `swift-otter-417`. */
export function randomName(random: () => number = Math.random): string {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}-${Math.floor(random() * 1000)}`;
}
