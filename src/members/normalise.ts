/**
 * How typed identities compare. NFKC first: Japanese keyboards type full-width letters and digits
 * (ＴＡＲＯ＠ｅｘａｍｐｌｅ．ｊｐ, ０９０), which are the same to the person typing them.
 */
export function normaliseEmail(email: string): string {
  return email.normalize('NFKC').trim().toLowerCase();
}

export function normaliseName(name: string): string {
  return name.normalize('NFKC').replace(/[\s・･.]/gu, '').toLowerCase();
}

/** Digits only, with a Japanese country code written as the trunk prefix (+81 90… = 090…). */
export function normalisePhone(phone: string): string {
  const digits = phone.normalize('NFKC').replace(/\D/gu, '');
  return digits.startsWith('81') && digits.length >= 11 ? `0${digits.slice(2)}` : digits;
}

/** Access keys are read off paper: case, spaces and dashes do not count. */
export function normaliseAccessKey(key: string): string {
  return key.normalize('NFKC').replace(/[\s-]/gu, '').toUpperCase();
}

/** Hiragana folded onto katakana, so さくら町 and サクラ町 compare equal (NFKC has already widened ｻｸﾗ). */
function foldKana(text: string): string {
  return text.replace(/[\u3041-\u3096]/gu, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

const kanjiDigits: Record<string, number> = { 〇: 0, 一: 1, 二: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 };

/** 一 … 九十九 as digits (三丁目 → 3丁目, 十二番 → 12番): block and lot numbers, not place names. */
function kanjiNumber(text: string): string {
  return text.replace(/([一二三四五六七八九]?十[一二三四五六七八九]?|[〇一二三四五六七八九]+)(?=丁目|番地?|号|ノ|-|$)/gu, (numeral) => {
    if (!numeral.includes('十')) return [...numeral].map((c) => kanjiDigits[c]).join('');
    const [tens, ones] = numeral.split('十') as [string, string];
    return String((tens ? kanjiDigits[tens]! : 1) * 10 + (ones ? kanjiDigits[ones]! : 0));
  });
}

/**
 * One key for the ways a Japanese address is written (RELIABILITY G3): width (ＮＦＫＣ), spaces, 〒,
 * the postal code's dash, hiragana for katakana, ヶ/ケ/が in place names, kanji numerals, and
 * 1丁目2番3号 / 1丁目2番地3 / 1-2-3 / 1の2の3 with any dash. Equal keys are the same place as people
 * write it; a different building or room stays different.
 */
export function normaliseAddress(address: { postalCode: string; region?: string | undefined; locality?: string | undefined; line1?: string | undefined; line2?: string | undefined }): string {
  const postalCode = address.postalCode.normalize('NFKC').replace(/\D/gu, '');
  const text = [address.region, address.locality, address.line1, address.line2].filter(Boolean).join('').normalize('NFKC');
  const plain = foldKana(text.replace(/[\s〒]/gu, ''))
    .replace(/(?<=\p{Script=Han})[ヵヶケガ](?=\p{Script=Han})/gu, 'ケ') // 霞ヶ関, 霞ケ関, 霞が関
    .replace(/[‐‑‒–—―−ーｰ－-]/gu, '-');
  const numbered = kanjiNumber(plain)
    .replace(/(\d)(?:丁目|番地|番|ノ)/gu, '$1-') // の is ノ once kana are folded
    .replace(/(\d)号/gu, '$1')
    .replace(/-+/gu, '-')
    .replace(/-$/u, '');
  return `${postalCode}|${numbered}`;
}
