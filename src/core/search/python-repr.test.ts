import { describe, expect, it } from 'vitest';
import { pythonRepr } from './python-repr.js';

describe('pythonRepr', () => {
  it('quotes strings like repr()', () => {
    expect(pythonRepr.str('abc')).toBe("'abc'");
    expect(pythonRepr.str("it's")).toBe(`"it's"`);
    expect(pythonRepr.str(`it's "x"`)).toBe(`'it\\'s "x"'`);
    expect(pythonRepr.str('a\\b\n')).toBe("'a\\\\b\\n'");
  });

  it('renders sets, lists and tuples of strings', () => {
    expect(pythonRepr.set(['=', '!='])).toBe("{'=', '!='}");
    expect(pythonRepr.list(['metric', 'tag'])).toBe("['metric', 'tag']");
    expect(pythonRepr.tuple(['attribute', 'tag'])).toBe("('attribute', 'tag')");
    expect(pythonRepr.tuple(['only'])).toBe("('only',)");
    expect(pythonRepr.tuple([])).toBe('()');
  });
});
