/**
 * One rule per limit on both layers: the server's request schemas (lib/contract/requests.ts,
 * what the routes parse with) and the registry's validation (lib/registry/validate.ts) accept
 * and refuse exactly the same names and metadata at the boundaries. Names count code points
 * (after NFC), metadata counts UTF-8 bytes of its JSON.
 */
import { LIMITS, codePointLength, createKeySchema, createPersonSchema, updatePersonSchema, utf8ByteLength } from '@/lib/contract';
import { checkKeyName } from '@/lib/registry/keys';
import { normaliseExternalId, normaliseName, serialiseMetadata } from '@/lib/registry/validate';

const serverAccepts = (body: unknown) => createPersonSchema.safeParse(body).success;
const registryAccepts = (check: () => unknown) => {
  try {
    check();
    return true;
  } catch {
    return false;
  }
};

/** Metadata whose JSON is exactly `bytes` UTF-8 bytes, mostly 3-byte characters (€). */
function metadataOfBytes(bytes: number): Record<string, unknown> {
  const frame = utf8ByteLength(JSON.stringify({ a: '' }));
  const euros = Math.floor((bytes - frame) / 3);
  const value = { a: '€'.repeat(euros) + 'x'.repeat(bytes - frame - 3 * euros) };
  expect(utf8ByteLength(JSON.stringify(value))).toBe(bytes);
  return value;
}

describe('name length: code points, on the server and in the registry', () => {
  const max = LIMITS.nameMaxCodePoints;
  it.each([
    ['emoji at the limit (two UTF-16 units each)', '😀'.repeat(max), true],
    ['emoji one past the limit', '😀'.repeat(max + 1), false],
    ['letters at the limit', 'a'.repeat(max), true],
    ['letters one past the limit', 'a'.repeat(max + 1), false],
    ['decomposed accents that compose to the limit under NFC', 'e\u0301'.repeat(max), true],
    ['at the limit inside white space', `  ${'李'.repeat(max)}\t`, true],
  ])('%s', (_what, name, ok) => {
    expect(serverAccepts({ name })).toBe(ok);
    expect(updatePersonSchema.safeParse({ name }).success).toBe(ok);
    expect(registryAccepts(() => normaliseName(name))).toBe(ok);
  });

  it('says the limit in characters', () => {
    const result = createPersonSchema.safeParse({ name: '😀'.repeat(max + 1) });
    expect(result.error?.issues[0].message).toBe(`must be at most ${max} characters`);
  });

  it('counts external ids in code points too', () => {
    const atLimit = '🙂'.repeat(LIMITS.externalIdMaxCodePoints);
    expect([serverAccepts({ name: 'A', externalId: atLimit }), registryAccepts(() => normaliseExternalId(atLimit))]).toEqual([true, true]);
    const over = atLimit + 'x';
    expect([serverAccepts({ name: 'A', externalId: over }), registryAccepts(() => normaliseExternalId(over))]).toEqual([false, false]);
  });

  it('counts API key names in code points too', () => {
    const atLimit = '🔑'.repeat(LIMITS.keyNameMaxCodePoints);
    const keyAccepted = (name: string) => [createKeySchema.safeParse({ name, role: 'recognize' }).success, registryAccepts(() => checkKeyName(name))];
    expect(keyAccepted(atLimit)).toEqual([true, true]);
    expect(keyAccepted(`${atLimit}x`)).toEqual([false, false]);
  });
});

describe('metadata size: UTF-8 bytes of its JSON, on the server and in the registry', () => {
  const max = LIMITS.metadataMaxBytes;
  it.each([
    ['multibyte at the byte limit', max, true],
    ['multibyte one byte past the limit', max + 1, false],
  ])('%s', (_what, bytes, ok) => {
    const metadata = metadataOfBytes(bytes);
    // Far under the limit counted in characters: the rule the server used to apply.
    expect(JSON.stringify(metadata).length).toBeLessThan(max / 2);
    expect(serverAccepts({ name: 'A', metadata })).toBe(ok);
    expect(registryAccepts(() => serialiseMetadata(metadata))).toBe(ok);
  });

  it('counts four-byte characters as four', () => {
    expect(utf8ByteLength('😀')).toBe(4);
    expect(utf8ByteLength('€')).toBe(3);
    expect(utf8ByteLength('é')).toBe(2);
    expect(utf8ByteLength('\ud800')).toBe(Buffer.byteLength('\ud800', 'utf8'));
    expect(codePointLength('😀é')).toBe(2);
  });
});
