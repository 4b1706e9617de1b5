import { useEffect, useState } from 'preact/hooks';
import { hasMessage, type MessageKey } from './i18n.js';
import type { Status } from './types.js';
import { Button, useT } from './ui.js';

const DEVICE_ORDER = ['printer', 'scanner', 'nfc', 'gpio'];

/** Re-renders every second (countdowns, ages). */
export function useNow(periodMs = 1000): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), periodMs);
    return () => clearInterval(timer);
  }, [periodMs]);
  return now;
}

function ageText(tr: ReturnType<typeof useT>, ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return tr('ageJustNow');
  if (minutes < 120) return tr('ageMinutes', { m: minutes });
  return tr('ageHours', { h: Math.floor(minutes / 60) });
}

/** The top line: the terminal, its devices, the offline queue, the language and the menu. */
export function StatusBar(props: { status: Status; connected: boolean; onLang: () => void; onMenu: () => void; menuOpen: boolean }) {
  const tr = useT();
  const { status } = props;
  const devices = DEVICE_ORDER.filter((k) => status.devices[k]).map((k) => [k, status.devices[k]!] as const);
  const faults = devices.filter(([, h]) => h.state !== 'ready');
  const offlineCount = status.offline?.count ?? status.offlineQueue?.unsettledCount ?? 0;
  const age = status.offlineQueue?.oldestUnsettledAgeMs ?? status.offline?.sinceSettlementMs ?? 0;
  const acquirerDown = status.offlineQueue?.state === 'waiting' && ['unreachable', 'timeout'].includes(status.offlineQueue.lastError?.code ?? '');
  return (
    <>
      <header class="topbar">
        <div class="brand">
          <span class="brand-title">{tr('appTitle')}</span>
          <span class="brand-id">{status.terminal}</span>
        </div>
        <div class="dots" aria-label="devices">
          {faults.length === 0 && devices.length > 0 ? (
            <span class="dot dot-ready" data-testid="devices-ok">
              {tr('devicesOk')}
            </span>
          ) : (
            faults.map(([kind, h]) => (
              <span class={`dot dot-${h.state}`} data-testid={`device-${kind}`} data-state={h.state}>
                {hasMessage(`device_${kind}`) ? tr(`device_${kind}` as MessageKey) : kind}
              </span>
            ))
          )}
        </div>
        {offlineCount > 0 || acquirerDown ? (
          <span class="badge badge-offline" data-testid="offline-badge">
            {acquirerDown ? `${tr('acquirerOffline')} · ` : ''}
            {tr('offlineBadge', { n: offlineCount, age: ageText(tr, age) })}
          </span>
        ) : null}
        {!props.connected ? <span class="badge badge-down" data-testid="disconnected">{tr('connectionLost')}</span> : null}
        <Button onClick={props.onLang} testid="lang" class="btn-top">
          {tr('language')}
        </Button>
        <Button onClick={props.onMenu} testid="menu" class="btn-top" kind={props.menuOpen ? 'primary' : 'plain'}>
          ☰ {tr('menu')}
        </Button>
      </header>
      {!status.inService ? (
        <div class="fault" role="alert" data-testid="out-of-service">
          {tr('outOfService')} {status.integrity.failure ? `(${status.integrity.failure.message})` : ''}
        </div>
      ) : null}
      {faults.map(([kind, h]) => (
        <div class={`fault fault-${h.state}`} role="alert" data-testid={`fault-${kind}`}>
          ⚠ {hasMessage(`device_${kind}`) ? tr(`device_${kind}` as MessageKey) : kind}: {tr(`devState_${h.state}` as MessageKey)}
          {h.reason ? <span class="fault-reason"> — {h.reason}</span> : null}
        </div>
      ))}
    </>
  );
}

/** The register pairing code, while one is shown (a register is being paired). */
export function RegisterCode(props: { status: Status }) {
  const tr = useT();
  const now = useNow();
  const { code, expiresAt } = props.status.pairing;
  if (!code || !expiresAt || expiresAt <= now) return null;
  return (
    <div class="register-code" data-testid="register-code">
      <span>{tr('registerCode')}</span>
      <strong class="code-digits">{code}</strong>
      <span class="muted">{tr('registerCodeHow', { left: minutesSeconds(expiresAt - now) })}</span>
    </div>
  );
}

/** 299000 ms as 4:59. */
export function minutesSeconds(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
