import { describe, expect, it } from 'vitest';
import { formatMemory, parseMemory } from './resource-quantities.js';

describe('memory quantities', () => {
  it('reads binary and decimal units into bytes', () => {
    expect(parseMemory('512Mi')).toEqual({ bytes: 512 * 1024 ** 2 });
    expect(parseMemory('2Gi')).toEqual({ bytes: 2 * 1024 ** 3 });
    expect(parseMemory('1.5Gi')).toEqual({ bytes: 1.5 * 1024 ** 3 });
    expect(parseMemory('1G')).toEqual({ bytes: 1e9 });
    expect(parseMemory('750M')).toEqual({ bytes: 750e6 });
    expect(parseMemory('64k')).toEqual({ bytes: 64_000 });
    expect(parseMemory('1Ki')).toEqual({ bytes: 1024 });
    expect(parseMemory('.5Ti')).toEqual({ bytes: 0.5 * 1024 ** 4 });
    expect(parseMemory('2P')).toEqual({ bytes: 2e15 });
    // A fraction of a byte is rounded up.
    expect(parseMemory('0.3Ki')).toEqual({ bytes: 308 });
  });

  it('says what is wrong with anything else', () => {
    const problem = (text: string): string | undefined => {
      const parsed = parseMemory(text);
      return 'problem' in parsed ? parsed.problem : undefined;
    };
    expect(problem('512')).toMatch(/^it needs a unit \('Ki', 'Mi', 'Gi', 'Ti' \(powers of 1024\)/);
    expect(problem('2GB')).toBe("unknown unit 'GB' (write 'Gi' for GiB, powers of 1024, or 'G' for GB, powers of 1000)");
    expect(problem('1KB')).toBe("unknown unit 'KB' (write 'Ki' for KiB, powers of 1024, or 'k' for KB, powers of 1000)");
    expect(problem('2GiB')).toBe("unknown unit 'GiB' (write 'Gi' for GiB, powers of 1024, or 'G' for GB, powers of 1000)");
    expect(problem('512mi')).toBe("unknown unit 'mi' (units are case-sensitive: did you mean 'Mi'?)");
    expect(problem('512m')).toBe("unknown unit 'm' (units are case-sensitive: did you mean 'M' or 'Mi'?)");
    expect(problem('1K')).toBe("unknown unit 'K' (units are case-sensitive: did you mean 'k' or 'Ki'?)");
    expect(problem('3Xi')).toMatch(/^unknown unit 'Xi'; expected a number and a unit/);
    expect(problem('0Gi')).toBe('it must be greater than 0');
    expect(problem('-1Gi')).toMatch(/^expected a number and a unit/);
    expect(problem('1 Gi')).toMatch(/^expected a number and a unit/);
    expect(problem('lots')).toMatch(/^expected a number and a unit/);
    expect(problem('9000Pi')).toBe('it is too large');
  });

  it('prints bytes with the largest unit that divides them, binary first', () => {
    expect(formatMemory(512 * 1024 ** 2)).toBe('512Mi');
    expect(formatMemory(2 * 1024 ** 3)).toBe('2Gi');
    expect(formatMemory(1536 * 1024 ** 2)).toBe('1536Mi');
    expect(formatMemory(1e9)).toBe('1G');
    expect(formatMemory(750e6)).toBe('750M');
    expect(formatMemory(308)).toBe('308B');
  });
});
