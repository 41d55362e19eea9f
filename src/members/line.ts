/**
 * What a line (contract) is beyond its plan and services, as contract events describe it
 * (#5; GG-1, GG-2, GG-5, GG-6). Every field is optional: upstream sends what it knows, and a later
 * event replaces the fields it gives (a given `user` replaces the whole user).
 */
export interface LinePerson {
  /** The carrier's id of the person: one person may use lines of several members (GG-6, GG-11). */
  personId: string;
  /** `YYYY-MM-DD`; GG-1 counts age at the application date. */
  birthDate?: string | undefined;
}

export interface LineDevice {
  /** GG-2: bought with this contract (or upgrade). */
  purchased: boolean;
  /** GG-4: the data benefit needs a 4G/LTE device. Free text: `4G`, `LTE`, `3G`… */
  network?: string | undefined;
}

/** How the line's current contract began: a new number, a port-in (MNP) or a handset upgrade. */
export type LineOrigin = 'new' | 'mnp' | 'upgrade';
export const lineOrigins: readonly LineOrigin[] = ['new', 'mnp', 'upgrade'];
export type SharedDataRole = 'none' | 'parent' | 'child';
export const sharedDataRoles: readonly SharedDataRole[] = ['none', 'parent', 'child'];

export interface LineDetails {
  /** Who uses the line; under-12 users have a parent as holder (GG-1 ⑩). */
  user?: LinePerson | undefined;
  holder?: LinePerson | undefined;
  device?: LineDevice | undefined;
  origin?: LineOrigin | undefined;
  /** When the contract of `origin` was made: set by the event that said `origin` (GG-4). */
  originAt?: string | undefined;
  corporate?: boolean | undefined;
  sharedDataRole?: SharedDataRole | undefined;
  /** Other discounts applied to the line (GG-6 exclusions). */
  discounts?: string[] | undefined;
}

const keys: readonly (keyof LineDetails)[] = ['user', 'holder', 'device', 'origin', 'originAt', 'corporate', 'sharedDataRole', 'discounts'];

/** The fields of `change` that describe the line, with `originAt` stamped when the origin is given. */
export function lineChangeOf(change: Readonly<LineDetails>, at: string): LineDetails | undefined {
  const out: LineDetails = {};
  for (const key of keys) if (change[key] !== undefined) Object.assign(out, { [key]: change[key] });
  if (out.origin !== undefined) out.originAt = at;
  return Object.keys(out).length === 0 ? undefined : out;
}
