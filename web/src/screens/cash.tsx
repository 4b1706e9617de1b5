import { useState } from 'preact/hooks';
import { entryToMinor, formatAmount, pressKey } from '../money.js';
import { Button, Keypad, Screen, useT } from '../ui.js';

/** Notes a customer is likely to hand over for this amount. */
function likelyNotes(amount: number): number[] {
  const out = new Set<number>();
  for (const note of [1000, 2000, 5000, 10000]) out.add(Math.ceil(amount / note) * note);
  return [...out].filter((n) => n > amount).slice(0, 3);
}

export function CashScreen(props: { amount: number; asset: string; busy: boolean; onBack: () => void; onTake: (tendered: number) => void }) {
  const tr = useT();
  const [entry, setEntry] = useState('');
  const tendered = entryToMinor(entry);
  const enough = tendered >= props.amount;
  return (
    <Screen testid="cash" title={`${tr('cashTitle')} · ${formatAmount(props.amount, props.asset)}`} onBack={props.onBack}>
      <div class="cash">
        <div class="cash-side">
          <div class="cash-row">
            <span class="muted">{tr('tendered')}</span>
            <span class="amount-big" data-testid="tendered">
              {formatAmount(tendered, props.asset)}
            </span>
          </div>
          <div class="cash-row">
            <span class="muted">{tr('change')}</span>
            <span class={`amount-big ${enough ? 'ok' : 'muted'}`} data-testid="change">
              {enough ? formatAmount(tendered - props.amount, props.asset) : '—'}
            </span>
          </div>
          <div class="quick">
            <Button onClick={() => setEntry((props.amount / 100).toFixed(2))} testid="cash-exact">
              {tr('exact')}
            </Button>
            {likelyNotes(props.amount).map((n) => (
              <Button onClick={() => setEntry(String(n / 100))} testid={`cash-${n}`}>
                {formatAmount(n, props.asset)}
              </Button>
            ))}
          </div>
          {!enough && tendered > 0 ? <p class="warn-text small">{tr('tooLittle')}</p> : null}
          <Button onClick={() => props.onTake(tendered)} kind="primary" big disabled={!enough || props.busy} testid="take-cash">
            {tr('takeCash')}
          </Button>
        </div>
        <Keypad onKey={(key) => setEntry((e) => pressKey(e, key))} testid="cash-keypad" />
      </div>
    </Screen>
  );
}
