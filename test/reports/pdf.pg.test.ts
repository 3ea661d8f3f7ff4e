import { describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { generateHistory, PERIOD } from './history.js';
import { recordEvents } from '../../src/store/index.js';

/** Pages of a PDF as Chromium writes it: one `/Type /Page` object per page (the tree's root is `/Type /Pages`). */
const pageCount = (pdf: Buffer) => pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g)?.length ?? 0;

describe('evidence packs as PDF', () => {
  const t = useTestApp();

  it('prints the pack with Chromium into a PDF of several pages', async () => {
    const h = generateHistory({ sessions: 8, untraced: 1, unknown: 1 });
    expect((await t.ingest(h.flowEvents)).status).toBe(202);
    await recordEvents(t.deps.sql, h.systemEvents);
    await t.deps.integrator.integrate();
    const res = await t.get(`/api/v1/reports?framework=fedramp&from=${PERIOD.from}&to=${PERIOD.to}&format=pdf`, await t.token('auditor'));
    expect(res.status, res.status === 200 ? '' : await res.clone().text()).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/pdf');
    expect(res.headers.get('content-disposition')).toContain('.pdf"');
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-8).toString('latin1')).toContain('%%EOF');
    // Seven controls with their figures and five samples with proofs do not fit on one A4 page.
    expect(pageCount(pdf)).toBeGreaterThan(1);
  });
});

describe('evidence packs as PDF without Chromium', () => {
  const t = useTestApp({ FLOWTRAIL_CHROMIUM_PATH: '/nonexistent/chromium' });

  it('answers 501 in words, and html still works', async () => {
    expect((await t.ingest(generateHistory({ sessions: 2, untraced: 0, unknown: 0 }).flowEvents)).status).toBe(202);
    const token = await t.token('auditor');
    const res = await t.get(`/api/v1/reports?framework=soc2&from=${PERIOD.from}&to=${PERIOD.to}&format=pdf`, token);
    expect(res.status).toBe(501);
    expect(((await res.json()) as { message: string }).message).toBe('PDF needs Chromium, and there is no executable Chromium at /nonexistent/chromium (set FLOWTRAIL_CHROMIUM_PATH); ask for format=html or format=oscal instead');
    expect((await t.get(`/api/v1/reports?framework=soc2&from=${PERIOD.from}&to=${PERIOD.to}&format=html`, token)).status).toBe(200);
  });
});
