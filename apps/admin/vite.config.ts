import { vitePlugin as remix } from '@remix-run/dev';
import { defineConfig, type Plugin } from 'vite';
import { configuredOrigins, originGuard } from './origin-guard.mjs';

declare module '@remix-run/node' {
  // Typed loader data follows single-fetch serialisation (see ADR 001).
  interface Future {
    v3_singleFetch: true;
  }
}

/**
 * The production server's cross-site check (server.mjs), in front of Remix
 * in `remix vite:dev` too: Vite builds the request URL from the Origin
 * header, so only a check against the configured origin holds there.
 */
function crossSiteGuard(): Plugin {
  return {
    name: 'hubwerk-cross-site-guard',
    apply: 'serve',
    configureServer(server) {
      // Built on the first request: `remix vite:build` starts a server of its own (never asked) to read the routes.
      let guard: ReturnType<typeof originGuard> | undefined;
      // Added here (not in a returned hook): runs before Vite's and Remix's own middlewares.
      server.middlewares.use((req, res, next) => {
        guard ??= originGuard(configuredOrigins(process.env), ({ method, path }) =>
          server.config.logger.warn(`csrf.refused ${method} ${path}`),
        );
        guard(req, res, next);
      });
    },
  };
}

export default defineConfig({
  plugins: [
    crossSiteGuard(),
    remix({
      // Every v3 flag Remix 2.17 knows, so that moving to React Router 7 is
      // mechanical (docs/decisions/001-remix-v2-future-flags.md).
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_lazyRouteDiscovery: true,
        v3_singleFetch: true,
        v3_routeConfig: true,
      },
    }),
  ],
  resolve: {
    alias: {
      '~': new URL('./app', import.meta.url).pathname,
    },
    // prisma's studio hoists React 19 to the repository root; react-router
    // lives there too and would pick it up. One React only: the admin's 18.
    dedupe: ['react', 'react-dom'],
  },
  optimizeDeps: {
    // Every dependency the browser loads, bundled when the dev server starts: a dependency found only when a
    // lazily discovered route is first opened makes Vite re-bundle and reload mid-session (a second copy of
    // React in the page: "Invalid hook call"), which a fresh clone's first `npm run dev` would show.
    include: [
      'react',
      'react-dom',
      'react-dom/client',
      'react/jsx-runtime',
      'react/jsx-dev-runtime',
      '@remix-run/react',
      '@remix-run/router',
      'turbo-stream',
      'qrcode',
      'rrule',
      'zod',
      '@hubwerk/domain > ical-generator',
      // Imported by route modules' server code: scanned with them, so bundled up front as well.
      '@remix-run/node',
      '@remix-run/server-runtime',
      '@remix-run/form-data-parser',
      '@trpc/client',
    ],
  },
  ssr: {
    // Bundle the router packages so that `dedupe` applies to their React
    // imports on the server as well (externals resolve through Node instead).
    noExternal: ['@remix-run/react', 'react-router', 'react-router-dom'],
  },
  server: { host: '127.0.0.1', port: 3000, strictPort: true },
});
