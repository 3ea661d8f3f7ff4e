export const GRAPHQL_RESPONSE = 'application/graphql-response+json';
export const JSON_MEDIA = 'application/json';
export type ResponseMedia = typeof GRAPHQL_RESPONSE | typeof JSON_MEDIA;

/**
 * The response media type for an Accept header (GraphQL over HTTP): the
 * supported type of highest quality, earlier listed first on a tie; `*\/*`
 * and `application/*` mean application/json. No header means
 * application/graphql-response+json (the spec's default since 2025); nothing
 * acceptable means null (answer 406).
 */
export function chooseMediaType(accept: string | undefined): ResponseMedia | null {
  if (accept === undefined || accept.trim() === '') return GRAPHQL_RESPONSE;
  let best: { media: ResponseMedia; q: number } | null = null;
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const q = Number(params.find((p) => p.startsWith('q='))?.slice(2) ?? '1');
    if (!(q > 0)) continue;
    const media: ResponseMedia | null =
      range === GRAPHQL_RESPONSE ? GRAPHQL_RESPONSE : range === JSON_MEDIA || range === '*/*' || range === 'application/*' ? JSON_MEDIA : null;
    if (media !== null && (best === null || q > best.q)) best = { media, q };
  }
  return best?.media ?? null;
}
