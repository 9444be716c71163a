import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  canResolveHost,
  engineDownloadHost,
  isNativeEngineInstalled,
  parseOfflineSetting,
  selectSchemaEngine,
  STAND_IN_ENGINE_PATH,
  type SelectSchemaEngineOptions,
} from './select-engine.ts';

/** Probes that must not be reached, to prove a branch decides without them. */
const unreachableProbes: SelectSchemaEngineOptions = {
  isNativeEngineInstalled: () => {
    throw new Error('must not look for the native engine');
  },
  canResolveHost: () => {
    throw new Error('must not look up a host');
  },
};

describe('parseOfflineSetting', () => {
  it.each([
    [undefined, undefined],
    ['', undefined],
    [' ', undefined],
    ['1', true],
    ['true', true],
    ['YES', true],
    ['0', false],
    ['false', false],
    ['off', false],
  ])('%j → %j', (value, expected) => {
    expect(parseOfflineSetting(value)).toBe(expected);
  });

  it('rejects anything else instead of guessing', () => {
    expect(() => parseOfflineSetting('maybe')).toThrow(/PRISMA_OFFLINE=maybe/);
  });
});

describe('selectSchemaEngine', () => {
  it('PRISMA_OFFLINE=1 points PRISMA_SCHEMA_ENGINE_BINARY at the stand-in', () => {
    const env: NodeJS.ProcessEnv = { PRISMA_OFFLINE: '1' };
    expect(selectSchemaEngine({ env, ...unreachableProbes }).engine).toBe('stand-in');
    expect(env.PRISMA_SCHEMA_ENGINE_BINARY).toBe(STAND_IN_ENGINE_PATH);
  });

  it('PRISMA_OFFLINE=0 leaves the native engine, even offline', () => {
    const env: NodeJS.ProcessEnv = { PRISMA_OFFLINE: '0' };
    expect(selectSchemaEngine({ env, ...unreachableProbes }).engine).toBe('native');
    expect(env.PRISMA_SCHEMA_ENGINE_BINARY).toBeUndefined();
  });

  it("never overrides the user's PRISMA_SCHEMA_ENGINE_BINARY", () => {
    const env: NodeJS.ProcessEnv = { PRISMA_OFFLINE: '1', PRISMA_SCHEMA_ENGINE_BINARY: '/opt/engine' };
    expect(selectSchemaEngine({ env, ...unreachableProbes }).engine).toBe('user-binary');
    expect(env.PRISMA_SCHEMA_ENGINE_BINARY).toBe('/opt/engine');
  });

  describe('unset (automatic)', () => {
    const decide = (installed: boolean, resolves: boolean) => {
      const env: NodeJS.ProcessEnv = {};
      const messages: string[] = [];
      const lookedUp: string[] = [];
      const choice = selectSchemaEngine({
        env,
        isNativeEngineInstalled: () => installed,
        canResolveHost: (host) => {
          lookedUp.push(host);
          return resolves;
        },
        notify: (message) => messages.push(message),
      });
      return { choice, env, messages, lookedUp };
    };

    it('uses an installed native engine without any network check', () => {
      const { choice, lookedUp } = decide(true, false);
      expect(choice.engine).toBe('native');
      expect(lookedUp).toEqual([]);
    });

    it('lets the CLI download the native engine when its host resolves', () => {
      const { choice, env, lookedUp } = decide(false, true);
      expect(choice.engine).toBe('native');
      expect(lookedUp).toEqual(['binaries.prisma.sh']);
      expect(env.PRISMA_SCHEMA_ENGINE_BINARY).toBeUndefined();
    });

    it('falls back to the stand-in, and says so, when neither is possible', () => {
      const { choice, env, messages } = decide(false, false);
      expect(choice.engine).toBe('stand-in');
      expect(env.PRISMA_SCHEMA_ENGINE_BINARY).toBe(STAND_IN_ENGINE_PATH);
      expect(messages.join('\n')).toMatch(/PRISMA_OFFLINE=0/);
    });
  });
});

describe('engineDownloadHost', () => {
  it("follows Prisma's mirror variables", () => {
    expect(engineDownloadHost({})).toBe('binaries.prisma.sh');
    expect(engineDownloadHost({ PRISMA_ENGINES_MIRROR: 'https://mirror.example.org/prisma' })).toBe(
      'mirror.example.org',
    );
    expect(
      engineDownloadHost({
        PRISMA_BINARIES_MIRROR: 'https://a.example.org',
        PRISMA_ENGINES_MIRROR: 'https://b.example.org',
      }),
    ).toBe('a.example.org');
  });
});

describe('isNativeEngineInstalled', () => {
  it("finds a binary in Prisma's download cache for this engine version", () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'prisma-cache-'));
    try {
      const env: NodeJS.ProcessEnv = { XDG_CACHE_HOME: cache };
      const before = isNativeEngineInstalled(env, process.cwd());
      // Same lookup as the CLI: <cache>/prisma/master/<engines hash>/<platform>/schema-engine
      const require = createRequire(import.meta.url);
      const hash: string = require('@prisma/engines-version/package.json').prisma.enginesVersion;
      const dir = path.join(cache, 'prisma', 'master', hash, 'debian-openssl-3.0.x');
      fs.mkdirSync(dir, { recursive: true });
      expect(isNativeEngineInstalled(env, process.cwd())).toBe(before);
      fs.writeFileSync(path.join(dir, 'schema-engine'), '');
      expect(isNativeEngineInstalled(env, process.cwd())).toBe(true);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});

describe('canResolveHost', () => {
  it('answers quickly, both ways', () => {
    const started = performance.now();
    expect(canResolveHost('localhost')).toBe(true);
    // .invalid never resolves (RFC 2606).
    expect(canResolveHost('hubwerk.invalid')).toBe(false);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});
