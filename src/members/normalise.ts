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
