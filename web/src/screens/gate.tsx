import type { Status } from '../types.js';
import { Button, NoticeBar, useT, type Notice } from '../ui.js';

export function LoadingScreen() {
  const tr = useT();
  return (
    <div class="gate" data-testid="loading">
      <p class="gate-big">{tr('loading')}</p>
    </div>
  );
}

/** No counter token: say how the screen is opened, never a blank page. */
export function NotConnectedScreen(props: { notice: Notice | null; onLang: () => void; onCloseNotice: () => void }) {
  const tr = useT();
  return (
    <div class="gate" data-testid="not-connected">
      <div class="gate-top">
        <Button onClick={props.onLang} testid="lang" class="btn-top">
          {tr('language')}
        </Button>
      </div>
      <NoticeBar notice={props.notice} onClose={props.onCloseNotice} />
      <h1>{tr('notConnectedTitle')}</h1>
      <p class="gate-text">{tr('notConnectedHow')}</p>
      <p class="gate-text muted">{tr('notConnectedKiosk')}</p>
      <Button onClick={() => location.reload()} testid="reload" kind="primary" big>
        {tr('retry')}
      </Button>
    </div>
  );
}

/** While the acquirer has not enrolled the terminal: the code and fingerprint to match; no payments. */
export function UnprovisionedScreen(props: { status: Status }) {
  const tr = useT();
  const p = props.status.provisioning;
  return (
    <div class="unprovisioned" data-testid="unprovisioned">
      <h1>{tr('unprovisionedTitle')}</h1>
      <p class="warn-text">{tr('unprovisionedNoPay')}</p>
      {p?.pairing ? (
        <dl class="enrol">
          <dt>{tr('enrolCode')}</dt>
          <dd class="code-digits" data-testid="enrol-code">{p.pairing.code}</dd>
          <dt>{tr('fingerprint')}</dt>
          <dd class="mono" data-testid="fingerprint">{p.pairing.fingerprint}</dd>
          <dt>{tr('terminalId')}</dt>
          <dd class="mono">{p.pairing.terminal}</dd>
        </dl>
      ) : null}
      <p class="muted">{tr('enrolHow')}</p>
      {p?.reason ? <p class="muted small">{p.reason}</p> : null}
    </div>
  );
}
