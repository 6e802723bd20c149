import { describe, expect, it } from 'vitest';
import { expandMatrix } from './expand-matrix.js';

describe('expandMatrix', () => {
  it('takes the cartesian product, first axis slowest', () => {
    expect(expandMatrix({ include: [], exclude: [] }, { os: ['a', 'b'], n: [1, 2] })).toEqual([
      { os: 'a', n: 1 },
      { os: 'a', n: 2 },
      { os: 'b', n: 1 },
      { os: 'b', n: 2 },
    ]);
  });

  it('drops combinations matching an exclude entry (partial matches too)', () => {
    expect(
      expandMatrix({ include: [], exclude: [{ os: 'a', n: 2 }, { os: 'b' }] }, { os: ['a', 'b'], n: [1, 2] }),
    ).toEqual([{ os: 'a', n: 1 }]);
  });

  it("merges include entries into matching combinations, never overwriting an axis value (GitHub's example)", () => {
    const combinations = expandMatrix(
      {
        exclude: [],
        include: [
          { color: 'green' },
          { color: 'pink', animal: 'cat' },
          { fruit: 'apple', shape: 'circle' },
          { fruit: 'banana' },
          { fruit: 'banana', animal: 'cat' },
        ],
      },
      { fruit: ['apple', 'pear'], animal: ['cat', 'dog'] },
    );
    expect(combinations).toEqual([
      { fruit: 'apple', animal: 'cat', color: 'pink', shape: 'circle' },
      { fruit: 'apple', animal: 'dog', color: 'green', shape: 'circle' },
      { fruit: 'pear', animal: 'cat', color: 'pink' },
      { fruit: 'pear', animal: 'dog', color: 'green' },
      { fruit: 'banana' },
      { fruit: 'banana', animal: 'cat' },
    ]);
  });

  it('is the include list alone when there is no axis', () => {
    expect(expandMatrix({ include: [{ a: 1 }, { a: 2 }], exclude: [] }, {})).toEqual([{ a: 1 }, { a: 2 }]);
  });

  it('compares values by content', () => {
    expect(expandMatrix({ include: [], exclude: [{ cfg: { depth: 3 } }] }, { cfg: [{ depth: 3 }, { depth: 5 }] })).toEqual([
      { cfg: { depth: 5 } },
    ]);
  });
});
