import type { Config } from '../src/config.js';
import { validateFlowEvent } from '../src/ingest/index.js';
import { appendEvents } from '../src/log/index.js';
import { createSigner, loadKeys } from '../src/load-keys.js';
import { createSanitizer, sanitizeEvent } from '../src/sanitize/index.js';
import type { Pool } from '../src/store/index.js';
import { benchEvent } from './bench-env.js';

/** Appends `events` decision events through the real path (validated, sanitized, sequenced, a checkpoint every 10,000). */
export async function fillVerifyDatabase(sql: Pool, config: Config, events: number): Promise<void> {
  const keys = await loadKeys(config);
  const sanitizer = createSanitizer({ key: keys.sanitizerKey });
  const policy = { signer: createSigner(keys, config.integrity.origin), origin: config.integrity.origin, every: 10_000 };
  const base = Date.now() - 86_400_000;
  for (let i = 0; i < events; i += 5000) {
    const batch = Array.from({ length: Math.min(5000, events - i) }, (_, k) => {
      const v = validateFlowEvent(benchEvent(i + k, `v${(i + k) % 500}`, new Date(base + i + k).toISOString()));
      if (!v.ok) throw new Error(v.error);
      return sanitizeEvent(sanitizer, v.event);
    });
    await sql.begin((tx) => appendEvents(tx, batch, policy));
  }
  await sql.begin((tx) => appendEvents(tx, [], policy, true));
}
