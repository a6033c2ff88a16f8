/** How often a subscriber hears from us. */
export type Cadence = 'instant' | 'daily' | 'weekly';

export type SubscriberStatus = 'pending' | 'active' | 'unsubscribed' | 'suppressed';

/**
 * A subscriber: as little as the service needs. No names, no IP addresses, no tracking; the
 * address itself is erased on delete (only its hash stays, to honour a suppression).
 */
export interface Subscriber {
  id: string;
  email: string;
  status: SubscriberStatus;
  topics: string[];
  /** Languages of articles wanted; empty means every language. */
  languages: string[];
  cadence: Cadence;
  /** Local hour (0–23) a digest goes out, in `timeZone`. */
  digestHour: number;
  /** ISO weekday (1 = Monday … 7 = Sunday) of a weekly digest. */
  digestWeekday: number;
  /** IANA time zone, e.g. `Asia/Yerevan`, `Asia/Baku`. */
  timeZone: string;
  /** At most this many instant alerts a day (the rest wait for the next day's digest of overflow). */
  dailyCap?: number;
  paused: boolean;
  createdAt: string;
  confirmedAt?: string;
  unsubscribedAt?: string;
  suppressedAt?: string;
  /** Why the address is suppressed (permanent bounce, complaint, …): visible to operators. */
  suppressedReason?: string;
  transientBounces: number;
  /** Bumped to invalidate every link sent so far. */
  tokenVersion: number;
  /** When the next digest is due (UTC), while on a digest cadence and active. */
  nextDigestAt?: string;
  lastConfirmationSentAt?: string;
}

/** True when the subscriber should receive mail at all. */
export function isDeliverable(subscriber: Pick<Subscriber, 'status' | 'paused'>): boolean {
  return subscriber.status === 'active' && !subscriber.paused;
}

/** True when an article in `lang` is wanted by someone filtering on `languages`. */
export function wantsLanguage(languages: readonly string[], lang: string | undefined): boolean {
  return languages.length === 0 || (lang !== undefined && languages.includes(lang));
}
