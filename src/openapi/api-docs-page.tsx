import type { FC } from 'hono/jsx';

type Json = Record<string, unknown>;
type Schema = Json & { type?: string | string[]; format?: string; enum?: unknown[]; anyOf?: Schema[]; default?: unknown; minimum?: number; maximum?: number; maxLength?: number; items?: Schema };
interface Parameter { name: string; in: string; required?: boolean; description?: string; schema?: Schema }
interface OperationDoc {
  operationId: string; tags: string[]; summary: string; description?: string; security: Json[]; 'x-flowtrail-roles': string[];
  parameters: Parameter[]; requestBody?: { required: boolean; content: Record<string, { schema?: Json }> };
  responses: Record<string, { description: string; content?: Record<string, unknown> }>;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** A one-line reading of a parameter's schema: type, format, allowed values, bounds, default. */
export function schemaSummary(s: Schema | undefined): string {
  if (s === undefined) return '';
  if (s.anyOf !== undefined) return s.anyOf.map(schemaSummary).join(' or ');
  const parts: string[] = [];
  if (s.enum !== undefined) parts.push(`one of ${s.enum.map(String).join(', ')}`);
  else parts.push([Array.isArray(s.type) ? s.type.join(' | ') : s.type ?? 'any', s.format === undefined ? '' : ` (${s.format})`].join(''));
  if (s.minimum !== undefined || s.maximum !== undefined) parts.push(`${s.minimum ?? ''}..${s.maximum ?? ''}`);
  if (s.maxLength !== undefined) parts.push(`at most ${s.maxLength} characters`);
  if (s.default !== undefined) parts.push(`default ${String(s.default)}`);
  return parts.join(', ');
}

const schemeNames = (security: Json[]): string => (security.length === 0 ? 'none' : security.map((s) => Object.keys(s).join(' + ')).join(' or '));

const Operation: FC<{ method: string; path: string; op: OperationDoc }> = ({ method, path, op }) => (
  <section id={op.operationId}>
    <h2><span class="badge badge-info">{method.toUpperCase()}</span> <code>{path}</code></h2>
    <p><strong>{op.summary}</strong></p>
    {(op.description ?? '').split('\n\n').map((p) => <p>{p}</p>)}
    <p class="muted">Authentication: {schemeNames(op.security)}</p>
    {op.parameters.length > 0 ? (
      <div class="table-box"><table>
        <thead><tr><th>Parameter</th><th>In</th><th>Required</th><th>Schema</th><th>Description</th></tr></thead>
        <tbody>
          {op.parameters.map((p) => (
            <tr><td><code>{p.name}</code></td><td>{p.in}</td><td>{p.required === true ? 'yes' : 'no'}</td><td>{schemaSummary(p.schema)}</td><td>{p.description ?? ''}</td></tr>
          ))}
        </tbody>
      </table></div>
    ) : null}
    {op.requestBody !== undefined ? (
      <div>
        <h3>Request body{op.requestBody.required ? '' : ' (optional)'}</h3>
        {Object.entries(op.requestBody.content).map(([type, media]) => (
          <details>
            <summary><code>{type}</code></summary>
            <pre class="mono">{JSON.stringify(media.schema ?? {}, null, 2)}</pre>
          </details>
        ))}
      </div>
    ) : null}
    <h3>Responses</h3>
    <div class="table-box"><table>
      <thead><tr><th>Status</th><th>Description</th><th>Media types</th></tr></thead>
      <tbody>
        {Object.entries(op.responses).map(([status, r]) => (
          <tr><td>{status}</td><td>{r.description}</td><td>{Object.keys(r.content ?? {}).join(', ')}</td></tr>
        ))}
      </tbody>
    </table></div>
  </section>
);

/**
 * The OpenAPI document as a plain server-rendered page: no script, no other
 * origin (the service's CSP forbids both), every text escaped by hono/jsx.
 */
/** The document's content: what the site's layout (or the bare page below) frames. */
export const ApiDocsContent: FC<{ document: Json }> = ({ document }) => {
  const info = document.info as { title: string; description: string; version: string };
  const paths = document.paths as Record<string, Partial<Record<(typeof METHODS)[number], OperationDoc>>>;
  const schemes = (document.components as { securitySchemes: Record<string, { description?: string; name?: string; scheme?: string }> }).securitySchemes;
  const ops = Object.entries(paths).flatMap(([path, item]) => METHODS.flatMap((m) => (item[m] === undefined ? [] : [{ method: m, path, op: item[m]! }])));
  const tags = [...new Set(ops.map((o) => o.op.tags[0] ?? ''))];
  return (
        <>
          <h1>{info.title} API <span class="badge badge-neutral">{info.version}</span></h1>
          <p>{info.description}</p>
          <p>The machine-readable document: <a href="/api/v1/openapi.json"><code>/api/v1/openapi.json</code></a> (OpenAPI {String(document.openapi)}).</p>
          <h2>Authentication</h2>
          <div class="table-box"><table>
            <tbody>
              {Object.entries(schemes).map(([name, s]) => (
                <tr><td><code>{name}</code></td><td>{s.name ?? (s.scheme === undefined ? '' : `Authorization: ${s.scheme}`)}</td><td>{s.description ?? ''}</td></tr>
              ))}
            </tbody>
          </table></div>
          <h2>Operations</h2>
          {tags.map((tag) => (
            <div>
              <h3>{tag}</h3>
              <ul>
                {ops.filter((o) => (o.op.tags[0] ?? '') === tag).map((o) => (
                  <li><a href={`#${o.op.operationId}`}><code>{o.method.toUpperCase()} {o.path}</code></a> <span class="muted">{o.op.summary}</span></li>
                ))}
              </ul>
            </div>
          ))}
          {ops.map((o) => <Operation method={o.method} path={o.path} op={o.op} />)}
        </>
  );
};

/** The page on its own, for a service without the pages' layout. */
export const ApiDocsPage: FC<{ document: Json }> = ({ document }) => {
  const info = document.info as { title: string };
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{info.title} API</title>
        <link rel="stylesheet" href="/-/assets/app.css" />
      </head>
      <body>
        <header class="top"><a class="brand" href="/">flowtrail</a><nav><a href="/api/v1/docs">API</a></nav></header>
        <main><ApiDocsContent document={document} /></main>
      </body>
    </html>
  );
};
