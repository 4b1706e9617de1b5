import { useEffect, useRef, useState } from 'preact/hooks';
import { newIdempotencyKey, type CounterApi } from '../api.js';
import type { MessageKey } from '../i18n.js';
import { entryToMinor, formatAmount, pressKey } from '../money.js';
import type { Payment, PaymentReturn } from '../types.js';
import { Button, Keypad, Screen, useT } from '../ui.js';

function clock(at: number): string {
  const d = new Date(at);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

/** Pick a succeeded payment, key the amount (all of it by default), refund. */
export function RefundScreen(props: { api: CounterApi; onBack: () => void; onDone: () => void; onFail: (err: unknown) => void }) {
  const tr = useT();
  const [payments, setPayments] = useState<Payment[] | null>(null);
  const [picked, setPicked] = useState<Payment | null>(null);
  const [entry, setEntry] = useState('');
  const [result, setResult] = useState<PaymentReturn | null>(null);
  const [busy, setBusy] = useState(false);
  const key = useRef<{ body: string; key: string } | null>(null);

  useEffect(() => {
    props.api.get<{ payments: Payment[] }>('/v1/payments?limit=20').then((answer) => setPayments(answer.payments.filter((p) => p.state === 'succeeded')), props.onFail);
  }, []);

  const amount = entryToMinor(entry);
  const refund = async (): Promise<void> => {
    if (!picked || busy) return;
    setBusy(true);
    const body = { amount, reason: 'counter screen' };
    const text = `${picked.id}:${JSON.stringify(body)}`;
    if (key.current?.body !== text) key.current = { body: text, key: newIdempotencyKey() };
    try {
      setResult(await props.api.post<PaymentReturn>(`/v1/payments/${picked.id}/refunds`, body, key.current.key));
    } catch (err) {
      props.onFail(err);
    } finally {
      setBusy(false);
    }
  };

  if (result) {
    return (
      <Screen testid="refund-result" title={tr('refund')} onBack={props.onBack}>
        <div class={`result ${result.state === 'succeeded' ? 'result-ok' : 'result-bad'}`} data-state={result.state}>
          <div class="result-mark" aria-hidden="true">
            {result.state === 'succeeded' ? '✓' : result.state === 'pending' ? '…' : '✕'}
          </div>
          <h1 data-testid="refund-state">{tr(`refund_${result.state}` as MessageKey)}</h1>
          <div class="amount-huge">{formatAmount(result.amount, result.asset)}</div>
          {result.outcome ? (
            <p class="reason">
              {tr('reason')}: {result.outcome.message} <small class="code">({result.outcome.code})</small>
            </p>
          ) : null}
          <div class="result-actions">
            <Button onClick={props.onDone} kind="primary" big testid="refund-finish">
              {tr('done')}
            </Button>
          </div>
        </div>
      </Screen>
    );
  }

  if (picked) {
    return (
      <Screen testid="refund-amount" title={`${tr('refundAmount')} · ${formatAmount(picked.amount, picked.asset)}`} onBack={() => setPicked(null)}>
        <div class="cash">
          <div class="cash-side">
            <div class="cash-row">
              <span class="muted">{tr('refundAmount')}</span>
              <span class="amount-big" data-testid="refund-value">
                {formatAmount(amount, picked.asset)}
              </span>
            </div>
            <Button onClick={() => void refund()} kind="danger" big disabled={amount <= 0 || amount > picked.amount || busy} testid="refund-do">
              {tr('refundDo', { amount: formatAmount(amount, picked.asset) })}
            </Button>
          </div>
          <Keypad onKey={(k) => setEntry((e) => pressKey(e, k))} testid="refund-keypad" />
        </div>
      </Screen>
    );
  }

  return (
    <Screen testid="refund-pick" title={tr('refundPick')} onBack={props.onBack}>
      {payments && payments.length === 0 ? <p class="hint">{tr('refundNone')}</p> : null}
      <ul class="pick-list">
        {(payments ?? []).map((p) => (
          <li>
            <button
              type="button"
              class="pick"
              data-testid="refund-payment"
              onClick={() => {
                setPicked(p);
                setEntry((p.amount / 100).toFixed(2));
              }}
            >
              <span class="mono">{clock(p.createdAt)}</span>
              <span>{p.method ? tr(`tender_${p.method}` as MessageKey) : ''}</span>
              <span class="mono muted">#{p.seq}</span>
              <strong>{formatAmount(p.amount, p.asset)}</strong>
            </button>
          </li>
        ))}
      </ul>
    </Screen>
  );
}
