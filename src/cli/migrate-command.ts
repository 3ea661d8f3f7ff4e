import type { Config } from '../config.js';
import { migrate, openDatabase } from '../store/index.js';
import { parseCommandArgs } from './args.js';
import { findRunningService } from './service-client.js';

export const migrateUsage = `Usage: flowtrail migrate

Applies the pending numbered SQL migrations under an advisory lock (serve also
does this at start-up).`;

export async function migrateCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values } = parseCommandArgs(argv, {});
  if (values.help === true) {
    out(migrateUsage);
    return 0;
  }
  if ((await findRunningService(config)) !== null) {
    out('the running service holds the embedded database and migrated it at start-up; nothing to do');
    return 0;
  }
  const db = await openDatabase({ url: config.db.url, dataDir: config.db.dataDir, max: 1 });
  try {
    const applied = await migrate(db.sql);
    out(applied.length === 0 ? 'the database is up to date' : `applied migrations ${applied.join(', ')}`);
  } finally {
    await db.close();
  }
  return 0;
}
