import { readFileSync, writeFileSync } from 'node:fs';
import { renderEventsDoc } from '../src/events-doc.js';
import { renderSiemDoc } from '../src/stream/index.js';

writeFileSync(new URL('../../docs/events.md', import.meta.url), renderEventsDoc());
console.log('wrote docs/events.md');
// The SIEM field mappings list every event type too.
const siem = new URL('../../docs/siem.md', import.meta.url);
writeFileSync(siem, renderSiemDoc(readFileSync(siem, 'utf8')));
console.log('wrote docs/siem.md');
