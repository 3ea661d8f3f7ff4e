import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/index.js';
import { verifyInclusion } from '../../src/integrity/index.js';
import { FRAMEWORKS, FRAMEWORK_INFO, type EvidencePack } from '../../src/reports/index.js';
import { recordEvents } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { generateHistory, PERIOD, type History } from './history.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/oscal/oscal_complete_schema-1.1.3.json', import.meta.url), 'utf8')) as Record<string, unknown>;
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateOscal = ajv.compile(schema);

describe('evidence packs over GET /api/v1/reports', () => {
  const t = useTestApp();

  async function load(h: History): Promise<void> {
    expect((await t.ingest(h.flowEvents)).status).toBe(202);
    await recordEvents(t.deps.sql, h.systemEvents);
    await t.deps.integrator.integrate();
  }
  async function report(query: string, token?: string): Promise<Response> {
    return t.get(`/api/v1/reports?${query}`, token ?? (await t.token('auditor')));
  }
  const packOf = async (framework: string): Promise<EvidencePack> => {
    const res = await report(`framework=${framework}&from=${PERIOD.from}&to=${PERIOD.to}&format=oscal`);
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { 'assessment-results': { 'back-matter': { resources: { title: string; base64?: { value: string } }[] } } };
    expect(validateOscal(doc), JSON.stringify(validateOscal.errors?.slice(0, 3))).toBe(true);
    return { doc } as unknown as EvidencePack;
  };

  it('counts what a generated history holds, figure by figure, and finds CC8.1 not satisfied with untraced commits', async () => {
    const h = generateHistory({ sessions: 12, untraced: 3, unknown: 2 });
    await load(h);
    const res = await report(`framework=soc2&from=${PERIOD.from}&to=${PERIOD.to}&format=html`);
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="flowtrail-soc2-2026-03-01-2026-04-01.html"`);
    const html = await res.text();
    expect(res.headers.get('x-flowtrail-sha256')).toBe(createHash('sha256').update(html).digest('hex'));
    // The JSON form of the same pack travels inside the OSCAL document's figures; read the figures from the HTML rows.
    const row = (label: string) => new RegExp(`<th>${label.replace(/[()]/g, '\\$&')}</th><td>([^<]*)</td>`).exec(html)?.[1];
    const e = h.expected;
    expect(row('sessions started')).toBe(String(e.started));
    expect(row('with authorization verified by flowtrail with GitLab')).toBe(`${e.verified} of ${e.started} (${((100 * e.verified) / e.started).toFixed(1)}%)`);
    expect(row('with authorization reported by the agent platform')).toBe(`${e.reported} of ${e.started} (${((100 * e.reported) / e.started).toFixed(1)}%)`);
    expect(row('without any authorization evidence')).toBe(String(e.withoutEvidence));
    expect(row('agent commits traced to a session')).toBe(String(e.traced));
    expect(row('agent commits without a valid session trailer')).toBe(String(e.untraced));
    expect(row('share of agent commits traced')).toBe(`${e.traced} of ${e.traced + e.untraced} (${((100 * e.traced) / (e.traced + e.untraced)).toFixed(1)}%)`);
    expect(row('references to unknown or foreign sessions (forged or wrong trailers)')).toBe(String(e.unknownReferences));
    expect(row('exports of audit data')).toBe(String(e.exports));
    expect(html).toMatch(/CC6\.1: Logical access security[\s\S]*?<span class="not-satisfied">not-satisfied<\/span>\. 2 of 12 sessions started without any authorization evidence/);
    expect(html).toMatch(/CC8\.1: Change management[\s\S]*?<span class="not-satisfied">not-satisfied<\/span>\. 3 agent commit\(s\) carried no valid session trailer; 2 reference\(s\)/);
    expect(html).toMatch(/CC7\.2: Monitoring for anomalies[\s\S]*?<span class="not-satisfied">not-satisfied<\/span>/);

    const fedramp = await (await report(`framework=fedramp&from=${PERIOD.from}&to=${PERIOD.to}&format=html`)).text();
    expect(new RegExp(`<th>retention runs</th><td>${e.retentionRuns}</td>`).test(fedramp)).toBe(true);
    expect(new RegExp(`<th>sessions purged</th><td>${e.sessionsPurged}</td>`).test(fedramp)).toBe(true);
    expect(fedramp).toContain(`<th>erasures of personal data (GDPR)</th><td>1 run(s), ${e.erasureEvents} events&#39; texts</td>`);
    expect(fedramp).toMatch(/AU-9: Protection of audit information[\s\S]*?<span class="satisfied">satisfied<\/span>/);
    expect(fedramp).toMatch(/AU-11: Audit record retention[\s\S]*?<span class="satisfied">satisfied<\/span>\. records are kept 365 days/);
  });

  it('finds CC8.1 satisfied when every agent commit is traced, and each framework gives a schema-valid OSCAL document', async () => {
    await load(generateHistory({ sessions: 6, untraced: 0, unknown: 0 }));
    const html = await (await report(`framework=soc2&from=${PERIOD.from}&to=${PERIOD.to}&format=html`)).text();
    expect(html).toMatch(/CC8\.1: Change management[\s\S]*?<span class="satisfied">satisfied<\/span>\. all \d+ agent commits of the period are traced/);
    for (const framework of FRAMEWORKS) {
      const { doc } = (await packOf(framework)) as unknown as { doc: { 'assessment-results': { results: { findings: { target: { 'target-id': string; status: { state: string } } }[] }[] } } };
      const findings = doc['assessment-results'].results[0]!.findings;
      expect(findings.map((f) => f.target['target-id'])).toEqual(FRAMEWORK_INFO[framework].controls.map((c) => `${c.oscalId}_obj`));
      for (const f of findings) expect(['satisfied', 'not-satisfied']).toContain(f.target.status.state);
    }
  });

  it('gives the same OSCAL document byte for byte on a re-run, with proofs that check against the checkpoint', async () => {
    await load(generateHistory({ sessions: 9, untraced: 1, unknown: 0 }));
    const q = `framework=fedramp&from=${PERIOD.from}&to=${PERIOD.to}&format=oscal`;
    const first = await (await report(q)).text();
    await t.deps.integrator.integrate();
    await t.deps.integrator.checkpoint(true);
    const second = await (await report(q)).text();
    expect(second).toBe(first);
    const doc = JSON.parse(first) as { 'assessment-results': { uuid: string; metadata: { props: { name: string; value: string }[] }; 'back-matter': { resources: { title: string; base64?: { value: string } }[] } } };
    // The validator does refuse what the schema forbids: a finding state OSCAL does not know, a uuid that is not v4 or v5.
    const broken = JSON.parse(first) as { 'assessment-results': { uuid: string; results: { findings: { target: { status: { state: string } } }[] }[] } };
    broken['assessment-results'].results[0]!.findings[0]!.target.status.state = 'mostly';
    expect(validateOscal(broken)).toBe(false);
    const badUuid = JSON.parse(first) as { 'assessment-results': { uuid: string } };
    badUuid['assessment-results'].uuid = '00000000-0000-1000-8000-000000000000';
    expect(validateOscal(badUuid)).toBe(false);
    expect(validateOscal(JSON.parse(first))).toBe(true);
    expect(doc['assessment-results'].uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const prop = (n: string) => doc['assessment-results'].metadata.props.find((p) => p.name === n)!.value;
    const root = Buffer.from(prop('checkpoint-root-hash'), 'base64');
    const size = Number(prop('checkpoint-tree-size'));
    const samples = JSON.parse(Buffer.from(doc['assessment-results']['back-matter'].resources.find((r) => r.title.startsWith('Sample'))!.base64!.value, 'base64').toString()) as EvidencePack['samples'];
    expect(samples).toHaveLength(5);
    for (const s of samples) {
      for (const ev of s.events) expect(verifyInclusion(ev.seq, size, Buffer.from(ev.leafHash, 'base64'), ev.proof.map((p) => Buffer.from(p, 'base64')), root)).toBe(true);
    }
    await t.deps.integrator.integrate();
    const recorded = await t.deps.sql<{ data: Record<string, unknown> }[]>`select leaf::jsonb -> 'data' as data from audit_events where type = 'evidence_pack_generated' order by seq`;
    expect(recorded).toHaveLength(2);
    expect(recorded[0]!.data).toMatchObject({ framework: 'fedramp', format: 'oscal', tree_size: size, sha256: createHash('sha256').update(first).digest('hex'), channel: 'api' });
  });

  it('produces every framework from the demo data', async () => {
    await loadDemo(t.deps.sql, t.deps.sanitizer);
    await t.deps.integrator.integrate();
    const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);
    const period = `from=${day(-60)}&to=${day(2)}`;
    for (const framework of FRAMEWORKS) {
      const res = await report(`framework=${framework}&${period}&format=oscal`);
      expect(res.status, framework).toBe(200);
      const doc = await res.json();
      expect(validateOscal(doc), `${framework}: ${JSON.stringify(validateOscal.errors?.slice(0, 3))}`).toBe(true);
    }
    const html = await (await report(`framework=eu-ai-act&${period}&format=html`)).text();
    // The demo has one lifecycle violation: Art. 12 says so.
    expect(html).toMatch(/Art\. 12: Record-keeping[\s\S]*?<span class="not-satisfied">not-satisfied<\/span>\. \d+ lifecycle violation\(s\) in 1 session\(s\)/);
  });

  it('answers malformed requests with a 400 in words, and refuses the user and ingest roles', async () => {
    await load(generateHistory({ sessions: 2, untraced: 0, unknown: 0 }));
    const cases: [string, RegExp][] = [
      ['framework=pci&from=2026-03-01&to=2026-04-01', /framework/],
      ['framework=soc2&from=2026-04-01&to=2026-03-01', /from must be before to/],
      ['framework=soc2&from=yesterday&to=2026-03-01', /from/],
      ['framework=soc2&to=2026-03-01', /from/],
      ['framework=soc2&from=2026-03-01&to=2026-04-01&format=docx', /format/],
      ['framework=soc2&from=2000-01-01&to=2026-04-01', /at most/],
      ['framework=soc2&from=2026-03-01&to=2026-04-01&project=x', /unknown query parameter: project/],
    ];
    for (const [q, message] of cases) {
      const res = await report(q);
      expect(res.status, q).toBe(400);
      expect(((await res.json()) as { message: string }).message, q).toMatch(message);
    }
    expect((await report('framework=soc2&from=2026-03-01&to=2026-04-01', await t.token('user'))).status).toBe(403);
    expect((await report('framework=soc2&from=2026-03-01&to=2026-04-01', await t.token('ingest'))).status).toBe(403);
    expect((await report('framework=soc2&from=2026-03-01&to=2026-04-01', await t.token('admin'))).status).toBe(200);
  });
});
