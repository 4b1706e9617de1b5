import type { MessageKey } from '../i18n.js';
import { formatAmount } from '../money.js';
import type { Method } from '../types.js';
import { Screen, useT } from '../ui.js';

const CHOICES: { method: Method | 'any'; key: MessageKey; icon: string }[] = [
  { method: 'cash', key: 'methodCash', icon: '¥' },
  { method: 'code', key: 'methodCode', icon: '▦' },
  { method: 'merchant_qr', key: 'methodQr', icon: '⌗' },
  { method: 'wallet_tap', key: 'methodTap', icon: '◉' },
  { method: 'offline_qr', key: 'methodOfflineQr', icon: '▣' },
  { method: 'any', key: 'methodAny', icon: '✓' },
];

export function MethodsScreen(props: { amount: number; asset: string; methods: Method[]; busy: boolean; onBack: () => void; onCash: () => void; onMethod: (m: Method | undefined) => void }) {
  const tr = useT();
  return (
    <Screen testid="methods" title={`${tr('chooseMethod')} · ${formatAmount(props.amount, props.asset)}`} onBack={props.onBack}>
      <div class="methods">
        {CHOICES.map((c) => {
          const available = c.method === 'any' || props.methods.includes(c.method);
          return (
            <button
              type="button"
              class="method"
              disabled={!available || props.busy}
              data-testid={`method-${c.method}`}
              onClick={() => (c.method === 'cash' ? props.onCash() : props.onMethod(c.method === 'any' ? undefined : c.method))}
            >
              <span class="method-icon" aria-hidden="true">
                {c.icon}
              </span>
              <span>{tr(c.key)}</span>
              {!available ? <small class="muted">{tr('methodUnavailable')}</small> : null}
            </button>
          );
        })}
      </div>
    </Screen>
  );
}
