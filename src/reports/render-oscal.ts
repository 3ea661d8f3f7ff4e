import type { EvidencePack } from './build-pack.js';
import { deriveUuid } from './derive-uuid.js';
import { FRAMEWORK_INFO } from './frameworks.js';

/** The OSCAL version the document is written against (the vendored schema, schemas/oscal/). */
export const OSCAL_VERSION = '1.1.3';
/** The namespace of flowtrail's own props. */
export const FLOWTRAIL_NS = 'https://flowtrail.dev/ns/oscal';

type Json = Record<string, unknown>;
const prop = (name: string, value: string | number): Json => ({ name, ns: FLOWTRAIL_NS, value: String(value) });
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * The pack as an OSCAL Assessment Results document (JSON). Every uuid is a
 * version 5 UUID of the checkpoint's root hash, the framework, the period and
 * the part it names, and every time is the period's or the checkpoint's, so a
 * re-run over the same checkpoint gives the same bytes.
 */
export function renderOscal(pack: EvidencePack): string {
  const seed = `${pack.checkpoint.rootHash}|${pack.checkpoint.treeSize}|${pack.framework}|${pack.period.from}|${pack.period.to}`;
  const id = (part: string) => deriveUuid(`${seed}|${part}`);
  const info = FRAMEWORK_INFO[pack.framework];
  const observations = pack.controls.map((c) => ({
    uuid: id(`observation:${c.oscalId}`),
    title: `${c.id}: what flowtrail recorded`,
    description: c.figures.map((f) => `${f.label.trim()}: ${f.value}`).join('\n'),
    props: [prop('control', c.id)],
    methods: ['AUTOMATED'],
    types: ['control-objective'],
    subjects: [{ 'subject-uuid': id('component'), type: 'component' }],
    'relevant-evidence': [{ href: `#${id('checkpoint')}`, description: `The events of the period below the signed checkpoint of tree size ${pack.checkpoint.treeSize}.` }],
    collected: pack.checkpoint.createdAt,
  }));
  const findings = pack.controls.map((c, i) => ({
    uuid: id(`finding:${c.oscalId}`),
    title: `${c.id} ${c.title}`,
    description: c.asks,
    target: {
      type: 'objective-id',
      'target-id': `${c.oscalId}_obj`,
      description: c.finding.reason,
      status: { state: c.finding.status, reason: c.finding.status === 'satisfied' ? 'pass' : 'fail' },
    },
    'related-observations': [{ 'observation-uuid': observations[i]!.uuid }],
  }));
  const doc = {
    'assessment-results': {
      uuid: id('document'),
      metadata: {
        title: `flowtrail evidence pack: ${pack.frameworkName}, ${pack.period.from} to ${pack.period.to}`,
        'last-modified': pack.checkpoint.createdAt,
        version: `tree-size-${pack.checkpoint.treeSize}`,
        'oscal-version': OSCAL_VERSION,
        props: [
          prop('framework', pack.framework), prop('control-catalog', info.catalog), prop('log-origin', pack.origin),
          prop('checkpoint-tree-size', pack.checkpoint.treeSize), prop('checkpoint-root-hash', pack.checkpoint.rootHash),
        ],
      },
      'import-ap': { href: `#${id('assessment-plan')}`, remarks: 'No separate assessment plan: the method is the rule of each control, stated in docs/reports.md and in the back matter.' },
      results: [{
        uuid: id('result'),
        title: `${pack.frameworkName}: automated assessment of the audit trail`,
        description: `Figures of the events that occurred from ${pack.period.from} (inclusive) to ${pack.period.to} (exclusive) and are held by the signed checkpoint of tree size ${pack.checkpoint.treeSize}; one finding per control.`,
        start: pack.period.from,
        end: pack.period.to,
        'local-definitions': {
          components: [{
            uuid: id('component'), type: 'software', title: 'flowtrail', description: 'The audit trail of GitLab Duo Agent Platform sessions whose log is assessed.',
            status: { state: 'operational' },
          }],
        },
        'reviewed-controls': { 'control-selections': [{ 'include-controls': pack.controls.map((c) => ({ 'control-id': c.oscalId })) }] },
        observations,
        findings,
      }],
      'back-matter': {
        resources: [
          { uuid: id('assessment-plan'), title: 'Assessment method', description: 'Each control has a rule that turns the figures of the period into satisfied or not-satisfied; the rules are listed in docs/reports.md of flowtrail.' },
          {
            uuid: id('checkpoint'), title: `Signed checkpoint, tree size ${pack.checkpoint.treeSize}`,
            description: `C2SP signed note (Ed25519) over the log's Merkle tree. Verifier key: ${pack.verifierKey ?? 'not known to this service'}`,
            base64: { filename: 'checkpoint.txt', 'media-type': 'text/plain', value: b64(pack.checkpoint.note) },
          },
          {
            uuid: id('samples'), title: 'Sample sessions with inclusion proofs',
            description: 'Sessions ordered by SHA-256 of the checkpoint root hash and the session id; each event with its RFC 6962 audit path.',
            base64: { filename: 'samples.json', 'media-type': 'application/json', value: b64(JSON.stringify(pack.samples)) },
          },
        ],
      },
    },
  };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
