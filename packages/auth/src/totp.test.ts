import { describe, expect, it } from 'vitest';
import {
  hashRecoveryCode,
  matchTotp,
  newRecoveryCodes,
  newTotpSecret,
  normalizeRecoveryCode,
  totpCode,
  totpStep,
  totpUri,
} from './totp.ts';

// A moment in the middle of a 30-second step, so ±1 step is unambiguous.
const NOW = Date.UTC(2026, 10, 29, 12, 0, 15);
const STEP = totpStep(NOW);

describe('TOTP verification window', () => {
  const secret = newTotpSecret();

  it('accepts the current step and one step either side, and names the step', () => {
    expect(matchTotp(secret, totpCode(secret, NOW), NOW, null)).toBe(STEP);
    expect(matchTotp(secret, totpCode(secret, NOW - 30_000), NOW, null)).toBe(STEP - 1);
    expect(matchTotp(secret, totpCode(secret, NOW + 30_000), NOW, null)).toBe(STEP + 1);
  });

  it('refuses codes two steps away', () => {
    expect(matchTotp(secret, totpCode(secret, NOW - 60_000), NOW, null)).toBeNull();
    expect(matchTotp(secret, totpCode(secret, NOW + 60_000), NOW, null)).toBeNull();
  });

  it("refuses another secret's code and anything that is not six digits", () => {
    const other = newTotpSecret();
    const foreign = totpCode(other, NOW);
    // One in a million: another secret may produce the same code for this step.
    if (foreign !== totpCode(secret, NOW)) expect(matchTotp(secret, foreign, NOW, null)).toBeNull();
    for (const bad of ['', '12345', '1234567', 'abcdef', ' 123456'])
      expect(matchTotp(secret, bad, NOW, null)).toBeNull();
  });
});

describe('TOTP reuse', () => {
  const secret = newTotpSecret();

  it('refuses a code whose step was already used, and every earlier step', () => {
    const code = totpCode(secret, NOW);
    const step = matchTotp(secret, code, NOW, null);
    expect(step).toBe(STEP);
    // The same code again, 10 seconds later, still inside its window: refused.
    expect(matchTotp(secret, code, NOW + 10_000, step)).toBeNull();
    expect(matchTotp(secret, totpCode(secret, NOW - 30_000), NOW, step)).toBeNull();
    // The next step's code is fresh.
    expect(matchTotp(secret, totpCode(secret, NOW + 30_000), NOW, step)).toBe(STEP + 1);
  });
});

describe('enrolment URI and recovery codes', () => {
  it('builds an otpauth URI an authenticator app reads', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    const uri = new URL(totpUri(secret, 'anna@example.org'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Hubwerk');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
  });

  it('makes ten distinct codes that survive the way people type them', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) {
      expect(code).toMatch(/^[a-z2-9]{5}-[a-z2-9]{5}$/);
      expect(normalizeRecoveryCode(` ${code.toUpperCase().replace('-', ' ')} `)).toBe(code);
    }
    expect(normalizeRecoveryCode('abcde-fghj0')).toBeNull();
    expect(normalizeRecoveryCode('123456')).toBeNull();
  });

  it('hashes a code per user', () => {
    expect(hashRecoveryCode('a', 'abcde-fghjk')).not.toBe(hashRecoveryCode('b', 'abcde-fghjk'));
    expect(hashRecoveryCode('a', 'abcde-fghjk')).toMatch(/^[0-9a-f]{64}$/);
  });
});
