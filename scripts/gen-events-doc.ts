import { writeFileSync } from 'node:fs';
import { renderEventsDoc } from '../src/events-doc.js';

writeFileSync(new URL('../../docs/events.md', import.meta.url), renderEventsDoc());
console.log('wrote docs/events.md');
