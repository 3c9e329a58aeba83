/**
 * The platform-neutral message: what an event says to a person, in their language, before any
 * target's shape. `buildMessage` (in `compose.ts`) makes one from an event; the renderers in
 * `render/` turn it into a Discord embed, Slack blocks, a Teams card, a Google Chat card, generic
 * JSON, an e-mail or a log line. Everything here is plain data, safe to show: no secret ever.
 */
import type { Locale } from '../i18n.js';
import type { EventType, Severity } from './events.js';

export interface MessageField {
  readonly name: string;
  readonly value: string;
  /** Short enough to sit beside another field (Discord inline fields, Slack two-column fields). */
  readonly inline?: boolean;
}

export interface NotificationMessage {
  readonly eventId: string;
  /** The event it tells about; `reply` for the answer to a chat command. */
  readonly eventType: EventType | 'reply';
  readonly severity: Severity;
  /** A sample sent by test-alert: every rendering says so visibly. */
  readonly test: boolean;
  /** ISO 8601 instant of the event. */
  readonly timestamp: string;
  /** One line, e.g. "⚠️ OneFlex token expired". Already prefixed with the test marker when test. */
  readonly title: string;
  /** The body, a few sentences; may contain line breaks, no markup. */
  readonly text: string;
  /** Structured details (dates, desks, errors, actions), in display order. */
  readonly fields: readonly MessageField[];
  /** What the person should do, one entry per action, in order (empty when nothing is needed). */
  readonly actions: readonly string[];
  /** Critical: chat channels mention the owner so their phone rings. */
  readonly mentionOwner: boolean;
  /** Footer text, e.g. "oneflex-bot". */
  readonly footer: string;
  /**
   * Language the message was written in. Renderers use it for the few words they add themselves
   * (the "What to do" heading, the "… and N more" marker); French when absent.
   */
  readonly locale?: Locale;
}
