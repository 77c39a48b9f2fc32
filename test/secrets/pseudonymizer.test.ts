import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createPseudonymizer } from '../../src/secrets/pseudonymizer';

describe('pseudonymizer', () => {
  it('computes exactly HMAC-SHA-256 (checked against node:crypto createHmac) for short and long keys', () => {
    for (const key of [new Uint8Array(32).fill(7), new Uint8Array(100).map((_, index) => index)]) {
      const reference = (message: string) => createHmac('sha256', key).update(message).digest('hex').slice(0, 32);
      const pseudonymizer = createPseudonymizer(key);
      expect(pseudonymizer.contributor('org-1', '2026-W48')).toBe(reference('contributor\u0000org-1\u00002026-W48'));
      expect(pseudonymizer.eventHash('org-1', 'ABC-def').toString('hex')).toBe(reference('event\u0000org-1\u0000abc-def'));
    }
  });

  it('separates organizations, periods and keys', () => {
    const a = createPseudonymizer(new Uint8Array(32).fill(1));
    const b = createPseudonymizer(new Uint8Array(32).fill(2));
    expect(a.contributor('org', 'P1')).not.toBe(a.contributor('org', 'P2'));
    expect(a.contributor('org', 'P1')).not.toBe(b.contributor('org', 'P1'));
    expect(a.eventHash('org-a', 'e').toString('hex')).not.toBe(a.eventHash('org-b', 'e').toString('hex'));
    expect(a.eventHash('org-a', 'e')).toHaveLength(16);
  });
});
