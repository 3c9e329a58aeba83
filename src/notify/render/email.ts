/**
 * E-mail: subject, plain text and HTML (inline styles only: mail clients drop style sheets).
 * Every piece of the message is HTML-escaped, so a desk name or an error cannot add markup.
 * The subject is one line (a header cannot hold a line break) marked "[URGENT]" when critical;
 * the test marker is already in the title. Lists are cut to 200 rows of 2000 characters.
 */
import type { NotificationMessage } from '../message.js';
import { localeOf, moreText, numberedActions, renderWord, utcLabel } from './common.js';
import { severityHex } from './severity.js';
import { clip, fitFields, oneLine } from './truncate.js';

export interface EmailContent {
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

export const EMAIL_LIMITS = { subject: 200, fields: 200, fieldName: 256, fieldValue: 2000, text: 20_000 } as const;

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

export function renderEmail(message: NotificationMessage): EmailContent {
  const L = EMAIL_LIMITS;
  const urgent = message.severity === 'critical' ? `${renderWord(message, 'render.urgent')} ` : '';
  const subject = clip(oneLine(`${urgent}${message.title}`), L.subject);
  const body = clip(message.text, L.text);
  const fields = fitFields(message.fields, {
    maxFields: L.fields,
    maxName: L.fieldName,
    maxValue: L.fieldValue,
    budget: Number.POSITIVE_INFINITY,
    more: (dropped) => ({ name: '…', value: moreText(message, dropped) }),
  });
  const actionsTitle = renderWord(message, 'render.actions');
  const when = utcLabel(message.timestamp);

  const text = [
    message.title,
    '',
    body,
    ...(fields.length > 0 ? ['', ...fields.map((f) => `${f.name}: ${f.value.replace(/\n/g, '\n  ')}`)] : []),
    ...(message.actions.length > 0 ? ['', `${actionsTitle}:`, numberedActions(message.actions)] : []),
    '',
    '-- ',
    `${message.footer} · ${when}`,
  ].join('\n');

  const h = (raw: string) => escapeHtml(raw).replace(/\n/g, '<br>');
  const cell = 'padding:4px 12px 4px 0;vertical-align:top;border-bottom:1px solid #eeeeee;';
  const html = [
    '<!DOCTYPE html>',
    `<html lang="${localeOf(message)}"><head><meta charset="utf-8"><title>${h(message.title)}</title></head>`,
    '<body style="margin:0;padding:16px;background:#ffffff;color:#222222;font-family:Arial,Helvetica,sans-serif;font-size:14px;">',
    `<div style="max-width:640px;border-left:6px solid ${severityHex(message.severity)};padding:8px 16px;">`,
    `<h2 style="margin:0 0 12px;font-size:20px;">${h(message.title)}</h2>`,
    body ? `<p style="margin:0 0 12px;line-height:1.5;">${h(body)}</p>` : '',
    fields.length > 0
      ? `<table role="presentation" style="border-collapse:collapse;margin:0 0 12px;">${fields
          .map((f) => `<tr><th style="${cell}text-align:left;white-space:nowrap;">${h(f.name)}</th><td style="${cell}">${h(f.value)}</td></tr>`)
          .join('')}</table>`
      : '',
    message.actions.length > 0
      ? `<h3 style="margin:16px 0 6px;font-size:16px;">${h(actionsTitle)}</h3><ol style="margin:0 0 12px;padding-left:20px;">${message.actions
          .map((a) => `<li style="margin:0 0 4px;">${h(a)}</li>`)
          .join('')}</ol>`
      : '',
    `<p style="margin:16px 0 0;font-size:12px;color:#777777;">${h(message.footer)} · ${h(when)}</p>`,
    '</div></body></html>',
  ]
    .filter(Boolean)
    .join('\n');

  return { subject, text, html };
}
