/**
 * The Kubernetes manifests, checked offline: rendered like `kubectl
 * kustomize` (render.ts), validated against the Kubernetes schemas of
 * `kubernetes-models`, unknown fields refused (the models' TypeScript types,
 * with TypeScript's excess-property check: the validators accept any extra
 * key, a typo included), the operational rules of docs/decisions/029, and
 * every variable the services read set in their Deployments.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ADMIN_ENV_KEYS } from '../../apps/admin/app/env.server.ts';
import { API_ENV_KEYS, parseEnv } from '../../apps/api/src/env.ts';
import { MIGRATE_ENV_KEYS } from '../../apps/api/src/migrator.ts';
import { type Manifest, render } from './render.ts';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const OVERLAYS = ['base', 'overlays/production'] as const;
const rendered = Object.fromEntries(OVERLAYS.map((overlay) => [overlay, render(path.join(HERE, overlay))])) as Record<
  (typeof OVERLAYS)[number],
  Manifest[]
>;

type Container = {
  name: string;
  image: string;
  command?: string[];
  env?: Array<{
    name: string;
    value?: string;
    valueFrom?: {
      secretKeyRef?: { name: string; key: string; optional?: boolean };
      configMapKeyRef?: { name: string; key: string; optional?: boolean };
    };
  }>;
  envFrom?: Array<{ configMapRef?: { name: string }; secretRef?: { name: string } }>;
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: {
    allowPrivilegeEscalation?: boolean;
    readOnlyRootFilesystem?: boolean;
    runAsNonRoot?: boolean;
    capabilities?: { drop?: string[] };
  };
};
type PodSpec = {
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  securityContext?: { runAsNonRoot?: boolean; seccompProfile?: { type: string } };
};

const find = (docs: Manifest[], kind: string, name: string) => {
  const doc = docs.find((d) => d.kind === kind && d.metadata.name === name);
  if (!doc) throw new Error(`${kind}/${name} is missing`);
  return doc as Manifest & {
    spec: Record<string, unknown> & { template: { spec: PodSpec; metadata: { labels: Record<string, string> } } };
  };
};

/** The module of kubernetes-models that holds the model of this apiVersion + kind. */
const modelPath = (doc: Manifest) => `kubernetes-models/${doc.apiVersion}/${doc.kind}`;

/** TypeScript's excess-property check against the models' types: one message per unknown (or mistyped) field. */
function typeErrors(docs: Manifest[]): string[] {
  const fileName = path.join(HERE, '__rendered_manifests__.ts');
  const source = docs
    .map(
      (doc, i) =>
        `import type { I${doc.kind} as T${i} } from '${modelPath(doc)}';\nexport const m${i}: T${i} = ${JSON.stringify(doc, null, 1)};`,
    )
    .join('\n');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    target: ts.ScriptTarget.ES2022,
    types: [],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version, ...rest) =>
    name === fileName ? ts.createSourceFile(name, source, version) : getSourceFile(name, version, ...rest);
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const line = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : -1;
    const near = line >= 0 ? source.split('\n')[line]?.trim() : '';
    return `${ts.flattenDiagnosticMessageText(d.messageText, '\n')} (near ${near})`;
  });
}

/** Names a container gets: its env entries plus every key of the ConfigMaps it takes whole. */
function envNames(container: Container, docs: Manifest[]): string[] {
  const fromMaps = (container.envFrom ?? []).flatMap((from) => {
    if (!from.configMapRef) throw new Error(`${container.name}: only ConfigMaps are taken whole (secrets key by key)`);
    return Object.keys(
      (find(docs, 'ConfigMap', from.configMapRef.name) as unknown as { data: Record<string, string> }).data,
    );
  });
  return [...fromMaps, ...(container.env ?? []).map((e) => e.name)];
}

describe.each(OVERLAYS)('Kubernetes manifests (%s)', (overlay) => {
  const docs = rendered[overlay];

  it('are valid objects of the Kubernetes API (kubernetes-models schemas)', async () => {
    expect(docs.length).toBeGreaterThan(15);
    for (const doc of docs) {
      const module = (await import(modelPath(doc))) as Record<string, new (data: unknown) => { validate(): void }>;
      const Model = module[doc.kind];
      if (!Model) throw new Error(`no model for ${doc.apiVersion} ${doc.kind}`);
      expect(() => new Model(doc).validate(), `${doc.kind}/${doc.metadata.name}`).not.toThrow();
    }
  });

  it('have no unknown fields', () => {
    expect(typeErrors(docs)).toEqual([]);
  }, 60_000);

  it('run both services hardened, probed, sized, spread and stopped inside their grace period', () => {
    const apiConfig = (find(docs, 'ConfigMap', 'hubwerk-api') as unknown as { data: Record<string, string> }).data;
    const adminConfig = (find(docs, 'ConfigMap', 'hubwerk-admin') as unknown as { data: Record<string, string> }).data;
    const shutdownSeconds = {
      'hubwerk-api': (Number(apiConfig.SHUTDOWN_DELAY_MS) + Number(apiConfig.SHUTDOWN_TIMEOUT_MS)) / 1000,
      'hubwerk-admin': Number(adminConfig.SHUTDOWN_DELAY_MS) / 1000 + 10,
    };
    for (const name of ['hubwerk-api', 'hubwerk-admin'] as const) {
      const deployment = find(docs, 'Deployment', name);
      const pod = deployment.spec.template.spec;
      expect(pod.securityContext?.runAsNonRoot, name).toBe(true);
      expect(pod.securityContext?.seccompProfile?.type, name).toBe('RuntimeDefault');
      expect(pod.terminationGracePeriodSeconds, name).toBeGreaterThan(shutdownSeconds[name]);
      for (const container of pod.containers) {
        expect(container.securityContext, name).toMatchObject({
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          runAsNonRoot: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(container.readinessProbe?.httpGet?.path, name).toBe('/readyz');
        expect(container.livenessProbe?.httpGet?.path, name).toBe('/healthz');
        expect(Object.keys(container.resources?.requests ?? {}).sort(), name).toEqual(['cpu', 'memory']);
        expect(container.resources?.limits?.memory, name).toBeDefined();
        // A release pins its images; only the base uses placeholders.
        if (overlay !== 'base') expect(container.image, name).not.toMatch(/:latest$/);
      }
      const labels = deployment.spec.template.metadata.labels;
      const selects = (doc: Manifest) =>
        JSON.stringify((doc.spec as { selector?: { matchLabels?: object } }).selector?.matchLabels) ===
        JSON.stringify({ 'app.kubernetes.io/name': labels['app.kubernetes.io/name'] });
      expect(
        docs.filter((d) => d.kind === 'PodDisruptionBudget' && selects(d)),
        `${name} PDB`,
      ).toHaveLength(1);
      expect(
        docs.filter(
          (d) =>
            d.kind === 'Service' &&
            JSON.stringify((d.spec as { selector?: object }).selector) ===
              JSON.stringify({ 'app.kubernetes.io/name': name }),
        ),
        `${name} Service`,
      ).toHaveLength(1);
      const hpa = find(docs, 'HorizontalPodAutoscaler', name) as unknown as {
        spec: { scaleTargetRef: { name: string }; minReplicas: number };
      };
      expect(hpa.spec.scaleTargetRef.name).toBe(name);
      // A PDB that allows no disruption at the HPA's minimum would block node drains.
      const pdb = docs.find((d) => d.kind === 'PodDisruptionBudget' && selects(d)) as unknown as {
        spec: { minAvailable: number };
      };
      expect(pdb.spec.minAvailable).toBeLessThan(hpa.spec.minReplicas);
    }
  });

  it('reference Secrets and never contain one', () => {
    expect(docs.filter((d) => d.kind === 'Secret')).toEqual([]);
    for (const name of ['hubwerk-api', 'hubwerk-admin'] as const) {
      for (const container of find(docs, 'Deployment', name).spec.template.spec.containers) {
        for (const entry of container.env ?? []) {
          // A secret-looking variable comes from a Secret, never a literal.
          if (/SECRET|KEY|PASSWORD|DATABASE_URL|SMTP_URL/.test(entry.name))
            expect(entry.valueFrom?.secretKeyRef, `${name} ${entry.name}`).toBeDefined();
        }
      }
    }
  });

  it('set every variable the services read, and no other', () => {
    const api = find(docs, 'Deployment', 'hubwerk-api').spec.template.spec.containers[0]!;
    expect(envNames(api, docs).sort()).toEqual([...API_ENV_KEYS].sort());
    const admin = find(docs, 'Deployment', 'hubwerk-admin').spec.template.spec.containers[0]!;
    const serverReads = [
      ...readFileSync(path.join(HERE, '../../apps/admin/server.mjs'), 'utf8').matchAll(/process\.env\.([A-Z_]+)/g),
    ].map((m) => m[1]!);
    expect(envNames(admin, docs).sort()).toEqual([...new Set([...ADMIN_ENV_KEYS, ...serverReads])].sort());
    const job = find(docs, 'Job', 'hubwerk-migrate').spec.template.spec.containers[0]!;
    expect(envNames(job, docs).sort()).toEqual([...MIGRATE_ENV_KEYS].sort());
    // What production requires is never optional.
    for (const required of ['DATABASE_URL', 'PLATFORM_DATABASE_URL', 'SMTP_URL', 'DATA_ENCRYPTION_KEY']) {
      const entry = api.env?.find((e) => e.name === required);
      expect(entry?.valueFrom?.secretKeyRef?.optional, required).not.toBe(true);
    }
    expect(admin.env?.find((e) => e.name === 'SESSION_SECRET')?.valueFrom?.secretKeyRef?.optional).not.toBe(true);
  });

  it('gives the API a configuration its own start-up check accepts', () => {
    const apiConfig = (find(docs, 'ConfigMap', 'hubwerk-api') as unknown as { data: Record<string, string> }).data;
    // The Secrets' values as an operator would create them (docs/operations.md).
    const secrets = {
      DATABASE_URL: 'postgresql://hubwerk_app:x@db.internal:5432/hubwerk',
      PLATFORM_DATABASE_URL: 'postgresql://hubwerk_platform:x@db.internal:5432/hubwerk',
      SMTP_URL: 'smtp://relay.internal:587',
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
      API_PROXY_SECRET: 'p'.repeat(48),
    };
    const env = parseEnv({ ...apiConfig, ...secrets });
    expect(env).toMatchObject({ NODE_ENV: 'production', API_HOST: '0.0.0.0', METRICS_HOST: '0.0.0.0' });
    const ports = (
      find(docs, 'Deployment', 'hubwerk-api').spec.template.spec.containers[0] as unknown as {
        ports: Array<{ name: string; containerPort: number }>;
      }
    ).ports;
    expect(ports).toEqual([
      { name: 'http', containerPort: env.API_PORT },
      { name: 'metrics', containerPort: env.METRICS_PORT },
    ]);
  });

  it('route the admin app and only the public API paths through the Ingress, never /metrics or tRPC', () => {
    const ingress = docs.find((d) => d.kind === 'Ingress') as unknown as {
      spec: {
        rules: Array<{
          http: {
            paths: Array<{
              path: string;
              backend: { service: { name: string; port: { name?: string; number?: number } } };
            }>;
          };
        }>;
      };
    };
    const routes = ingress.spec.rules.flatMap((rule) =>
      rule.http.paths.map((p) => ({
        path: p.path,
        service: p.backend.service.name,
        port: p.backend.service.port.name ?? p.backend.service.port.number,
      })),
    );
    expect(routes).toEqual([
      { path: '/', service: 'hubwerk-admin', port: 'http' },
      { path: '/ical/', service: 'hubwerk-api', port: 'http' },
      { path: '/webhooks/stripe', service: 'hubwerk-api', port: 'http' },
    ]);
  });

  it('let only the admin app and the ingress reach the API, and only the API and the migration Job reach PostgreSQL', () => {
    type Peer = {
      podSelector?: { matchLabels?: Record<string, string> };
      namespaceSelector?: { matchLabels?: Record<string, string> };
      ipBlock?: { cidr: string };
    };
    type Policy = {
      metadata: { name: string };
      spec: {
        podSelector: { matchLabels?: Record<string, string> };
        policyTypes: string[];
        ingress?: Array<{ from?: Peer[]; ports?: Array<{ port: number }> }>;
        egress?: Array<{ to?: Peer[]; ports?: Array<{ port: number }> }>;
      };
    };
    const policies = docs.filter((d) => d.kind === 'NetworkPolicy') as unknown as Policy[];
    const denyAll = policies.find(
      (p) =>
        Object.keys(p.spec.podSelector).length === 0 && p.spec.ingress === undefined && p.spec.egress === undefined,
    );
    expect(denyAll?.spec.policyTypes.sort()).toEqual(['Egress', 'Ingress']);
    const forApp = (name: string) =>
      policies.filter((p) => p.spec.podSelector.matchLabels?.['app.kubernetes.io/name'] === name);
    const apiIngress = forApp('hubwerk-api')
      .flatMap((p) => p.spec.ingress ?? [])
      .filter((rule) => rule.ports?.some((port) => port.port === 4000));
    expect(
      apiIngress
        .flatMap((rule) => rule.from ?? [])
        .map(
          (peer) =>
            peer.podSelector?.matchLabels?.['app.kubernetes.io/name'] ??
            peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'],
        )
        .sort(),
    ).toEqual(['hubwerk-admin', 'ingress-nginx']);
    // PostgreSQL: egress on 5432 only for the API and the Job; in-cluster, ingress only from pods labelled as its clients.
    const egressTo5432 = policies
      .filter((p) => (p.spec.egress ?? []).some((rule) => rule.ports?.some((port) => port.port === 5432)))
      .map((p) => p.metadata.name)
      .sort();
    expect(egressTo5432).toEqual(['hubwerk-api', 'hubwerk-migrate']);
    const postgres = forApp('postgresql')[0]!;
    const clients = postgres.spec
      .ingress!.flatMap((rule) => rule.from ?? [])
      .map((peer) => peer.podSelector?.matchLabels);
    expect(clients).toEqual([{ 'hubwerk.de/database-client': 'true' }]);
    const labelled = docs
      .filter(
        (d) =>
          (d.spec as { template?: { metadata?: { labels?: Record<string, string> } } } | undefined)?.template?.metadata
            ?.labels?.['hubwerk.de/database-client'] === 'true',
      )
      .map((d) => d.metadata.name)
      .sort();
    expect(labelled).toEqual(['hubwerk-api', 'hubwerk-migrate']);
  });

  it('migrate before the rollout with the API image and the migrator role only', () => {
    const job = find(docs, 'Job', 'hubwerk-migrate');
    expect(job.metadata.annotations?.['argocd.argoproj.io/hook']).toBe('PreSync');
    const [container] = job.spec.template.spec.containers;
    const api = find(docs, 'Deployment', 'hubwerk-api').spec.template.spec.containers[0]!;
    expect(container!.image).toBe(api.image);
    expect(container!.command).toEqual(['node', '/app/migrate.js']);
  });
});

describe('the manifest checks themselves', () => {
  it('catch unknown fields deep inside a Deployment', () => {
    const deployment = structuredClone(find(rendered.base, 'Deployment', 'hubwerk-api')) as unknown as {
      spec: { template: { spec: { containers: Array<Record<string, unknown>> } } };
    };
    deployment.spec.template.spec.containers[0]!.readinessProbe = { httpGet: { pathh: '/readyz', port: 'http' } };
    deployment.spec.template.spec.containers[0]!.resources = { requests: { cpu: 1 }, limit: {} };
    const errors = typeErrors([deployment as unknown as Manifest]).join('\n');
    expect(errors).toContain(`'"pathh"' does not exist in type 'IHTTPGetAction'`);
    expect(errors).toContain(`'"limit"' does not exist in type 'IResourceRequirements'`);
  }, 60_000);

  it('render overlays as kustomize does: namespace, images, patches', () => {
    const api = find(rendered['overlays/production'], 'Deployment', 'hubwerk-api');
    expect(api.metadata.namespace).toBe('hubwerk');
    expect(api.metadata.labels?.['app.kubernetes.io/part-of']).toBe('hubwerk');
    expect(api.spec.replicas).toBe(3);
    expect(api.spec.template.spec.containers[0]!.image).toBe('registry.hubwerk.example/hubwerk/api:1.0.0');
    // The base stays as it was.
    expect(find(rendered.base, 'Deployment', 'hubwerk-api').spec.replicas).toBe(2);
  });
});
