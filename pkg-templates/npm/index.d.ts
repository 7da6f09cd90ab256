// Types for lms-support-widget: the browser API (window.LmsSupport) and this package's module.

/** A part of the widget that can be opened. */
export type LmsSupportPart = 'help' | 'ticket';

/** Ticket fields the host can fill in before the learner sees the form. */
export interface LmsSupportPrefill {
  subject?: string;
  description?: string;
  /** A priority id from the feed: `critical`, `high`, `routine`. */
  priority?: string;
  /** A category id from the feed. */
  category?: string;
  name?: string;
  email?: string;
}

/** Event details, by event name. Each also fires on `window` as `lms-support:<name>`. */
export interface LmsSupportEvents {
  ready: { version: string };
  'banner-shown': { ids: string[] };
  open: { part: LmsSupportPart };
  close: null;
  'ticket-submitted': { number: string; [key: string]: unknown };
  'ticket-queued': { [key: string]: unknown };
  error: { kind: string; message: string };
}

/** `window.LmsSupport`: exists as soon as loader.js has run; calls made earlier are replayed. */
export interface LmsSupportApi {
  readonly version: string;
  open(part?: LmsSupportPart): void;
  close(): void;
  prefill(fields: LmsSupportPrefill): void;
  setLocale(tag: string): void;
  /** Subscribes to an event; returns a function that unsubscribes. */
  on<K extends keyof LmsSupportEvents>(name: K, handler: (detail: LmsSupportEvents[K]) => void): () => void;
  /** Removes every node, listener and timer the widget added. */
  destroy(): void;
}

declare global {
  interface Window {
    LmsSupport?: LmsSupportApi;
  }
  interface WindowEventMap {
    'lms-support:ready': CustomEvent<LmsSupportEvents['ready']>;
    'lms-support:banner-shown': CustomEvent<LmsSupportEvents['banner-shown']>;
    'lms-support:open': CustomEvent<LmsSupportEvents['open']>;
    'lms-support:close': CustomEvent<null>;
    'lms-support:ticket-submitted': CustomEvent<LmsSupportEvents['ticket-submitted']>;
    'lms-support:ticket-queued': CustomEvent<LmsSupportEvents['ticket-queued']>;
    'lms-support:error': CustomEvent<LmsSupportEvents['error']>;
  }
}

/** This package's version. */
export declare const version: string;
/** Every file to serve from one directory, with its stage and SRI hash. */
export declare const files: ReadonlyArray<{ name: string; stage: 'banner' | 'full'; integrity: string }>;
/** The loader's `<script>` tag with its integrity hash; `data` keys become `data-*` attributes. */
export declare function scriptTag(
  base: string,
  data: { feed: string; locale?: string; lms?: string; quiet?: 'true' | 'false'; role?: string; course?: string; timeZone?: string; [key: string]: string | undefined },
): string;
