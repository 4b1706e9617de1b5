import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { ApiFailure, CounterApi, forgetToken, newIdempotencyKey, pairWithTicket, storedToken } from './api.js';
import { openEventStream, type ApiEvent } from './events.js';
import type { Lang } from './i18n.js';
import { entryToMinor } from './money.js';
import { CashScreen } from './screens/cash.js';
import { LoadingScreen, NotConnectedScreen, UnprovisionedScreen } from './screens/gate.js';
import { MenuScreen } from './screens/menu.js';
import { MethodsScreen } from './screens/methods.js';
import { PaymentScreen } from './screens/payment.js';
import { RefundScreen } from './screens/refund.js';
import { ReportScreen, ZConfirmScreen } from './screens/report.js';
import { SellScreen } from './screens/sell.js';
import { RegisterCode, StatusBar } from './status-bar.js';
import type { DeviceHealth, Method, Payment, Report, Sale, Status } from './types.js';
import { LangContext, NoticeBar, type Notice } from './ui.js';

export type View = 'sell' | 'methods' | 'cash' | 'payment' | 'menu' | 'refund' | 'report' | 'zconfirm';

const LANG_KEY = 'posd.lang';
const EMPTY_SALE: Sale = { items: [], count: 0, total: 0, asset: null };

function initialLang(): Lang {
  return localStorage.getItem(LANG_KEY) === 'en' ? 'en' : 'zh';
}

export function App() {
  const [lang, setLang] = useState<Lang>(initialLang);
  const [token, setToken] = useState<string | null>(null);
  const [phase, setPhase] = useState<'starting' | 'login' | 'ready'>('starting');
  const [loginNotice, setLoginNotice] = useState<Notice | null>(null);

  const switchLang = useCallback(() => {
    setLang((l) => {
      const next = l === 'zh' ? 'en' : 'zh';
      localStorage.setItem(LANG_KEY, next);
      document.documentElement.lang = next === 'zh' ? 'zh-CN' : 'en';
      return next;
    });
  }, []);

  useEffect(() => {
    const ticket = new URLSearchParams(location.hash.slice(1)).get('ticket');
    // The ticket is single-use: out of the address bar (and the history) at once.
    if (location.hash) history.replaceState(null, '', location.pathname + location.search);
    const kept = storedToken();
    if (!ticket) {
      if (kept) {
        setToken(kept);
        setPhase('ready');
      } else setPhase('login');
      return;
    }
    pairWithTicket(ticket).then(
      (fresh) => {
        setToken(fresh);
        setPhase('ready');
      },
      (err: unknown) => {
        if (kept) {
          setToken(kept);
          setPhase('ready');
          return;
        }
        setLoginNotice(failureNotice(err));
        setPhase('login');
      },
    );
  }, []);

  const loggedOut = useCallback(() => {
    forgetToken();
    setToken(null);
    setPhase('login');
  }, []);

  return (
    <LangContext.Provider value={lang}>
      {phase === 'starting' ? <LoadingScreen /> : null}
      {phase === 'login' ? <NotConnectedScreen notice={loginNotice} onLang={switchLang} onCloseNotice={() => setLoginNotice(null)} /> : null}
      {phase === 'ready' && token ? <Counter token={token} onLang={switchLang} onLoggedOut={loggedOut} /> : null}
    </LangContext.Provider>
  );
}

export function failureNotice(err: unknown): Notice {
  if (err instanceof ApiFailure) return { tone: 'error', api: err.text, code: err.code };
  return { tone: 'error', api: { en: String((err as Error)?.message ?? err), zh: String((err as Error)?.message ?? err) } };
}

function Counter(props: { token: string; onLang: () => void; onLoggedOut: () => void }) {
  const api = useMemo(() => new CounterApi(props.token), [props.token]);
  const [status, setStatus] = useState<Status | null>(null);
  const [sale, setSale] = useState<Sale>(EMPTY_SALE);
  const [payment, setPayment] = useState<Payment | null>(null);
  const [view, setView] = useState<View>('sell');
  const [entry, setEntry] = useState('');
  const [notice, setNotice] = useState<Notice | null>(null);
  const [connected, setConnected] = useState(false);
  const [report, setReport] = useState<Report | null>(null);
  const [busy, setBusy] = useState(false);
  const paymentRef = useRef<Payment | null>(null);
  const keyRef = useRef<{ body: string; key: string } | null>(null);

  const fail = useCallback(
    (err: unknown) => {
      if (err instanceof ApiFailure && err.code === 'unauthorized') props.onLoggedOut();
      else setNotice(failureNotice(err));
    },
    [props.onLoggedOut],
  );

  const showPayment = useCallback((p: Payment) => {
    const current = paymentRef.current;
    if (current && current.id === p.id && current.version > p.version) return;
    // A new payment (the customer scanned or tapped, or a register started one) takes the screen.
    if (current && current.id !== p.id && !current.final && p.final) return;
    paymentRef.current = p;
    setPayment(p);
    setView('payment');
  }, []);

  const refreshStatus = useCallback(async () => {
    try {
      const next = await api.get<Status>('/v1/status');
      setStatus(next);
      const current = paymentRef.current;
      if (next.payment && (!current || current.id !== next.payment.id || !current.final)) {
        showPayment(await api.get<Payment>(`/v1/payments/${next.payment.id}`));
      }
    } catch (err) {
      fail(err);
    }
  }, [api, fail, showPayment]);

  const refreshSale = useCallback(async () => {
    try {
      setSale(await api.get<Sale>('/v1/sale'));
    } catch (err) {
      fail(err);
    }
  }, [api, fail]);

  const onEvent = useCallback(
    (event: ApiEvent) => {
      const data = event.data as Record<string, unknown> | null;
      switch (event.type) {
        case 'payment.updated': {
          const p = (data as { payment: Payment }).payment;
          showPayment(p);
          if (p.final) {
            void refreshSale();
            void refreshStatus();
          }
          break;
        }
        case 'sale.item':
          void refreshSale();
          break;
        case 'sale.refused':
          setNotice({ tone: 'error', key: 'refused', api: { zh: `扫码未受理：${String(data?.reason)}`, en: `Scan not taken: ${String(data?.reason)}` } });
          break;
        case 'device.health': {
          const { kind, health } = data as { kind: string; health: DeviceHealth };
          setStatus((s) => (s ? { ...s, devices: { ...s.devices, [kind]: health } } : s));
          break;
        }
        case 'receipt.failed':
          setNotice({ tone: 'error', api: { zh: `小票未打印：${String(data?.message)}`, en: `Receipt not printed: ${String(data?.message)}` } });
          break;
        case 'reset':
          void refreshStatus();
          void refreshSale();
          break;
        default:
          // settlement, pairing, integrity, catalog: the status says where things stand.
          void refreshStatus();
      }
    },
    [refreshSale, refreshStatus, showPayment],
  );

  useEffect(() => {
    const stop = openEventStream(props.token, {
      onEvent,
      onOpen: () => {
        setConnected(true);
        void refreshStatus();
        void refreshSale();
        const current = paymentRef.current;
        if (current && !current.final) api.get<Payment>(`/v1/payments/${current.id}`).then(showPayment, fail);
      },
      onDrop: () => setConnected(false),
      onUnauthorized: props.onLoggedOut,
    });
    // Ages and countdowns move on; the status is re-read now and then as well (cheap, local).
    const timer = setInterval(() => void refreshStatus(), 15_000);
    return () => {
      stop();
      clearInterval(timer);
    };
  }, [props.token]);

  const amountDue = sale.count > 0 ? sale.total : entryToMinor(entry);
  const asset = sale.asset ?? 'CNY';

  const startPayment = useCallback(
    async (method: Method | undefined, tendered?: number) => {
      if (busy) return;
      setBusy(true);
      setNotice(null);
      try {
        let p: Payment;
        if (sale.count > 0) {
          p = await api.post<Payment>('/v1/sale/pay', { ...(method ? { method } : {}), ...(tendered !== undefined ? { tendered } : {}) });
        } else {
          const body = { amount: amountDue, asset: 'CNY', ...(method ? { method } : {}), ...(tendered !== undefined ? { tendered } : {}) };
          const text = JSON.stringify(body);
          // The same request again (a lost answer, a second tap) carries the same key: never two payments.
          if (keyRef.current?.body !== text) keyRef.current = { body: text, key: newIdempotencyKey() };
          p = await api.post<Payment>('/v1/payments', body, keyRef.current.key);
        }
        showPayment(p);
      } catch (err) {
        fail(err);
      } finally {
        setBusy(false);
      }
    },
    [api, amountDue, busy, sale.count, fail, showPayment],
  );

  const cancel = useCallback(async () => {
    const p = paymentRef.current;
    if (!p) return;
    try {
      showPayment(await api.post<Payment>(`/v1/payments/${p.id}/cancel`));
    } catch (err) {
      if (err instanceof ApiFailure && err.code === 'too_late') setNotice({ tone: 'error', key: 'cancelTooLate', code: err.code });
      else fail(err);
    }
  }, [api, fail, showPayment]);

  const reprint = useCallback(
    async (id: string) => {
      try {
        const answer = await api.post<{ printed: boolean }>(`/v1/payments/${id}/reprint`);
        setNotice(answer.printed ? { tone: 'ok', key: 'reprinted' } : { tone: 'info', key: 'reprintWaiting' });
      } catch (err) {
        fail(err);
      }
    },
    [api, fail],
  );

  const newSale = useCallback(() => {
    paymentRef.current = null;
    keyRef.current = null;
    setPayment(null);
    setEntry('');
    setView('sell');
    void refreshSale();
  }, [refreshSale]);

  if (!status) {
    return (
      <div class="app">
        <LoadingScreen />
        <NoticeBar notice={notice} onClose={() => setNotice(null)} />
      </div>
    );
  }

  const unprovisioned = status.provisioning?.state === 'unprovisioned';
  return (
    <div class="app">
      <StatusBar status={status} connected={connected} onLang={props.onLang} onMenu={() => setView('menu')} menuOpen={view === 'menu'} />
      <NoticeBar notice={notice} onClose={() => setNotice(null)} />
      <RegisterCode status={status} />
      <main class="main">
        {unprovisioned ? (
          <UnprovisionedScreen status={status} />
        ) : view === 'sell' ? (
          <SellScreen
            sale={sale}
            entry={entry}
            onEntry={setEntry}
            amountDue={amountDue}
            asset={asset}
            inService={status.inService}
            onCollect={() => setView('methods')}
            onClear={() => api.delete<Sale>('/v1/sale').then(setSale, fail)}
          />
        ) : view === 'methods' ? (
          <MethodsScreen amount={amountDue} asset={asset} methods={status.methods} busy={busy} onBack={() => setView('sell')} onCash={() => setView('cash')} onMethod={(m) => void startPayment(m)} />
        ) : view === 'cash' ? (
          <CashScreen amount={amountDue} asset={asset} busy={busy} onBack={() => setView('methods')} onTake={(tendered) => void startPayment('cash', tendered)} />
        ) : view === 'payment' && payment ? (
          <PaymentScreen payment={payment} api={api} onCancel={() => void cancel()} onNewSale={newSale} onRetry={() => {
              keyRef.current = null;
              setView('methods');
            }} onReprint={() => void reprint(payment.id)} />
        ) : view === 'menu' ? (
          <MenuScreen
            api={api}
            onBack={() => setView(paymentRef.current && !paymentRef.current.final ? 'payment' : 'sell')}
            onReprint={(id) => void reprint(id)}
            onRefund={() => setView('refund')}
            onReport={(r) => {
              setReport(r);
              setView('report');
            }}
            onZ={() => setView('zconfirm')}
            onNotice={setNotice}
            onFail={fail}
          />
        ) : view === 'refund' ? (
          <RefundScreen api={api} onBack={() => setView('menu')} onDone={newSale} onFail={fail} />
        ) : view === 'zconfirm' ? (
          <ZConfirmScreen
            api={api}
            onBack={() => setView('menu')}
            onDone={(r) => {
              setReport(r);
              setView('report');
            }}
            onFail={fail}
          />
        ) : view === 'report' && report ? (
          <ReportScreen report={report} onBack={() => setView('menu')} />
        ) : (
          <SellScreen sale={sale} entry={entry} onEntry={setEntry} amountDue={amountDue} asset={asset} inService={status.inService} onCollect={() => setView('methods')} onClear={() => setEntry('')} />
        )}
      </main>
    </div>
  );
}
