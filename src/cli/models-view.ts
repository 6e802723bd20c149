import type { AuditEntry, ModelVersionDetail, RegisteredModel, RegisteredModelDetail, Tag } from '../sdk/index.js';
import { formatTable, singleLine, truncate } from './text-table.js';

/**
 * What `slipway models …` prints for people (scripts use `--json`). Pure functions from
 * the SDK's wire objects to text, so they are tested without a server.
 * @module
 */

/** A timestamp in milliseconds as UTC ISO 8601 to the second (`2025-03-01T09:30:00Z`). */
export function formatTime(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `champion=v3, challenger=v4` */
export function formatAliases(aliases: readonly { alias: string; version: string }[]): string {
  return aliases.map((a) => `${a.alias}=v${a.version}`).join(', ');
}

/** The newest version among a model's latest versions per stage. */
export function latestVersionOf(model: Pick<RegisteredModel, 'latest_versions'>): string {
  const numbers = model.latest_versions.map((v) => Number(v.version)).filter(Number.isFinite);
  return numbers.length === 0 ? '' : String(Math.max(...numbers));
}

export function renderModelList(models: readonly RegisteredModel[]): string {
  if (models.length === 0) return 'No registered models.\n';
  return formatTable(
    [{ header: 'NAME', maxWidth: 60 }, { header: 'LATEST VERSION' }, { header: 'ALIASES', maxWidth: 40 }, { header: 'UPDATED' }, { header: 'DESCRIPTION', maxWidth: 50 }],
    models.map((m) => [m.name, latestVersionOf(m), formatAliases(m.aliases), formatTime(m.last_updated_timestamp), m.description ?? '']),
  );
}

export function renderModelDetail(m: RegisteredModelDetail): string {
  const fields: [string, string[]][] = [
    ['Name', [m.name]],
    ['Description', [m.description === undefined || m.description === '' ? '-' : singleLine(m.description)]],
    ['Created', [`${formatTime(m.creation_timestamp)}${m.user_id ? ` by ${m.user_id}` : ''}`]],
    ['Last updated', [formatTime(m.last_updated_timestamp)]],
    ['Tags', tagLines(m.tags)],
    ['Aliases', m.aliases.length === 0 ? ['-'] : m.aliases.map((a) => `${a.alias} → v${a.version}`)],
    ['Approval policy', policyLines(m)],
  ];
  let out = keyValueBlock(fields);
  out += '\nLatest versions:\n';
  if (m.latest_versions.length === 0) {
    out += '  (no versions)\n';
  } else {
    const table = formatTable(
      [{ header: 'STAGE' }, { header: 'VERSION', align: 'right' }, { header: 'APPROVAL' }, { header: 'ALIASES', maxWidth: 40 }, { header: 'RUN ID' }, { header: 'CREATED' }],
      m.latest_versions.map((v) => [v.current_stage, v.version, v.approval.status, v.aliases.join(', '), v.run_id ?? '', formatTime(v.creation_timestamp)]),
    );
    out += indent(table, '  ');
  }
  return out;
}

export function renderVersions(versions: readonly ModelVersionDetail[]): string {
  if (versions.length === 0) return 'No versions.\n';
  return formatTable(
    [
      { header: 'VERSION', align: 'right' },
      { header: 'STAGE' },
      { header: 'APPROVAL' },
      { header: 'ALIASES', maxWidth: 40 },
      { header: 'RUN ID' },
      { header: 'CREATED' },
      { header: 'SOURCE', maxWidth: 60 },
    ],
    versions.map((v) => [v.version, v.current_stage, v.approval.status, v.aliases.join(', '), v.run_id ?? '', formatTime(v.creation_timestamp), v.source]),
  );
}

/** One line about a version after a change: `housing v3: stage Production, Approved (by carol), aliases champion`. */
export function describeVersion(v: ModelVersionDetail): string {
  const approval = v.approval.actor === undefined ? v.approval.status : `${v.approval.status} (by ${v.approval.actor})`;
  const aliases = v.aliases.length === 0 ? '' : `, aliases ${v.aliases.join(', ')}`;
  return `${v.name} v${v.version}: stage ${v.current_stage}, ${approval}${aliases}`;
}

export function renderApprovalPolicy(m: RegisteredModelDetail): string {
  return keyValueBlock([
    ['Model', [m.name]],
    ['Approval policy', policyLines(m)],
  ]);
}

export function renderAudit(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'No audit entries.\n';
  return formatTable(
    [
      { header: 'TIME' },
      { header: 'ACTOR', maxWidth: 30 },
      { header: 'EVENT' },
      { header: 'MODEL', maxWidth: 40 },
      { header: 'VERSION', align: 'right' },
      { header: 'FIELD', maxWidth: 30 },
      { header: 'FROM → TO', maxWidth: 60 },
      { header: 'COMMENT', maxWidth: 50 },
    ],
    entries.map((e) => [formatTime(e.timestamp), e.actor, e.type, e.model_name, e.version ?? '', e.field ?? '', fromTo(e), e.comment ?? '']),
  );
}

/** `PendingManualApproval → Approved`; each side cut so that both stay visible. */
function fromTo(e: AuditEntry): string {
  if (e.from === undefined && e.to === undefined) return '';
  const side = (s: string | undefined): string => (s === undefined || s === '' ? '∅' : truncate(singleLine(s), 28));
  return `${side(e.from)} → ${side(e.to)}`;
}

function policyLines(m: RegisteredModelDetail): string[] {
  const { protected_aliases: aliases, protected_stages: stages } = m.approval_policy;
  if (aliases.length === 0 && stages.length === 0) return ['none (any version may take any alias or stage)'];
  return [
    `protected aliases: ${aliases.length === 0 ? '-' : aliases.join(', ')}`,
    `protected stages:  ${stages.length === 0 ? '-' : stages.join(', ')}`,
    'only Approved versions may take them',
  ];
}

function tagLines(tags: readonly Tag[]): string[] {
  if (tags.length === 0) return ['-'];
  return tags.map((t) => `${t.key}=${truncate(singleLine(t.value), 80)}`);
}

/** `Label:   value` lines with the values aligned; extra values continue under the first. */
export function keyValueBlock(fields: readonly [string, readonly string[]][]): string {
  const width = Math.max(...fields.map(([label]) => label.length)) + 2;
  const lines: string[] = [];
  for (const [label, values] of fields) {
    values.forEach((value, i) => lines.push(`${(i === 0 ? `${label}:` : '').padEnd(width)}${value}`.trimEnd()));
  }
  return lines.join('\n') + '\n';
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .map((l) => (l === '' ? l : prefix + l))
    .join('\n');
}
