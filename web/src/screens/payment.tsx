import { useEffect, useState } from 'preact/hooks';
import type { CounterApi } from '../api.js';
import { hasMessage, type MessageKey } from '../i18n.js';
import { formatAmount } from '../money.js';
import { useNow } from '../status-bar.js';
import type { Payment } from '../types.js';
import { Button, useT } from '../ui.js';

const PROMPT: Record<string, MessageKey> = {
  scan_code: 'promptScan',
  show_qr: 'promptQr',
  tap_wallet: 'promptTap',
  scan_offline_qr: 'promptOfflineQr',
  present: 'promptPresent',
  cash: 'promptCash',
};

const METHOD_KEY: Record<string, MessageKey> = {
  cash: 'tender_cash',
  code: 'tender_code',
  merchant_qr: 'tender_merchant_qr',
  wallet_tap: 'tender_wallet_tap',
  offline_qr: 'tender_offline_qr',
};

export function PaymentScreen(props: { payment: Payment; api: CounterApi; onCancel: () => void; onNewSale: () => void; onRetry: () => void; onReprint: () => void }) {
  return props.payment.final ? <ResultView {...props} /> : <PayingView {...props} />;
}

function PayingView(props: { payment: Payment; api: CounterApi; onCancel: () => void }) {
  const tr = useT();
  const now = useNow();
  const p = props.payment;
  const prompt = p.prompt;
  const waiting = p.state === 'waiting_for_customer';
  const left = Math.max(0, Math.ceil((p.deadline - now) / 1000));
  return (
    <div class={`paying${prompt?.kind === 'show_qr' ? ' paying-qr' : ''}`} data-testid="paying" data-state={p.state}>
      <div class="paying-info">
        <div class="amount-huge" data-testid="paying-amount">
          {formatAmount(p.amount, p.asset)}
        </div>
        {waiting && prompt ? (
          <p class="prompt" data-testid="prompt" data-kind={prompt.kind}>
            {tr(PROMPT[prompt.kind] ?? 'promptPresent')}
          </p>
        ) : null}
        <p class={`state state-${p.state}`} data-testid="payment-state">
          {p.state === 'authorizing' || p.state === 'user_paying' || p.state === 'reversing' || p.state === 'cancel_requested' ? <span class="spinner" aria-hidden="true" /> : null}
          {tr(`state_${p.state}` as MessageKey)}
        </p>
        {p.state === 'cancel_requested' ? <p class="muted">{tr('cancelAsked')}</p> : null}
        {/* With the shop's QR shown, its own countdown (which never outlasts the payment) is the only one. */}
        {waiting && prompt?.kind !== 'show_qr' ? (
          <p class="muted" data-testid="time-left">
            {tr('timeLeft', { s: left })}
          </p>
        ) : null}
        <Button onClick={props.onCancel} kind="danger" big disabled={p.state === 'cancel_requested' || p.state === 'reversing'} testid="cancel">
          {tr('cancel')}
        </Button>
      </div>
      {prompt?.kind === 'show_qr' ? <MerchantQr api={props.api} payment={p} expiresAt={prompt.expiresAt} now={now} /> : <PromptPicture kind={prompt?.kind ?? 'present'} />}
    </div>
  );
}

function PromptPicture(props: { kind: string }) {
  const glyph = props.kind === 'tap_wallet' ? '◉' : props.kind === 'cash' ? '¥' : '▦';
  return (
    <div class={`prompt-picture prompt-${props.kind}`} aria-hidden="true">
      <span>{glyph}</span>
    </div>
  );
}

/** The shop's QR for this payment, large, drawn from the modules the API gives (no QR library in the page). */
function MerchantQr(props: { api: CounterApi; payment: Payment; expiresAt: number; now: number }) {
  const tr = useT();
  const [rows, setRows] = useState<string[] | null>(null);
  useEffect(() => {
    let live = true;
    props.api.get<{ rows: string[] }>(`/v1/payments/${props.payment.id}/qr`).then(
      (qr) => live && setRows(qr.rows),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [props.payment.id]);
  const size = rows?.length ?? 0;
  const quiet = 4;
  let path = '';
  rows?.forEach((row, y) => {
    for (let x = 0; x < row.length; x++) if (row[x] === '1') path += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  });
  return (
    <div class="qr-box" data-testid="merchant-qr">
      {rows ? (
        <svg class="qr" viewBox={`0 0 ${size + 2 * quiet} ${size + 2 * quiet}`} shape-rendering="crispEdges" role="img" aria-label="QR">
          <rect width="100%" height="100%" fill="#fff" />
          <path d={path} fill="#000" />
        </svg>
      ) : (
        <div class="qr qr-loading" />
      )}
      <p class="muted">{tr('qrExpires', { s: Math.max(0, Math.ceil((props.expiresAt - props.now) / 1000)) })}</p>
    </div>
  );
}

function ResultView(props: { payment: Payment; onNewSale: () => void; onRetry: () => void; onReprint: () => void }) {
  const tr = useT();
  const p = props.payment;
  const ok = p.state === 'succeeded';
  const change = typeof p.facts.change === 'number' ? p.facts.change : null;
  return (
    <div class={`result ${ok ? 'result-ok' : 'result-bad'}`} data-testid="result" data-state={p.state}>
      <div class="result-mark" aria-hidden="true">
        {ok ? '✓' : '✕'}
      </div>
      <h1 data-testid="result-title">{tr(`state_${p.state}` as MessageKey)}</h1>
      <div class="amount-huge">{formatAmount(p.amount, p.asset)}</div>
      {p.method ? <p class="muted">{tr(METHOD_KEY[p.method] ?? 'tender_code')}</p> : null}
      {ok && change !== null ? (
        <p class="change-line" data-testid="result-change">
          {tr('change')} <strong>{formatAmount(change, p.asset)}</strong>
        </p>
      ) : null}
      {ok && p.offlineApproved ? <p class="muted">{tr('offlineApproved')}</p> : null}
      {ok && p.seq !== null ? <p class="muted small">{tr('receiptNo', { seq: p.seq })}</p> : null}
      {!ok && p.outcome ? (
        <p class="reason" data-testid="result-reason">
          {tr('reason')}: {hasMessage(`outcome_${p.outcome.code}`) ? tr(`outcome_${p.outcome.code}` as MessageKey) : p.outcome.message} <small class="code">({p.outcome.code})</small>
        </p>
      ) : null}
      {p.state === 'needs_attention' ? <p class="warn-text">{tr('needsAttention')}</p> : null}
      <div class="result-actions">
        {ok ? (
          <Button onClick={props.onReprint} testid="reprint">
            {tr('reprint')}
          </Button>
        ) : (
          <Button onClick={props.onRetry} testid="retry">
            {tr('tryAgain')}
          </Button>
        )}
        <Button onClick={props.onNewSale} kind="primary" big testid="new-sale">
          {tr('newSale')}
        </Button>
      </div>
    </div>
  );
}
