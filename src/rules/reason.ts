/**
 * The vocabulary of decisions: a rule says yes, or no with its reasons, in the member's language.
 * Decisions are values, never thrown (STYLE.md, "Errors: three kinds").
 */

/** Text a person reads, in both languages of the seed programs. */
export interface Message {
  ja: string;
  en: string;
}

/**
 * Why a rule said no (or what it did). `rule` is the id of the configured rule, tier or promotion;
 * `code` is a stable snake_case sentence a client may rely on; `params` are its values.
 */
export interface Reason {
  rule: string;
  code: string;
  message: Message;
  params?: Readonly<Record<string, string | number>>;
}

export type Decision = { ok: true } | { ok: false; reasons: Reason[] };
