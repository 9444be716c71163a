/**
 * Renders a Kustomize directory without the kubectl binary, for the offline
 * checks in CI (docs/decisions/029). It knows the subset of Kustomize the
 * repository uses — `resources` (files and directories), `namespace`,
 * `labels` (pairs on metadata only), `images` and JSON 6902 `patches` with a
 * kind/name target — and refuses anything else, so that what CI checks is
 * what `kubectl kustomize` produces.
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [key: string]: unknown;
};

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  namespace?: string;
  labels?: Array<{ pairs: Record<string, string>; includeSelectors?: false; includeTemplates?: false }>;
  images?: Array<{ name: string; newName?: string; newTag?: string }>;
  patches?: Array<{ target: { kind: string; name: string }; patch: string }>;
}

const KNOWN_KEYS = new Set(['apiVersion', 'kind', 'resources', 'namespace', 'labels', 'images', 'patches']);

function readDocuments(file: string): Manifest[] {
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
      return doc.toJS() as Manifest;
    })
    .filter((doc) => doc !== null);
}

type Op = { op: 'add' | 'replace' | 'remove'; path: string; value?: unknown };

function applyOp(target: Manifest, op: Op, where: string): void {
  const parts = op.path
    .split('/')
    .slice(1)
    .map((p) => p.replaceAll('~1', '/').replaceAll('~0', '~'));
  const last = parts.pop();
  if (last === undefined) throw new Error(`${where}: empty path`);
  let node: unknown = target;
  for (const part of parts) {
    node = Array.isArray(node) ? node[Number(part)] : (node as Record<string, unknown> | undefined)?.[part];
    if (node === undefined || node === null) throw new Error(`${where}: ${op.path} does not exist`);
  }
  const container = node as Record<string, unknown> | unknown[];
  if (Array.isArray(container)) {
    const index = last === '-' ? container.length : Number(last);
    if (op.op === 'add') container.splice(index, 0, op.value);
    else if (index >= container.length) throw new Error(`${where}: ${op.path} does not exist`);
    else if (op.op === 'replace') container[index] = op.value;
    else container.splice(index, 1);
    return;
  }
  if (op.op !== 'add' && !(last in container)) throw new Error(`${where}: ${op.path} does not exist`);
  if (op.op === 'remove') delete container[last];
  else container[last] = op.value;
}

function podSpecs(
  doc: Manifest,
): Array<{ containers?: Array<{ image?: string }>; initContainers?: Array<{ image?: string }> }> {
  const spec = doc.spec as
    { template?: { spec?: object }; jobTemplate?: { spec?: { template?: { spec?: object } } } } | undefined;
  return [spec?.template?.spec, spec?.jobTemplate?.spec?.template?.spec].filter(
    (s): s is object => s !== undefined,
  ) as never;
}

export function render(dir: string): Manifest[] {
  const file = path.join(dir, 'kustomization.yaml');
  const k = parseYaml(readFileSync(file, 'utf8')) as Kustomization;
  const unknown = Object.keys(k).filter((key) => !KNOWN_KEYS.has(key));
  if (unknown.length > 0) throw new Error(`${file}: render.ts does not implement ${unknown.join(', ')}`);
  const docs: Manifest[] = [];
  for (const resource of k.resources ?? []) {
    const at = path.join(dir, resource);
    docs.push(...(statSync(at).isDirectory() ? render(at) : readDocuments(at)));
  }
  for (const patch of k.patches ?? []) {
    const targets = docs.filter((doc) => doc.kind === patch.target.kind && doc.metadata.name === patch.target.name);
    if (targets.length !== 1)
      throw new Error(
        `${file}: patch target ${patch.target.kind}/${patch.target.name} matches ${targets.length} resources`,
      );
    for (const op of parseYaml(patch.patch) as Op[])
      applyOp(targets[0]!, op, `${file} ${patch.target.kind}/${patch.target.name}`);
  }
  for (const image of k.images ?? []) {
    let used = false;
    for (const spec of docs.flatMap(podSpecs)) {
      for (const container of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
        const name = container.image?.replace(/(:[^/:]+)?$/, '');
        if (name !== image.name) continue;
        const tag = image.newTag ?? container.image?.slice(name.length + 1) ?? 'latest';
        container.image = `${image.newName ?? image.name}:${tag}`;
        used = true;
      }
    }
    if (!used) throw new Error(`${file}: image ${image.name} is used by no container`);
  }
  for (const doc of docs) {
    if (k.namespace) doc.metadata.namespace = k.namespace;
    for (const label of k.labels ?? []) {
      if (label.includeSelectors || label.includeTemplates)
        throw new Error(`${file}: render.ts only adds labels to metadata`);
      doc.metadata.labels = { ...doc.metadata.labels, ...label.pairs };
    }
  }
  return docs;
}
