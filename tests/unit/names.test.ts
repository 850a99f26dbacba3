import { normaliseName } from '@/lib/registry/validate';

describe('person names', () => {
  it.each([
    ['a right-to-left override', 'Alice\u202eecilA', 'U+202E'],
    ['a left-to-right isolate', '\u2066Bob\u2069', 'U+2066'],
    ['a right-to-left mark', 'Bob\u200f', 'U+200F'],
    ['a zero-width space', 'Bo\u200bb', 'U+200B'],
    ['a zero-width joiner', 'Bo\u200db', 'U+200D'],
    ['a zero-width no-break space', 'Bo\ufeffb', 'U+FEFF'],
    ['a word joiner', 'Bo\u2060b', 'U+2060'],
  ])('refuses %s with a message naming it', (_what, name, code) => {
    expect(() => normaliseName(name)).toThrow(new RegExp(`invisible direction or zero-width characters \\(found ${code.replace('+', '\\+')}\\)`));
  });

  it('keeps names in any script, composed to NFC', () => {
    expect(normaliseName('  Zoë  ')).toBe('Zoë');
    expect(normaliseName('Zoe\u0308')).toBe('Zoë');
    expect(normaliseName('محمد')).toBe('محمد');
    expect(normaliseName('李小龍')).toBe('李小龍');
  });
});
