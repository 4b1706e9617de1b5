import type { TerminalStatus } from '../../app/index.js';

const MAX_REASON = 60;
const clip = (text: string): string => (text.length > MAX_REASON ? `${text.slice(0, MAX_REASON - 1)}…` : text);

/**
 * One line for systemd's STATUS= (shown by `systemctl status posd`): the journal head, settlement,
 * each device's state with its reason, and what is unhealthy, if anything.
 */
export function statusLine(status: TerminalStatus, unhealthy: readonly string[] = []): string {
  const parts = [`journal head ${status.headSeq}`];
  if (status.integrity.failure) parts.push(`INTEGRITY FAILED at record ${status.integrity.failure.seq}: ${clip(status.integrity.failure.message)}`);
  const s = status.settlement;
  if (!s) parts.push('no acquirer configured');
  else {
    const backlog = s.counters ? `${s.counters.unsettledCount} unsettled` : 'backlog unknown';
    const error = s.lastError ? ` (${clip(`${s.lastError.code}: ${s.lastError.message}`)})` : '';
    parts.push(`settlement ${s.state}, ${backlog}${s.counters?.deadLetters ? `, ${s.counters.deadLetters} dead letters` : ''}${error}`);
    if (s.integrity) parts.push(`JOURNAL INTEGRITY: ${clip(s.integrity.message)}`);
  }
  for (const [kind, health] of Object.entries(status.devices)) parts.push(`${kind} ${health.state}${health.reason ? ` (${clip(health.reason)})` : ''}`);
  if (unhealthy.length > 0) parts.push(`UNHEALTHY: ${unhealthy.map(clip).join('; ')}`);
  return parts.join('; ');
}
