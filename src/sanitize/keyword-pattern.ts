// Turns a list of literal keywords into one regex source shaped as a trie
// (`g(?:h(?:p_|o_)|l(?:pat-|dt-))`), which V8 scans noticeably faster than a
// flat alternation of the same words. Longer keywords win over their prefixes.

interface TrieNode {
  children: Map<string, TrieNode>;
  terminal: boolean;
}

function escapeChar(ch: string): string {
  return /[\\^$.*+?()[\]{}|/-]/.test(ch) ? `\\${ch}` : ch;
}

export function keywordPattern(words: readonly string[]): string {
  const root: TrieNode = { children: new Map(), terminal: false };
  for (const word of words) {
    let node = root;
    for (const ch of word) {
      let child = node.children.get(ch);
      if (child === undefined) {
        child = { children: new Map(), terminal: false };
        node.children.set(ch, child);
      }
      node = child;
    }
    node.terminal = true;
  }
  return emit(root);
}

function emit(node: TrieNode): string {
  const branches: string[] = [];
  for (const [ch, child] of node.children) branches.push(escapeChar(ch) + emit(child));
  if (branches.length === 0) return '';
  const body = branches.length === 1 ? (branches[0] ?? '') : `(?:${branches.join('|')})`;
  return node.terminal ? `(?:${body})?` : body;
}
