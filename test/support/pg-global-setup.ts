import { connect } from '../../src/store/database.js';
import { migrate } from '../../src/store/migrate.js';

// FLOWTRAIL_TEST_TEMPLATE_DB lets two suites run side by side on one server without dropping each other's template.
export const TEMPLATE_DB = process.env.FLOWTRAIL_TEST_TEMPLATE_DB ?? 'flowtrail_test_template';

// For the PostgreSQL project only: build one migrated template database that every
// test file clones (graphile/worker's approach). PGlite files migrate their own
// in-memory database instead.
export default async function setup(): Promise<void> {
  const url = process.env.FLOWTRAIL_TEST_DATABASE_URL;
  if (url === undefined) throw new Error('FLOWTRAIL_TEST_DATABASE_URL is not set');
  const admin = connect(url, 1);
  try {
    await admin.unsafe(`update pg_database set datistemplate = false where datname = '${TEMPLATE_DB}'`);
    await admin.unsafe(`drop database if exists ${TEMPLATE_DB} with (force)`);
    await admin.unsafe(`create database ${TEMPLATE_DB}`);
  } finally {
    await admin.end();
  }
  const tpl = connect(withDatabase(url, TEMPLATE_DB), 1);
  try {
    await migrate(tpl);
  } finally {
    await tpl.end();
  }
  const admin2 = connect(url, 1);
  try {
    await admin2.unsafe(`update pg_database set datistemplate = true where datname = '${TEMPLATE_DB}'`);
  } finally {
    await admin2.end();
  }
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
