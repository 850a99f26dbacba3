/** The search index's 16-byte form of template ids. */
import { randomUUID } from 'node:crypto';
import { readUuid, uuidBytesEqual, UUID_BYTES, writeUuid } from '@/lib/registry/uuid-bytes';

describe('uuid bytes', () => {
  it('reads back every UUID it writes, at any offset', () => {
    const bytes = new Uint8Array(3 * UUID_BYTES);
    const ids = [randomUUID(), randomUUID(), '00000000-0000-4000-8000-00000000000f'];
    ids.forEach((id, i) => writeUuid(id, bytes, i * UUID_BYTES));
    expect(ids.map((_, i) => readUuid(bytes, i * UUID_BYTES))).toEqual(ids);
    expect(uuidBytesEqual(bytes, 0, bytes, 0)).toBe(true);
    expect(uuidBytesEqual(bytes, 0, bytes, UUID_BYTES)).toBe(false);
  });

  it.each([
    ['upper case', '0000000A-0000-4000-8000-000000000000'],
    ['no hyphens', '00000000000040008000000000000000'],
    ['too short', '00000000-0000-4000-8000-00000000000'],
    ['too long', '00000000-0000-4000-8000-0000000000000'],
    ['not hex', '00000000-0000-4000-8000-00000000000g'],
  ])('refuses %s', (_, id) => {
    expect(() => writeUuid(id, new Uint8Array(UUID_BYTES + 1), 0)).toThrow('not a lower-case UUID');
  });
});
