import { useState } from 'preact/hooks';
import type { CounterApi } from '../api.js';
import { hasMessage, type MessageKey } from '../i18n.js';
import { formatAmount } from '../money.js';
import type { Report } from '../types.js';
import { Button, Screen, useT } from '../ui.js';

export function ReportScreen(props: { report: Report; onBack: () => void }) {
  const tr = useT();
  const r = props.report;
  const label = (prefix: string, name: string): string => (hasMessage(`${prefix}_${name}`) ? tr(`${prefix}_${name}` as MessageKey) : name);
  const assets = Object.keys(r.totals);
  return (
    <Screen testid="report" title={r.type === 'Z' ? tr('reportTitleZ', { z: r.z, day: r.day ?? '' }) : tr('reportTitleX')} onBack={props.onBack}>
      <div class="report" data-type={r.type}>
        <p class="muted">{tr('reportRecords', { n: r.records })}</p>
        {assets.length === 0 ? <p class="hint">{tr('reportEmpty')}</p> : null}
        {assets.map((asset) => (
          <table class="report-table">
            <tbody>
              {Object.entries(r.totals[asset] ?? {}).map(([kind, t]) => (
                <tr class="report-kind">
                  <th>{label('kind', kind)}</th>
                  <td>{t.n}</td>
                  <td class="num">{formatAmount(t.amount, asset)}</td>
                </tr>
              ))}
              {Object.entries(r.tenders[asset] ?? {}).map(([tender, kinds]) =>
                Object.entries(kinds).map(([kind, t]) => (
                  <tr class="report-tender">
                    <td>
                      {label('tender', tender)} · {label('kind', kind)}
                    </td>
                    <td>{t.n}</td>
                    <td class="num">{formatAmount(t.amount, asset)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
        ))}
      </div>
    </Screen>
  );
}

/** A Z closes the day for good: asked twice. */
export function ZConfirmScreen(props: { api: CounterApi; onBack: () => void; onDone: (r: Report) => void; onFail: (err: unknown) => void }) {
  const tr = useT();
  const [busy, setBusy] = useState(false);
  return (
    <Screen testid="z-confirm" title={tr('zReport')} onBack={props.onBack}>
      <div class="confirm">
        <p class="warn-text big-text">{tr('zConfirm')}</p>
        <div class="confirm-actions">
          <Button onClick={props.onBack} big testid="z-cancel">
            {tr('back')}
          </Button>
          <Button
            onClick={() => {
              setBusy(true);
              props.api.post<Report>('/v1/reports/z', {}).then(props.onDone, (err: unknown) => {
                setBusy(false);
                props.onFail(err);
              });
            }}
            kind="danger"
            big
            disabled={busy}
            testid="z-do"
          >
            {tr('zDo')}
          </Button>
        </div>
      </div>
    </Screen>
  );
}
