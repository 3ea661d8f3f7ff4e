// Turns one service of compose.yaml into `podman run` arguments, so that the
// container harness runs the Compose file's own settings (environment,
// read-only root, tmpfs, volumes, command, stop grace period) against the
// machine's PostgreSQL instead of the file's postgres service:
//   node test/container/compose-args.mjs flags|command|grace SERVICE [--rename FROM=TO ...] [--volume-prefix P]
// flags and command print one argument per line; ${VAR}, ${VAR:-default} and
// ${VAR:?message} are read from this process's environment (a missing
// ${VAR:?...} fails as Compose does). --rename replaces text in the values
// (the harness's own role and database names); --volume-prefix prefixes named
// volumes. Compose features the file does not use are refused, not ignored.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const [what, name, ...rest] = process.argv.slice(2);
const renames = [];
let volumePrefix = '';
for (let i = 0; i < rest.length; i += 2) {
  if (rest[i] === '--rename') renames.push(rest[i + 1].split('='));
  else if (rest[i] === '--volume-prefix') volumePrefix = rest[i + 1];
  else fail(`unknown option ${rest[i]}`);
}

function fail(message) {
  console.error(`compose-args: ${message}`);
  process.exit(1);
}

function interpolate(value) {
  const text = String(value).replace(/\$\{([A-Z0-9_]+)(?:(:-|:\?)([^}]*))?\}/g, (_, v, op, arg) => {
    const set = process.env[v] !== undefined && process.env[v] !== '';
    if (op === ':?' && !set) fail(`${v}: ${arg}`);
    if (op === ':-' && !set) return arg;
    return process.env[v] ?? '';
  });
  return renames.reduce((s, [from, to]) => s.split(from).join(to), text);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const compose = parse(readFileSync(join(root, 'compose.yaml'), 'utf8'), { merge: true });
const service = compose.services?.[name];
if (!service) fail(`compose.yaml has no service ${name}`);
const known = new Set(['image', 'build', 'read_only', 'tmpfs', 'restart', 'command', 'environment', 'volumes', 'depends_on', 'ports', 'stop_grace_period']);
for (const key of Object.keys(service)) if (!known.has(key)) fail(`service ${name}: "${key}" is not translated; teach compose-args.mjs`);

const out = [];
if (what === 'flags') {
  if (service.read_only === true) out.push('--read-only', '--read-only-tmpfs=false');
  for (const t of service.tmpfs ?? []) out.push('--tmpfs', `${t}:rw,size=64m,mode=1777`);
  for (const v of service.volumes ?? []) {
    const [source, target] = String(v).split(':');
    if (source.startsWith('.') || source.startsWith('/')) fail(`service ${name}: bind mounts are not translated`);
    out.push('-v', `${volumePrefix}${source}:${target}`);
  }
  for (const [k, v] of Object.entries(service.environment ?? {})) out.push('-e', `${k}=${interpolate(v ?? '')}`);
} else if (what === 'command') {
  out.push(...(service.command ?? []).map(interpolate));
} else if (what === 'grace') {
  const m = /^(\d+)s$/.exec(String(service.stop_grace_period ?? '10s'));
  if (!m) fail(`service ${name}: stop_grace_period ${service.stop_grace_period} is not in seconds`);
  out.push(m[1]);
} else {
  fail('usage: compose-args.mjs flags|command|grace SERVICE [--rename FROM=TO ...] [--volume-prefix P]');
}
if (out.some((a) => a.includes('\n'))) fail(`service ${name}: a value holds a line break (write PEM keys with \\n, as deploy/compose-env.sh does)`);
process.stdout.write(out.map((a) => `${a}\n`).join(''));
