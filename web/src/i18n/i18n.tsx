import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { setApiLanguage } from '../api/client';
import { en, type MessageKey } from './en';
import { ja } from './ja';

export type Locale = 'ja' | 'en';
const dictionaries = { ja, en } as const;
const storageKey = 'pointbook.locale';

/** The language chosen before (remembered), else the browser's first of ja and en, else Japanese. */
function initialLocale(): Locale {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'ja' || saved === 'en') return saved;
  const preferred = navigator.languages.find((l) => l.startsWith('ja') || l.startsWith('en'));
  return preferred?.startsWith('en') ? 'en' : 'ja';
}

/** Dates and numbers follow the member's own regional tag for the chosen language (en-GB, en-US…). */
function formattingTag(locale: Locale): string {
  return navigator.languages.find((l) => l.toLowerCase().startsWith(locale)) ?? (locale === 'ja' ? 'ja-JP' : 'en-US');
}

export interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t(key: MessageKey, params?: Record<string, string | number>): string;
  points(n: number): string;
  number(n: number): string;
  money(amountMinor: number, currency: string): string;
  date(iso: string): string;
  dateTime(iso: string): string;
  month(yyyyMm: string): string;
  /** The month alone (3月, Mar), under chart bars. */
  monthShort(yyyyMm: string): string;
  /** The ja or en text of a bilingual message from the API. */
  pick(message: { ja: string; en: string } | undefined | null): string;
}

const Context = createContext<I18n | null>(null);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [locale, setLocaleState] = useState<Locale>(initialLocale);
  setApiLanguage(locale);
  const value = useMemo<I18n>(() => {
    const tag = formattingTag(locale);
    const numbers = new Intl.NumberFormat(tag);
    const dates = new Intl.DateTimeFormat(tag, { dateStyle: 'medium' });
    const dateTimes = new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' });
    const months = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', timeZone: 'UTC' });
    const monthsShort = new Intl.DateTimeFormat(tag, { month: 'short', timeZone: 'UTC' });
    const dictionary = dictionaries[locale];
    return {
      locale,
      setLocale(next) {
        localStorage.setItem(storageKey, next);
        document.documentElement.lang = next;
        setLocaleState(next);
      },
      t(key, params = {}) {
        return dictionary[key].replace(/\{(\w+)\}/gu, (_, name: string) => String(params[name] ?? `{${name}}`));
      },
      points: (n) => dictionary['unit.points'].replace('{n}', numbers.format(n)),
      number: (n) => numbers.format(n),
      money: (amountMinor, currency) => {
        const format = new Intl.NumberFormat(tag, { style: 'currency', currency });
        const digits = format.resolvedOptions().maximumFractionDigits ?? 0;
        return format.format(amountMinor / 10 ** digits);
      },
      date: (iso) => dates.format(new Date(iso)),
      dateTime: (iso) => dateTimes.format(new Date(iso)),
      month: (yyyyMm) => months.format(new Date(`${yyyyMm}-01T00:00:00Z`)),
      monthShort: (yyyyMm) => monthsShort.format(new Date(`${yyyyMm}-01T00:00:00Z`)),
      pick: (message) => (message ? message[locale] : ''),
    };
  }, [locale]);
  document.documentElement.lang = locale;
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export function useI18n(): I18n {
  const value = useContext(Context);
  if (!value) throw new Error('useI18n outside I18nProvider');
  return value;
}
