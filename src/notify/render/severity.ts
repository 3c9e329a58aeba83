/**
 * One colour per severity, shared by every renderer so that a platform never disagrees with
 * another: green for success, red for errors, orange (16753920, the colour users know from the
 * old token alert) for critical, yellow for warnings, blue for information.
 */
import type { Severity } from '../events.js';

export const SEVERITY_COLORS = {
  critical: 0xffa500,
  error: 0xe74c3c,
  warning: 0xf1c40f,
  success: 0x2ecc71,
  info: 0x3498db,
} as const satisfies Record<Severity, number>;

/** "#FFA500" for Slack attachments and e-mail. */
export function severityHex(severity: Severity): string {
  return `#${SEVERITY_COLORS[severity].toString(16).padStart(6, '0').toUpperCase()}`;
}
