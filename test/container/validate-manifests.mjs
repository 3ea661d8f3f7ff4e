// Validates every document of rendered Kubernetes YAML against the Kubernetes
// OpenAPI schemas, offline: kubernetes-models for the built-in kinds,
// @kubernetes-models/prometheus-operator for ServiceMonitor. Their validate()
// checks types, required fields and formats but lets unknown fields through (a
// misspelt or misplaced key the API server would drop), so each document is
// also type-checked by TypeScript as an object literal of the model's
// interface, where any field the interface lacks is an error. Prints one line
// per document and exits 1 on any failure.
//   node test/container/validate-manifests.mjs rendered.yaml [more.yaml ...]
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const typePackages = { 'monitoring.coreos.com': '@kubernetes-models/prometheus-operator/monitoring.coreos.com' };
const modules = {
  'monitoring.coreos.com': (version, kind) => import(`@kubernetes-models/prometheus-operator/monitoring.coreos.com/${version}/${kind}`),
};

async function modelOf(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const load = modules[group] ?? ((v, k) => import(`kubernetes-models/${group ? `${group}/` : ''}${v}/${k}`));
  const mod = await load(version, kind);
  if (!mod[kind]) throw new Error(`no model for ${apiVersion} ${kind}`);
  return mod[kind];
}

let docs = 0;
let failed = 0;
const typed = [];
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length > 0) {
      failed++;
      console.log(`FAIL ${file}: YAML: ${doc.errors[0].message}`);
      continue;
    }
    const o = doc.toJS();
    if (o === null || o === undefined) continue;
    docs++;
    const name = `${o.kind}/${o.metadata?.name}`;
    try {
      const Model = await modelOf(String(o.apiVersion), String(o.kind));
      new Model(o).validate();
      typed.push({ name, apiVersion: String(o.apiVersion), kind: String(o.kind), o });
    } catch (err) {
      failed++;
      console.log(`FAIL ${name}: ${String(err.message).split('\n').slice(0, 3).join(' | ')}`);
    }
  }
}
failed += checkFieldNames(typed);
console.log(`${docs - failed} passed, ${failed} failed`);
process.exit(failed > 0 || docs === 0 ? 1 : 0);

/** Type-checks each document as a literal of its model's interface: unknown fields fail. Returns the number of documents that failed. */
function checkFieldNames(list) {
  if (list.length === 0) return 0;
  const dir = join(root, 'node_modules', '.cache', 'flowtrail-manifests');
  mkdirSync(dir, { recursive: true });
  const lines = list.map(({ apiVersion, kind, o }, i) => {
    const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
    const from = group in typePackages ? `${typePackages[group]}/${version}/${kind}` : `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
    return `import type { I${kind} as T${i} } from '${from}';\nexport const doc${i}: T${i} = ${JSON.stringify(o, null, 1)};`;
  });
  const file = join(dir, 'manifests.ts');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '--strict', '--target', 'es2022',
    '--module', 'nodenext', '--moduleResolution', 'nodenext', '--types', 'node', file], { encoding: 'utf8', cwd: root });
  const errors = tsc.stdout.split('\n').filter((l) => l.includes('error TS'));
  if (tsc.status !== 0 && errors.length === 0) {
    console.log(`FAIL tsc: ${tsc.stdout}${tsc.stderr}`);
    return list.length;
  }
  const bad = new Set();
  for (const e of errors) {
    const m = /manifests\.ts\((\d+),/.exec(e);
    const line = m ? Number(m[1]) : 0;
    // Which document holds the line: the last "export const docN" at or above it.
    const text = readFileSync(file, 'utf8').split('\n').slice(0, line);
    const at = text.map((l, n) => /^export const doc(\d+)/.exec(l)?.[1]).filter((v) => v !== undefined).pop();
    const item = list[Number(at ?? 0)];
    bad.add(item.name);
    console.log(`FAIL ${item.name}: ${e.replace(/^.*error TS\d+: /, '')}`);
  }
  for (const { name } of list) if (!bad.has(name)) console.log(`ok   ${name}`);
  return bad.size;
}
