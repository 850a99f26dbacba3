/**
 * The opaque candidate ids of recognition answers: stable for one caller within the hour (the
 * page's tracker accumulates evidence under them), different for other callers and hours, and
 * never the person's id or name.
 */
import { CANDIDATE_EPOCH_MS, candidateToken } from '@/lib/server/present';

const person = '6f1c2e9a-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const t0 = 1_800_000_000_000;

describe('candidateToken', () => {
  it('is stable for one caller within the hour, and shared by instances with one secret', () => {
    const a = candidateToken(person, { secret: 'a shared secret of 16+', caller: 'key-1', nowMs: t0 });
    expect(candidateToken(person, { secret: 'a shared secret of 16+', caller: 'key-1', nowMs: t0 + 1000 })).toBe(a);
    expect(a).toMatch(/^c_[A-Za-z0-9_-]{16}$/);
    expect(a).not.toContain(person.slice(0, 8));
  });

  it('differs between callers, hours, secrets and people', () => {
    const base = { secret: 'a shared secret of 16+', caller: 'key-1', nowMs: t0 };
    const a = candidateToken(person, base);
    expect(candidateToken(person, { ...base, caller: '203.0.113.7' })).not.toBe(a);
    expect(candidateToken(person, { ...base, nowMs: t0 + CANDIDATE_EPOCH_MS })).not.toBe(a);
    expect(candidateToken(person, { ...base, secret: 'another secret of 16+' })).not.toBe(a);
    expect(candidateToken('00000000-0000-4000-8000-000000000000', base)).not.toBe(a);
  });

  it('uses a per-process secret when none is configured', () => {
    const scope = { caller: 'key-1', nowMs: t0 };
    expect(candidateToken(person, scope)).toBe(candidateToken(person, scope));
    expect(candidateToken(person, scope)).not.toBe(candidateToken(person, { ...scope, secret: 'a shared secret of 16+' }));
  });
});
