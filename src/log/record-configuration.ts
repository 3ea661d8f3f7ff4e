import { hostname } from 'node:os';
import { configurationChanges, configurationFingerprint, type EffectiveConfiguration } from '../effective-configuration.js';
import { deterministicUuid } from '../gitlab/index.js';
import type { NoteSigner } from '../integrity/index.js';
import { latestEventOfType, lockLog, type Pool } from '../store/index.js';
import { appendEvents } from './append-events.js';
import { systemEvent } from './system-event.js';

/**
 * Records a configuration_changed event when `settings` differ from the configuration the log
 * last recorded (the first start records the whole configuration, from nothing). Under the log
 * lock, and with an event id derived from the previous record's position and the new
 * fingerprint, so replicas starting together with the same change record it once. Resolves with
 * the number of settings that changed (0: the configuration is the one recorded).
 */
export async function recordConfiguration(sql: Pool, settings: EffectiveConfiguration, signer: NoteSigner, origin: string): Promise<number> {
  const fingerprint = configurationFingerprint(settings);
  return sql.begin(async (tx) => {
    await lockLog(tx);
    const previous = await latestEventOfType(tx, 'configuration_changed');
    if (previous?.data.fingerprint === fingerprint) return 0;
    const before = (previous?.data.settings ?? null) as Record<string, unknown> | null;
    const changes = configurationChanges(before, settings);
    const event = systemEvent('configuration_changed', null, new Date().toISOString(), {
      fingerprint, previous_fingerprint: typeof previous?.data.fingerprint === 'string' ? previous.data.fingerprint : null,
      changes, settings, host: hostname(), pid: process.pid,
    }, { eventId: deterministicUuid(`configuration_changed:${previous?.seq ?? 'none'}:${fingerprint}`) });
    await appendEvents(tx, [event], { signer, origin, every: Number.MAX_SAFE_INTEGER });
    return changes.length;
  });
}
