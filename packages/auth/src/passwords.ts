import { hash, verify } from '@node-rs/argon2';

type HashOptions = { memoryCost: number; timeCost: number; parallelism: number };

// Argon2id with OWASP's recommended minimum (19 MiB, 2 iterations, 1 lane).
const OWASP_MINIMUM: HashOptions = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };
let options: HashOptions = OWASP_MINIMUM;

export const MIN_PASSWORD_LENGTH = 12;

/**
 * For test suites that create thousands of accounts (the model-based
 * account lifecycle test): Argon2id at its cheapest, so the suite tests the
 * lifecycle rather than the hash cost. The apps never call this; a hash
 * records its own parameters, so verifying is unaffected either way.
 */
export function useCheapPasswordHashingForTests(): void {
  options = { memoryCost: 1024, timeCost: 1, parallelism: 1 };
  dummyHash = hash('hubwerk-timing-equaliser', options);
}

export function hashPassword(password: string): Promise<string> {
  return hash(password, options);
}

// Verified against when the account does not exist, so a wrong email costs
// the same time as a wrong password and answers the same way.
// Computed at start, so the first request costs the same as any other.
let dummyHash: Promise<string> = hash('hubwerk-timing-equaliser', options);

export async function verifyPassword(passwordHash: string | null | undefined, password: string): Promise<boolean> {
  if (!passwordHash) {
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(passwordHash, password).catch(() => false);
}
