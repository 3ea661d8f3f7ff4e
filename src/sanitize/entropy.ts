// Shannon entropy in bits per character, as gitleaks uses to tell random keys
// from words: a 20-character random base62 string scores about 4, a word or a
// run of x's scores well under 3.

const asciiCounts = new Int32Array(128);

export function shannonEntropy(value: string): number {
  const n = value.length;
  if (n === 0) return 0;
  let other: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c < 128) asciiCounts[c] = (asciiCounts[c] ?? 0) + 1;
    else {
      other ??= new Map();
      other.set(c, (other.get(c) ?? 0) + 1);
    }
  }
  let bits = 0;
  for (let i = 0; i < n; i++) {
    const c = value.charCodeAt(i);
    if (c >= 128) continue;
    const count = asciiCounts[c] ?? 0;
    if (count === 0) continue;
    const p = count / n;
    bits -= p * Math.log2(p);
    asciiCounts[c] = 0;
  }
  if (other) {
    for (const count of other.values()) {
      const p = count / n;
      bits -= p * Math.log2(p);
    }
  }
  return bits;
}
