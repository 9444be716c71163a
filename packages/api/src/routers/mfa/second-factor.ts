import { decryptSecret, hashRecoveryCode, matchTotp, normalizeRecoveryCode } from '@hubwerk/auth';
import type { AppClient } from '@hubwerk/db';

/** The AAD of a user's TOTP secret: a ciphertext copied to another user's row does not decrypt. */
export const secretContext = (userId: string) => `totp:${userId}`;

export interface SecondFactorUser {
  id: string;
  totpSecret: string | null;
  totpLastStep: number | null;
}

/**
 * Checks a second-factor code — a TOTP code or a recovery code — and spends
 * it in the same statement that proves it unspent, so two requests racing
 * with one code cannot both win: the TOTP step is stored only if it is later
 * than the stored one, a recovery code is marked used only if it was unused.
 */
export async function spendSecondFactor(
  db: AppClient,
  key: Buffer,
  user: SecondFactorUser,
  code: string,
  now = Date.now(),
): Promise<'totp' | 'recovery' | null> {
  const typed = code.replace(/\s/g, '');
  if (/^\d{6}$/.test(typed)) {
    if (!user.totpSecret) return null;
    let secret: string;
    try {
      secret = decryptSecret(key, user.totpSecret, secretContext(user.id));
    } catch {
      // A lost or changed DATA_ENCRYPTION_KEY: the app's codes cannot be checked; recovery codes still work.
      return null;
    }
    const step = matchTotp(secret, typed, now, user.totpLastStep);
    if (step === null) return null;
    const { count } = await db.user.updateMany({
      where: { id: user.id, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
      data: { totpLastStep: step },
    });
    return count === 1 ? 'totp' : null;
  }
  const recovery = normalizeRecoveryCode(code);
  if (!recovery) return null;
  const { count } = await db.recoveryCode.updateMany({
    where: { userId: user.id, codeHash: hashRecoveryCode(user.id, recovery), usedAt: null },
    data: { usedAt: new Date(now) },
  });
  return count === 1 ? 'recovery' : null;
}
