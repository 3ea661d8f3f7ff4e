import { roleOf, type Config } from '../config.js';
import { grantServiceRole, migrate, openDatabase, setRetentionFloor } from '../store/index.js';
import { parseCommandArgs } from './args.js';
import { findRunningService } from './service-client.js';

export const migrateUsage = `Usage: flowtrail migrate

Applies the pending numbered SQL migrations under an advisory lock.

With FLOWTRAIL_MIGRATION_DATABASE_URL (the tables' owner) it connects as that
role, then gives the role of FLOWTRAIL_DATABASE_URL exactly what the service
needs: insert and read on the log, no UPDATE, DELETE, TRUNCATE or trigger
change; purges only through the owner's functions. It also fixes the shortest
retention the service may run to FLOWTRAIL_RETENTION_DAYS. Run it whenever
flowtrail is upgraded; serve does not migrate in this mode.

Without it, serve migrates at start-up as the one role it has.`;

export async function migrateCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values } = parseCommandArgs(argv, {});
  if (values.help === true) {
    out(migrateUsage);
    return 0;
  }
  if (config.db.migrationUrl === undefined && (await findRunningService(config)) !== null) {
    out('the running service holds the embedded database and migrated it at start-up; nothing to do');
    return 0;
  }
  const db = await openDatabase({ url: config.db.migrationUrl ?? config.db.url, dataDir: config.db.dataDir, max: 1 });
  try {
    const applied = await migrate(db.sql);
    out(applied.length === 0 ? 'the database is up to date' : `applied migrations ${applied.join(', ')}`);
    if (config.db.migrationUrl !== undefined && config.db.url !== undefined) {
      const role = roleOf(config.db.url);
      await grantServiceRole(db.sql, role);
      await setRetentionFloor(db.sql, config.retention.days);
      out(`the service's role "${role}" may insert and read the log, nothing more; retention is at least ${config.retention.days} days`);
    }
  } finally {
    await db.close();
  }
  return 0;
}
