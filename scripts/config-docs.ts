/**
 * `npm run docs:config`: writes `.env.example` and the README's configuration table from the
 * variable list in `src/config/variables.ts`, the one source of truth (a test checks both).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { variableList, type VariableSpec } from '../src/config/variables.js';

const root = new URL('../', import.meta.url);

function groups(): Map<string, VariableSpec[]> {
  const out = new Map<string, VariableSpec[]>();
  for (const v of variableList) out.set(v.group, [...(out.get(v.group) ?? []), v]);
  return out;
}

function envExample(): string {
  const lines = [
    '# oneflex-bot configuration. Copy to config/.env (Docker: mounted at /app/config/.env) or .env.',
    '# Real environment variables win over this file. Every secret also accepts NAME_FILE (Docker secrets).',
    '# A Python-bot .env works as it is: every variable it read keeps its name and meaning.',
  ];
  for (const [group, vars] of groups()) {
    lines.push('', `# ─── ${group} ${'─'.repeat(Math.max(3, 60 - group.length))}`, '');
    for (const v of vars) {
      const facts = [`Expected: ${v.expected}.`];
      if (v.defaultValue) facts.push(`Default: ${v.defaultValue}.`);
      else facts.push(`Example: ${v.example}`);
      if (v.secret) facts.push(`Secret: also accepted as ${v.key}_FILE.`);
      lines.push(`# ${v.description}`, `# ${facts.join(' ')}`);
      lines.push(v.secret ? `${v.key}=` : `# ${v.key}=${v.defaultValue ?? ''}`, '');
    }
    lines.pop();
  }
  return `${lines.join('\n')}\n`;
}

function readmeTable(): string {
  const rows = ['| Variable | Default | Example | What it does |', '|---|---|---|---|'];
  for (const [group, vars] of groups()) {
    rows.push(`| **${group}** | | | |`);
    for (const v of vars) {
      const cell = (s: string) => s.replace(/\|/g, '\\|');
      rows.push(
        `| \`${v.key}\`${v.secret ? ' 🔒' : ''} | ${v.defaultValue ? `\`${cell(v.defaultValue)}\`` : '—'} | \`${cell(v.example)}\` | ${cell(v.description)} |`,
      );
    }
  }
  return rows.join('\n');
}

writeFileSync(new URL('.env.example', root), envExample());
const readmeUrl = new URL('README.md', root);
const readme = readFileSync(readmeUrl, 'utf8');
const start = readme.indexOf('| Variable | Default | Example | What it does |');
if (start < 0) throw new Error('README.md has no configuration table');
let end = readme.indexOf('\n\n', start);
if (end < 0) end = readme.length;
writeFileSync(readmeUrl, readme.slice(0, start) + readmeTable() + readme.slice(end));
console.log(`.env.example and the README table now document ${variableList.length} variables.`);
