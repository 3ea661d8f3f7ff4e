// US Social Security numbers as AAA-GG-SSSS. The SSA never issues area 000,
// 666 or 900-999, group 00 or serial 0000, so those are not SSNs.

const SSN = /(\d{3})-(\d{2})-(\d{4})(?![\d-])/y;

/** End index of a valid SSN starting at `at`, or -1. */
export function matchUsSsn(text: string, at: number): number {
  SSN.lastIndex = at;
  const m = SSN.exec(text);
  if (m === null) return -1;
  const [, area = '', group = '', serial = ''] = m;
  if (area === '000' || area === '666' || area[0] === '9') return -1;
  if (group === '00' || serial === '0000') return -1;
  return at + m[0].length;
}
