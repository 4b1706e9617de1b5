import type { CounterApi } from '../api.js';
import type { Payment, Report } from '../types.js';
import { Button, Screen, useT, type Notice } from '../ui.js';

export function MenuScreen(props: {
  api: CounterApi;
  onBack: () => void;
  onReprint: (id: string) => void;
  onRefund: () => void;
  onReport: (r: Report) => void;
  onZ: () => void;
  onNotice: (n: Notice) => void;
  onFail: (err: unknown) => void;
}) {
  const tr = useT();
  const { api } = props;
  const reprintLast = async (): Promise<void> => {
    try {
      const { payments } = await api.get<{ payments: Payment[] }>('/v1/payments?limit=20');
      const last = payments.find((p) => p.state === 'succeeded');
      if (last) props.onReprint(last.id);
      else props.onNotice({ tone: 'info', key: 'noReceipt' });
    } catch (err) {
      props.onFail(err);
    }
  };
  return (
    <Screen testid="menu-screen" title={tr('menu')} onBack={props.onBack}>
      <div class="menu-grid">
        <Button onClick={() => void reprintLast()} testid="menu-reprint" big>
          {tr('reprintLast')}
        </Button>
        <Button onClick={props.onRefund} testid="menu-refund" big>
          {tr('refund')}
        </Button>
        <Button onClick={() => api.get<Report>('/v1/reports/x').then(props.onReport, props.onFail)} testid="menu-x" big>
          {tr('xReport')}
        </Button>
        <Button onClick={props.onZ} testid="menu-z" big kind="danger">
          {tr('zReport')}
        </Button>
        <Button onClick={() => api.post('/v1/pairings').then(() => undefined, props.onFail)} testid="menu-pair" big>
          {tr('pairRegister')}
        </Button>
        <Button onClick={() => api.post('/v1/drawer/open', { reason: 'counter screen' }).then(() => props.onNotice({ tone: 'ok', key: 'drawerOpened' }), props.onFail)} testid="menu-drawer" big>
          {tr('openDrawer')}
        </Button>
      </div>
    </Screen>
  );
}
