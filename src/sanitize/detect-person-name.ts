import nlp from 'compromise';
import { Priority, type Candidate } from './candidate.js';
import type { KnownPeople } from './known-people.js';

// Person names in free text. compromise (an English NLP library) tags names
// from its lexicon of about 3,000 first names and 900 family names, but
// parsing a sentence with it costs about a millisecond, far too slow for every
// text. So a character loop first finds capitalised word pairs ("Maria
// Schneider", "Thomas de Vries"), which most log and code lines never hold.
// A pair is a name when:
// - it starts one of the display names flowtrail knows from GitLab;
// - an honorific stands before it (Dr., Mrs., Herr, Mme, Sr. ...);
// - compromise's lexicon knows the first word as a first name or the second
//   as a family name, and the other word is not a common noun (a small list
//   of words that are capitalised in product and UI names: "Merge Request",
//   "Grace Period");
// - otherwise, when neither word is a known common word and a word that
//   introduces a person stands before it ("ask", "cc", "laut", "según"),
//   compromise parses the sentence and decides.
// `@username` mentions of known GitLab users are redacted too.

interface Lexicon {
  [word: string]: string | string[] | undefined;
}

const LEXICON = (nlp.model() as { one: { lexicon: Lexicon } }).one.lexicon;

function tagsOf(word: string): readonly string[] {
  const t = LEXICON[word];
  if (t === undefined) return [];
  return Array.isArray(t) ? t : [t];
}

function isFirstName(word: string): boolean {
  return tagsOf(word).some((t) => t === 'FirstName' || t === 'MaleName' || t === 'FemaleName');
}

function isLastName(word: string): boolean {
  return tagsOf(word).includes('LastName');
}

/** Known to the lexicon as something other than a name. */
function isOtherWord(word: string): boolean {
  const tags = tagsOf(word);
  return tags.length > 0 && !tags.some((t) => t === 'FirstName' || t === 'MaleName' || t === 'FemaleName' || t === 'LastName' || t === 'Person');
}

const PARTICLES = new Set(['de', 'da', 'do', 'dos', 'das', 'del', 'della', 'di', 'van', 'von', 'der', 'den', 'ter', 'le', 'la', 'du', 'ní', 'nic', 'mac', 'bin', 'al', 'el']);

const HONORIFIC = /(?:^|[\s(])(?:dr|mr|mrs|ms|mx|prof|herr|frau|mme|mlle|m|sr|sra|srta|sig|sig\.ra|dhr|mevr|dott|ing)\.?\s$/i;

const CUE = /(?:^|[\s(])(?:ask|asked|cc|by|to|from|with|thanks|thank|per|ping|contact|assignee:?|reviewer:?|author:?|owner:?|mit|von|laut|danke|bitte|según|por|con|d['’]après|par|avec|merci|secondo|da|com|met|volgens|door|dank)\s$/i;

// Capitalised words that are common in product, UI and place names and that
// the lexicon does not mark as ordinary words.
const COMMON = new Set(
  `request requests merge pull branch release review code studio cloud run page settings setting plan template test tests
  period complete language gems gem pine night day light dark mode theme web services service server client bar activity
  workflow extension platform agent duo pipeline pipelines runner runners job jobs build deploy account manager key token
  secret data base lake store engine hub lab labs street road avenue city park bank group team project issue issues board
  note notes guide docs policy security center centre office edge chrome firefox safari linux windows mac book pro max air
  mini ultra plus home storage functions lambda bucket region zone north south east west new old big great grand saint san
  santa los las york angeles francisco diego valley river lane hall house tower bridge square market stack overflow registry
  container containers registry cluster node nodes network console portal dashboard report reports api apis sdk cli app
  apps application applications support help desk admin area audit log logs event events trail flow flows session sessions
  instance instances database system systems product products feature features preview beta alpha general availability
  standard enterprise premium ultimate free edition version update updates patch launch summit conference meeting sync
  monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september
  october november december english german french spanish portuguese italian dutch european american national federal
  state states united kingdom republic union council committee board central reserve foundation institute university college
  school library museum gallery theatre theater studios pictures records music radio television news times post journal
  weekly daily review rose ruby pearl jade amber ivy iris lily daisy violet hazel grace faith hope joy will mark bill rich
  frank jack rob bob pat sue art chase dean drew gene glen grant hunter lance miles penny rocky sandy stone wade ward wood
  words word style guides rules rule path paths kit tool tools toolkit suite office`.split(/\s+/).filter(Boolean),
);

function isCommon(word: string): boolean {
  return COMMON.has(word);
}

function isUpper(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 0xc0 && c <= 0xde && c !== 0xd7) || (c >= 0x100 && c <= 0x24f && c % 2 === 0 && isLetterCode(c));
}

function isLetterCode(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 0xc0 && c <= 0x24f && c !== 0xd7 && c !== 0xf7);
}

function isLower(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 0xdf && c <= 0xff && c !== 0xf7) || (c >= 0x100 && c <= 0x24f && c % 2 === 1);
}

/** End of a name word at `at`: letters, and `-` or `'` between letters (Jean-Luc, O'Brien). */
function wordEnd(text: string, at: number): number {
  let i = at;
  for (;;) {
    while (i < text.length && isLetterCode(text.charCodeAt(i))) i++;
    const c = text.charCodeAt(i);
    if ((c === 45 || c === 39 || c === 0x2019) && isLetterCode(text.charCodeAt(i + 1))) {
      i++;
      continue;
    }
    return i;
  }
}

// A capitalised word followed by a capitalised word or a name particle: the
// cheap pre-check (a V8 regex without the `u` flag, Latin letters only).
const PAIR =
  /[A-ZÀ-ÖØ-Þ][a-zß-öø-ÿĀ-ɏ]+(?:[-'’][A-Za-zÀ-ÖØ-öø-ÿĀ-ɏ]+)?(?: (?:[A-ZÀ-ÖØ-ÞĀ-ɏ]|(?:de|da|do|dos|das|del|della|di|van|von|der|den|ter|le|la|du|ní|al|el|bin) [A-Z]))?/g;

export function detectPersonNames(text: string, out: Candidate[], people: KnownPeople): void {
  if (text.includes('@')) detectMentions(text, out, people);
  PAIR.lastIndex = 0;
  for (let m = PAIR.exec(text); m !== null; m = PAIR.exec(text)) {
    const start = m.index;
    if (start > 0 && isWordish(text.charCodeAt(start - 1))) continue;
    if (m[0].indexOf(' ') < 0 && people.namesByFirstWord(m[0]) === undefined) continue;
    const end1 = wordEnd(text, start);
    const found = tryName(text, start, end1, people);
    if (found > 0) {
      out.push({ start, end: found, kind: 'person_name', priority: Priority.pii });
      PAIR.lastIndex = found;
    } else PAIR.lastIndex = end1;
  }
}

function isWordish(c: number): boolean {
  return isLetterCode(c) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 47 || c === 45;
}

/** End of the name starting at `start` (its first word ends at `end1`), or -1. */
function tryName(text: string, start: number, end1: number, people: KnownPeople): number {
  const w1 = text.slice(start, end1);
  const known = people.namesByFirstWord(w1);
  if (known !== undefined) {
    for (const name of known) if (text.startsWith(name, start) && !isLetterCode(text.charCodeAt(start + name.length))) return start + name.length;
  }
  if (text.charCodeAt(end1) !== 32) return -1;
  let s2 = end1 + 1;
  let end2 = wordEnd(text, s2);
  let particle = false;
  if (!isUpper(text.charCodeAt(s2))) {
    if (!PARTICLES.has(text.slice(s2, end2)) || text.charCodeAt(end2) !== 32) return -1;
    particle = true;
    s2 = end2 + 1;
    end2 = wordEnd(text, s2);
    if (!isUpper(text.charCodeAt(s2))) return -1;
  }
  if (end2 - s2 < 2 || !isLower(text.charCodeAt(s2 + 1))) return -1;
  const a = w1.toLowerCase();
  const b = text.slice(s2, end2).toLowerCase();
  if (isCommon(a) || isCommon(b)) return -1;
  const before = text.slice(Math.max(0, start - 14), start);
  if (HONORIFIC.test(before)) return end2;
  const first = isFirstName(a);
  const last = isLastName(b);
  if (first && (last || particle || !isOtherWord(b))) return end2;
  if (last && !isOtherWord(a)) return end2;
  if (isOtherWord(a) || isOtherWord(b)) return -1;
  // Two capitalised words the lexicon does not know: after a word that
  // introduces a person, a name; elsewhere compromise reads the sentence.
  if (CUE.test(before)) return end2;
  return confirmWithCompromise(text, start, end2) ? end2 : -1;
}

/** compromise on the sentence around the pair: does it read the pair as a person? */
function confirmWithCompromise(text: string, start: number, end: number): boolean {
  const from = Math.max(0, start - 40);
  const to = Math.min(text.length, end + 40);
  const window = text.slice(from, to);
  const cached = verdicts.get(window);
  if (cached !== undefined) return cached;
  const pair = text.slice(start, end);
  const people = nlp(window).people().out('array') as string[];
  const verdict = people.some((p) => p.includes(pair) || pair.includes(p.replace(/[.,;:]$/, '')));
  if (verdicts.size >= 4096) verdicts.clear();
  verdicts.set(window, verdict);
  return verdict;
}

/** compromise's verdicts by window: the same product names recur from event to event. */
const verdicts = new Map<string, boolean>();

const MENTION = /(?<![\w.])@([A-Za-z0-9_][\w.-]{2,254})/g;

function detectMentions(text: string, out: Candidate[], people: KnownPeople): void {
  MENTION.lastIndex = 0;
  for (let m = MENTION.exec(text); m !== null; m = MENTION.exec(text)) {
    const name = (m[1] ?? '').replace(/[.-]+$/, '');
    if (people.hasUsername(name)) out.push({ start: m.index + 1, end: m.index + 1 + name.length, kind: 'person_name', priority: Priority.pii });
  }
}
