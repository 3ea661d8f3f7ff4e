import type { FC } from 'hono/jsx';
import { humanize } from './event-words.js';

/** The flow types the data holds, as a choice list; a value asked for that no session has stays chosen. */
export const FlowTypeSelect: FC<{ value?: string; choices: readonly string[] }> = ({ value, choices }) => {
  const all = value !== undefined && !choices.includes(value) ? [value, ...choices] : choices;
  return (
    <label>Flow type
      <select name="flow_type">
        <option value="">any</option>
        {all.map((t) => <option value={t} selected={t === value}>{humanize(t)}</option>)}
      </select>
    </label>
  );
};
