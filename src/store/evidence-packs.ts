import type { Sql } from './database.js';

export interface StoredPackInput {
  framework: string;
  periodFrom: Date;
  periodTo: Date;
  format: string;
  filename: string;
  contentType: string;
  content: Buffer;
  sha256: string;
  treeSize: number;
  producedBy: string;
}

export interface StoredPackRow extends Omit<StoredPackInput, 'content'> {
  id: number;
  bytes: number;
  createdAt: Date;
}

/** Keeps a produced pack; false when one of that framework, period and format is already kept. */
export async function storePack(sql: Sql, p: StoredPackInput): Promise<boolean> {
  const rows = await sql`insert into evidence_packs (framework, period_from, period_to, format, filename, content_type, content, sha256, tree_size, produced_by)
    values (${p.framework}, ${p.periodFrom}, ${p.periodTo}, ${p.format}, ${p.filename}, ${p.contentType}, ${p.content}, ${p.sha256}, ${p.treeSize}, ${p.producedBy})
    on conflict (framework, period_from, period_to, format) do nothing returning id`;
  return rows.length === 1;
}

/** Whether a pack of that framework, period and format is kept. */
export async function hasStoredPack(sql: Sql, framework: string, from: Date, to: Date, format: string): Promise<boolean> {
  const [r] = await sql`select 1 from evidence_packs where framework = ${framework} and period_from = ${from} and period_to = ${to} and format = ${format}`;
  return r !== undefined;
}

/** The kept packs, newest first (without their content). */
export async function listStoredPacks(sql: Sql, limit: number): Promise<StoredPackRow[]> {
  return sql<StoredPackRow[]>`select id, framework, period_from, period_to, format, filename, content_type, sha256, tree_size, produced_by, created_at,
      octet_length(content)::int as bytes
    from evidence_packs order by created_at desc, id desc limit ${limit}`;
}

/** One kept pack with its content. */
export async function getStoredPack(sql: Sql, id: number): Promise<(StoredPackRow & { content: Buffer }) | null> {
  const [r] = await sql<(StoredPackRow & { content: Buffer })[]>`select id, framework, period_from, period_to, format, filename, content_type, sha256, tree_size, produced_by, created_at,
      octet_length(content)::int as bytes, content
    from evidence_packs where id = ${id}`;
  return r ?? null;
}
