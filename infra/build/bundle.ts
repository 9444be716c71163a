/**
 * The production build of the API and the admin app (docs/decisions/028):
 * each service becomes one self-contained folder of plain JavaScript,
 *
 *   apps/api/dist/    main.js (the server), migrate.js (the migration
 *                     command), migrations/ (the SQL it applies and the
 *                     server's readiness compares with), node_modules/ (only
 *                     native packages that cannot be bundled: sharp)
 *   apps/admin/dist/  server.js (Express + the Remix server build),
 *                     build/client/ (static assets)
 *
 * Workspace packages and npm dependencies are bundled by esbuild, so neither
 * folder needs `npm install`, TypeScript or tsx at run time; a container
 * image copies the folder and the node binary, nothing else.
 *
 * Usage: `tsx infra/build/bundle.ts api|admin` (after `remix vite:build` for admin).
 */
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

// Bundled CommonJS packages call require() for Node's built-ins: give the ESM output one.
const banner = {
  js: [
    "import { createRequire as __hubwerkCreateRequire } from 'node:module';",
    "import { fileURLToPath as __hubwerkFileURLToPath } from 'node:url';",
    'const require = __hubwerkCreateRequire(import.meta.url);',
    'const __filename = __hubwerkFileURLToPath(import.meta.url);',
    "const __dirname = __hubwerkFileURLToPath(new URL('.', import.meta.url));",
  ].join('\n'),
};

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: 'linked',
  banner,
  legalComments: 'none',
  // React, Remix and friends pick their production code paths at bundle time.
  define: { 'process.env.NODE_ENV': '"production"' },
  logLevel: 'warning',
};

/** Native packages (prebuilt .node binaries) stay files on disk, copied with their runtime dependencies. */
const NATIVE = ['sharp', '@node-rs/argon2'];

/** Copy an installed package and, recursively, its installed dependencies into `target`/node_modules. */
function copyPackage(name: string, from: string, target: string, seen = new Set<string>()): void {
  if (seen.has(name)) return;
  seen.add(name);
  // Node's lookup by hand: `exports` may hide package.json from require.resolve.
  let dir = from;
  for (;;) {
    if (existsSync(path.join(dir, 'node_modules', name, 'package.json'))) break;
    const parent = path.dirname(dir);
    if (parent === dir) return; // not installed: an optional dependency for another platform
    dir = parent;
  }
  dir = path.join(dir, 'node_modules', name);
  const manifestPath = path.join(dir, 'package.json');
  cpSync(dir, path.join(target, 'node_modules', name), { recursive: true, dereference: true });
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { dependencies?: Record<string, string>; optionalDependencies?: Record<string, string> };
  for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) copyPackage(dep, dir, target, seen);
}

export async function bundleApi(): Promise<string> {
  const app = path.join(ROOT, 'apps/api');
  const out = path.join(app, 'dist');
  rmSync(out, { recursive: true, force: true });
  await build({
    ...common,
    entryPoints: {
      main: path.join(app, 'src/main.ts'),
      migrate: path.join(app, 'src/migrate-main.ts'),
      'register-import': path.join(app, 'src/register-import-main.ts'),
    },
    outdir: out,
    external: NATIVE,
  });
  cpSync(path.join(ROOT, 'prisma/migrations'), path.join(out, 'migrations'), { recursive: true });
  for (const name of NATIVE) copyPackage(name, app, out);
  writeFileSync(path.join(out, 'package.json'), JSON.stringify({ name: 'hubwerk-api', private: true, type: 'module' }, null, 2) + '\n');
  return out;
}

export async function bundleAdmin(): Promise<string> {
  const app = path.join(ROOT, 'apps/admin');
  const out = path.join(app, 'dist');
  if (!existsSync(path.join(app, 'build/server/index.js'))) throw new Error('apps/admin/build is missing: run `remix vite:build` first');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  await build({ ...common, entryPoints: { server: path.join(app, 'server.mjs') }, outdir: out });
  cpSync(path.join(app, 'build/client'), path.join(out, 'build/client'), { recursive: true });
  if (existsSync(path.join(app, 'public'))) cpSync(path.join(app, 'public'), path.join(out, 'public'), { recursive: true });
  writeFileSync(path.join(out, 'package.json'), JSON.stringify({ name: 'hubwerk-admin', private: true, type: 'module' }, null, 2) + '\n');
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const target = process.argv[2];
  if (target === 'api') console.log(`API bundle in ${path.relative(ROOT, await bundleApi())}`);
  else if (target === 'admin') console.log(`admin bundle in ${path.relative(ROOT, await bundleAdmin())}`);
  else {
    console.error('usage: tsx infra/build/bundle.ts api|admin');
    process.exit(2);
  }
}
