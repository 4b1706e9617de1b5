import { formatAmount, pressKey } from '../money.js';
import type { Sale } from '../types.js';
import { Button, Keypad, useT } from '../ui.js';

/** The basket from the scanner, or an amount keyed in; then collect. */
export function SellScreen(props: {
  sale: Sale;
  entry: string;
  onEntry: (entry: string) => void;
  amountDue: number;
  asset: string;
  inService: boolean;
  onCollect: () => void;
  onClear: () => void;
}) {
  const tr = useT();
  const hasBasket = props.sale.count > 0;
  return (
    <div class="sell" data-testid="sell">
      <div class="basket" data-testid="basket">
        <div class="basket-head">
          <h2>{tr('basket')}</h2>
          {hasBasket ? <span class="muted">{tr('items', { n: props.sale.count })}</span> : null}
        </div>
        {hasBasket ? (
          <ul class="lines">
            {props.sale.items.map((line) => (
              <li class="line" data-testid="basket-line">
                <span class="line-name">{line.name}</span>
                <span class="line-qty">×{line.quantity}</span>
                <span class="line-amount">{formatAmount(line.unitPrice * line.quantity, props.sale.asset ?? 'CNY')}</span>
              </li>
            ))}
          </ul>
        ) : (
          <p class="hint">{tr('scanHint')}</p>
        )}
        {hasBasket ? (
          <Button onClick={props.onClear} testid="clear-basket">
            {tr('clear')}
          </Button>
        ) : null}
      </div>
      <div class="entry">
        <div class="amount-display" data-testid="amount">
          <span class="muted">{hasBasket ? tr('total') : tr('amount')}</span>
          <span class="amount-big">{formatAmount(props.amountDue, props.asset)}</span>
        </div>
        <Keypad onKey={(key) => props.onEntry(pressKey(props.entry, key))} disabled={hasBasket} />
        {hasBasket ? <p class="muted small">{tr('keypadLocked')}</p> : null}
        <Button onClick={props.onCollect} kind="primary" big disabled={props.amountDue <= 0 || !props.inService} testid="collect">
          {tr('collect', { amount: formatAmount(props.amountDue, props.asset) })}
        </Button>
      </div>
    </div>
  );
}
