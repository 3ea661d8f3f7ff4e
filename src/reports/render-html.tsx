import type { FC } from 'hono/jsx';
import type { EvidencePack } from './build-pack.js';

// One self-contained file: the auditor keeps it, prints it or has Chromium turn it into the PDF.
const CSS = `
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1f1f1f; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .25rem; } h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #ddd; padding-bottom: .25rem; }
h3 { font-size: 1.05rem; margin: 1.5rem 0 .25rem; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; } th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #eee; }
th { width: 45%; font-weight: 600; } code, pre { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12px; word-break: break-all; white-space: pre-wrap; }
.satisfied { color: #0a6b2d; font-weight: 700; } .not-satisfied { color: #b3261e; font-weight: 700; }
.control { break-inside: avoid; border: 1px solid #ddd; border-radius: 4px; padding: .5rem 1rem; margin: 1rem 0; }
.muted { color: #555; } @media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; } }
`;

const Rows: FC<{ rows: [string, string | number][] }> = ({ rows }) => (
  <table>
    {rows.map(([k, v]) => (
      <tr><th>{k}</th><td>{String(v)}</td></tr>
    ))}
  </table>
);

const Pack: FC<{ pack: EvidencePack }> = ({ pack }) => {
  const failed = pack.controls.filter((c) => c.finding.status === 'not-satisfied').length;
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>{`Evidence pack: ${pack.frameworkName}, ${pack.period.from} to ${pack.period.to}`}</title>
        <style dangerouslySetInnerHTML={{ __html: CSS }} />
      </head>
      <body>
        <h1>Evidence pack: {pack.frameworkName}</h1>
        <p class="muted">flowtrail audit trail of GitLab Duo Agent Platform sessions, log <code>{pack.origin}</code></p>
        <Rows rows={[
          ['period (from, inclusive)', pack.period.from],
          ['period (to, exclusive)', pack.period.to],
          ['controls assessed', pack.controls.length],
          ['findings', `${pack.controls.length - failed} satisfied, ${failed} not satisfied`],
          ['signed checkpoint (tree size)', pack.checkpoint.treeSize],
          ['checkpoint signed at', pack.checkpoint.createdAt],
        ]} />
        <h2>Findings per control</h2>
        {pack.controls.map((c) => (
          <section class="control" id={c.oscalId}>
            <h3>{c.id}: {c.title}</h3>
            <p><strong>What it asks.</strong> {c.asks}</p>
            <p><strong>What flowtrail recorded in the period.</strong></p>
            <Rows rows={c.figures.map((f) => [f.label, f.value])} />
            <p><strong>Finding:</strong> <span class={c.finding.status}>{c.finding.status}</span>. {c.finding.reason}.</p>
          </section>
        ))}
        <h2>Sample sessions</h2>
        <p>
          Drawn reproducibly: the sessions started in the period, ordered by SHA-256 of the checkpoint's root hash followed by the
          session id, the first {pack.samples.length}. Each event below carries its inclusion proof against the checkpoint
          (RFC 6962 audit path, base64 hashes).
        </p>
        {pack.samples.length === 0 ? <p>No session started in the period.</p> : pack.samples.map((s) => (
          <section>
            <h3>Session <code>{s.sessionId}</code></h3>
            <p class="muted">rank <code>{s.rank}</code></p>
            <table>
              <tr><th>seq, type, occurred at</th><td>leaf hash and audit path</td></tr>
              {s.events.map((e) => (
                <tr><th><code>{e.seq}</code> {e.type}<br />{e.occurredAt}</th><td><code>{e.leafHash}</code><br /><code>{e.proof.join(' ')}</code></td></tr>
              ))}
            </table>
          </section>
        ))}
        <h2>How to check this pack</h2>
        <ol>
          <li>Check the checkpoint's signature with the verifier key below (a C2SP signed note, Ed25519).</li>
          <li>Export the period's events with their proofs, <code>{`flowtrail export --bundle --from ${pack.period.from} --to ${pack.period.to}`}</code>, run <code>flowtrail verify --bundle FILE</code>, and recount the figures from the events whose seq is below the tree size.</li>
          <li>For each sample event, hash the audit path up to the checkpoint's root hash.</li>
        </ol>
        <h3>Signed checkpoint</h3>
        <pre>{pack.checkpoint.note}</pre>
        <h3>Verifier key</h3>
        <pre>{pack.verifierKey ?? 'not known to this service'}</pre>
      </body>
    </html>
  );
};

/** The pack as one HTML document (the text is escaped by hono/jsx). */
export function renderHtml(pack: EvidencePack): string {
  return `<!doctype html>\n${String(<Pack pack={pack} />)}`;
}
