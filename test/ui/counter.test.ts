import { afterAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { decodeQrFromPng } from '../hw-sim/printer/qr-decode.js';
import { until } from '../support/wait.js';
import { closeBrowser, counterRig, newPage, NOODLES, openCounter, shot, smallTargets, tapKeys, wechatCode, WATER, withState, WAIT_MS, type CounterRig } from './rig.js';

/**
 * The counter screen in Debian's chromium against a real posd terminal on the device twins and
 * the acquirer simulator: every flow the merchant has, each leaving a screenshot in
 * test-output/screenshots. Waits are for states on the page, never for a time.
 */
afterAll(closeBrowser);

async function ringUp(rig: CounterRig, page: Page, ...gtins: string[]): Promise<void> {
  for (const [i, gtin] of gtins.entries()) {
    await rig.scan(gtin);
    await page.getByTestId('basket-line').nth(i).waitFor();
  }
}

async function payCashThroughApi(rig: CounterRig, amount: number): Promise<{ id: string; seq: number }> {
  const answer = await rig.call<{ id: string; seq: number; state: string }>('POST', '/v1/payments', { amount, asset: 'CNY', method: 'cash', tendered: amount }, { 'idempotency-key': `ui-test-${Date.now()}-${amount}` });
  expect(answer.body.state).toBe('succeeded');
  return answer.body;
}

const printedText = (rig: CounterRig): string => rig.sim.twins.printer!.text();

describe('the counter screen', () => {
  it('without a token explains how to open it (the ticket file), and a wrong ticket says why', async () => {
    const rig = await counterRig();
    const page = await newPage();
    await page.goto(`${rig.url}/`);
    await page.getByTestId('not-connected').waitFor();
    expect(await page.getByTestId('not-connected').textContent()).toContain('api/counter-ticket');
    await shot(page, 'not-connected');
    const second = await newPage();
    await second.goto(`${rig.url}/#ticket=not-the-ticket`);
    await second.getByTestId('notice').waitFor();
    expect(await second.getByTestId('notice').textContent()).toContain('bad_counter_ticket');
    expect(second.url()).not.toContain('ticket=');
    await shot(second, 'bad-ticket');
  });

  it('logs in with the ticket, rings up scans into the basket and takes cash with the change shown', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig);
    expect(await page.evaluate("localStorage.getItem('posd.counterToken')")).toMatch(/^posd_/);
    expect(page.url()).not.toContain('ticket=');
    await ringUp(rig, page, WATER.gtin, NOODLES.gtin);
    expect(await page.getByTestId('amount').textContent()).toContain('¥6.50');
    await shot(page, 'sell-basket');
    await page.getByTestId('collect').click();
    await page.getByTestId('methods').waitFor();
    await shot(page, 'methods');
    await page.getByTestId('method-cash').click();
    await tapKeys(page, '10', 'cash-keypad');
    expect(await page.getByTestId('change').textContent()).toContain('¥3.50');
    await shot(page, 'cash-change');
    await page.getByTestId('take-cash').click();
    await withState(page, 'result', 'succeeded').waitFor();
    expect(await page.getByTestId('result-change').textContent()).toContain('¥3.50');
    await shot(page, 'cash-approved');
    await until(() => printedText(rig).includes(NOODLES.name), 'the receipt printed', WAIT_MS);
    await page.getByTestId('new-sale').click();
    await page.getByTestId('sell').waitFor();
    expect(await page.getByTestId('basket-line').count()).toBe(0);
  });

  it('a keyed amount paid by scanning the customer\'s code: the prompt, then approved', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig);
    await tapKeys(page, '12.5');
    expect(await page.getByTestId('amount').textContent()).toContain('¥12.50');
    await page.getByTestId('collect').click();
    await page.getByTestId('method-code').click();
    await page.locator('[data-testid="prompt"][data-kind="scan_code"]').waitFor();
    await shot(page, 'code-prompt');
    await rig.scan(wechatCode('00'));
    await withState(page, 'result', 'succeeded').waitFor();
    await shot(page, 'code-approved');
    expect(rig.pos.payments.last()).toMatchObject({ state: 'succeeded', method: 'code', amount: 1250 });
  });

  it('the customer just scans a code at the basket (no method chosen): the screen follows the payment', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig);
    await ringUp(rig, page, NOODLES.gtin);
    await rig.scan(wechatCode('00'));
    await withState(page, 'result', 'succeeded').waitFor();
    expect(rig.pos.payments.last()).toMatchObject({ state: 'succeeded', method: 'code', amount: NOODLES.price });
  });

  it('a decline shows the scheme\'s reason, and the basket stays for another way to pay', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig);
    await ringUp(rig, page, WATER.gtin);
    await page.getByTestId('collect').click();
    await page.getByTestId('method-code').click();
    await page.getByTestId('prompt').waitFor();
    await rig.scan(wechatCode('51'));
    await withState(page, 'result', 'declined').waitFor();
    const reason = await page.getByTestId('result-reason').textContent();
    expect(reason).toContain('余额不足 Insufficient balance');
    expect(reason).toContain('insufficient_funds');
    await shot(page, 'code-declined');
    await page.getByTestId('retry').click();
    await page.getByTestId('method-cash').click();
    await page.getByTestId('cash-exact').click();
    await page.getByTestId('take-cash').click();
    await withState(page, 'result', 'succeeded').waitFor();
  });

  it('shows the merchant QR large with a live status; the simulated app pays it', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig);
    await tapKeys(page, '8');
    await page.getByTestId('collect').click();
    await page.getByTestId('method-merchant_qr').click();
    await page.locator('[data-testid="merchant-qr"] svg').waitFor();
    const box = await page.locator('[data-testid="merchant-qr"] svg').boundingBox();
    expect(box!.width).toBeGreaterThanOrEqual(280);
    await shot(page, 'merchant-qr');
    const payment = rig.pos.payments.current()!;
    const prompt = payment.prompt;
    if (prompt?.kind !== 'show_qr') throw new Error(`prompt ${prompt?.kind}`);
    const qr = await rig.call<{ payload: string; rows: string[] }>('GET', `/v1/payments/${payment.id}/qr`);
    expect(qr.body.payload).toBe(prompt.payload);
    // What the customer's phone sees on the screen is the payment's QR.
    expect(decodeQrFromPng(await page.locator('[data-testid="merchant-qr"] svg').screenshot())?.text).toBe(prompt.payload);
    const paid = await fetch(`${rig.sim.addresses.acquirerControl}/merchant-qr/pay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${rig.sim.addresses.token}` },
      body: JSON.stringify({ payload: prompt.payload }),
    });
    expect(paid.status).toBe(200);
    await withState(page, 'result', 'succeeded').waitFor();
    await shot(page, 'merchant-qr-paid');
  });

  it('a wallet tap: the tap prompt, approved offline, and the offline indicator counts it with its age', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig);
    await ringUp(rig, page, NOODLES.gtin);
    await page.getByTestId('collect').click();
    await page.getByTestId('method-wallet_tap').click();
    await page.locator('[data-testid="prompt"][data-kind="tap_wallet"]').waitFor();
    await shot(page, 'wallet-tap-prompt');
    rig.sim.twins.nfc!.enterField(rig.sim.cards.wallet!);
    await withState(page, 'result', 'succeeded').waitFor();
    await page.getByTestId('offline-badge').waitFor();
    expect(await page.getByTestId('offline-badge').textContent()).toMatch(/离线未结算 1 笔 · 刚刚/);
    await shot(page, 'wallet-tap-approved');
    rig.sim.twins.nfc!.leaveField(rig.sim.cards.wallet!);
  });

  it('an offline QR scanned from the customer\'s wallet; the indicator shows two unsettled', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig, 'en');
    await ringUp(rig, page, WATER.gtin);
    rig.sim.twins.nfc!.enterField(rig.sim.cards.wallet!);
    await withState(page, 'result', 'succeeded').waitFor();
    rig.sim.twins.nfc!.leaveField(rig.sim.cards.wallet!);
    await page.getByTestId('new-sale').click();
    await ringUp(rig, page, NOODLES.gtin);
    await page.getByTestId('collect').click();
    await page.getByTestId('method-offline_qr').click();
    await page.locator('[data-testid="prompt"][data-kind="scan_offline_qr"]').waitFor();
    await rig.scan(rig.sim.wallets[0]!.offlineQr({ cap: 1000 }));
    await withState(page, 'result', 'succeeded').waitFor();
    await page.getByTestId('offline-badge').filter({ hasText: '2 offline unsettled' }).waitFor();
    await shot(page, 'offline-indicator');
  });

  it('cancel: a waiting payment is canceled; one being authorised is refused as too late, and says so', async () => {
    const rig = await counterRig({ timings: { authTimeoutMs: 10_000 }, slowAnswerMs: 4000 });
    const page = await openCounter(rig);
    await tapKeys(page, '5');
    await page.getByTestId('collect').click();
    await page.getByTestId('method-code').click();
    await page.getByTestId('prompt').waitFor();
    await page.getByTestId('cancel').click();
    await withState(page, 'result', 'canceled').waitFor();
    await shot(page, 'canceled');

    await page.getByTestId('retry').click();
    await page.getByTestId('method-code').click();
    await page.getByTestId('prompt').waitFor();
    await rig.scan(wechatCode('71'));
    await withState(page, 'paying', 'authorizing').waitFor();
    await page.getByTestId('cancel').click();
    await page.getByTestId('notice').filter({ hasText: 'too_late' }).waitFor();
    await shot(page, 'cancel-too-late');
    await withState(page, 'result', 'succeeded').waitFor({ timeout: 30_000 });
  });

  it('refunds part of a payment picked from the list', async () => {
    const rig = await counterRig();
    await payCashThroughApi(rig, 800);
    const page = await openCounter(rig);
    await page.getByTestId('menu').click();
    await shot(page, 'menu');
    await page.getByTestId('menu-refund').click();
    await page.getByTestId('refund-payment').first().waitFor();
    await shot(page, 'refund-pick');
    await page.getByTestId('refund-payment').first().click();
    for (let i = 0; i < 4; i++) await page.getByTestId('refund-keypad').getByTestId('key-back').click();
    await tapKeys(page, '3', 'refund-keypad');
    expect(await page.getByTestId('refund-value').textContent()).toContain('¥3.00');
    await shot(page, 'refund-amount');
    await page.getByTestId('refund-do').click();
    await page.getByTestId('refund-state').waitFor();
    await shot(page, 'refund-done');
    expect(await page.locator('[data-testid="refund-result"] [data-state]').getAttribute('data-state')).toBe('succeeded');
  });

  it('reprints the last receipt', async () => {
    const rig = await counterRig();
    const { seq } = await payCashThroughApi(rig, 450);
    await until(() => printedText(rig).split(`${seq}`).length > 1, 'the first receipt', WAIT_MS);
    const before = printedText(rig).length;
    const page = await openCounter(rig);
    await page.getByTestId('menu').click();
    await page.getByTestId('menu-reprint').click();
    await page.getByTestId('notice').filter({ hasText: '小票已打印' }).waitFor();
    expect(printedText(rig).length).toBeGreaterThan(before);
    await shot(page, 'reprinted');
  });

  it('X report, then a Z report after a confirmation (irreversible)', async () => {
    const rig = await counterRig();
    await payCashThroughApi(rig, 650);
    const page = await openCounter(rig, 'en');
    await page.getByTestId('menu').click();
    await page.getByTestId('menu-x').click();
    await page.locator('[data-testid="report"] [data-type="X"]').waitFor();
    expect(await page.getByTestId('report').textContent()).toContain('¥6.50');
    await shot(page, 'report-x');
    await page.getByTestId('back').click();
    await page.getByTestId('menu-z').click();
    await page.getByTestId('z-confirm').waitFor();
    expect(await page.getByTestId('z-confirm').textContent()).toContain('cannot be undone');
    await shot(page, 'report-z-confirm');
    await page.getByTestId('z-do').click();
    await page.locator('[data-testid="report"] [data-type="Z"]').waitFor();
    expect(await page.getByTestId('report').textContent()).toContain('Z report no. 1');
    await shot(page, 'report-z');
  });

  it('a device fault is shown with its reason (printer out of paper), and clears', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig);
    rig.sim.twins.printer!.setFault('paper_out', true);
    await page.getByTestId('fault-printer').waitFor();
    const text = await page.getByTestId('fault-printer').textContent();
    expect(text).toContain('打印机');
    expect(text).toMatch(/paper/i);
    await shot(page, 'device-fault');
    rig.sim.twins.printer!.loadPaper();
    await page.getByTestId('fault-printer').waitFor({ state: 'detached' });
  });

  it('while unprovisioned shows the enrolment code and fingerprint and takes no payments; and the register pairing code', async () => {
    const rig = await counterRig({ provisioning: true });
    const page = await newPage();
    await page.goto(rig.ticketUrl());
    await page.getByTestId('unprovisioned').waitFor();
    const pairing = rig.pos.provisioning!.pairing();
    expect(await page.getByTestId('enrol-code').textContent()).toBe(pairing.code);
    expect(await page.getByTestId('fingerprint').textContent()).toBe(pairing.fingerprint);
    expect(await page.getByTestId('collect').count()).toBe(0);
    const asked = await fetch(`${rig.url}/v1/pairings`, { method: 'POST' });
    expect(asked.status).toBe(202);
    await page.getByTestId('register-code').waitFor();
    expect(await page.getByTestId('register-code').textContent()).toContain(rig.pos.pairing.state().shown!.code);
    await shot(page, 'unprovisioned');
  });

  it('switches between Chinese and English, and keeps the choice', async () => {
    const rig = await counterRig();
    const page = await openCounter(rig);
    await tapKeys(page, '3');
    expect(await page.getByTestId('collect').textContent()).toContain('收款');
    await shot(page, 'lang-zh');
    await page.getByTestId('lang').click();
    await page.getByTestId('collect').filter({ hasText: 'Collect' }).waitFor();
    await shot(page, 'lang-en');
    await page.reload();
    await page.getByTestId('collect').filter({ hasText: 'Collect' }).waitFor();
    await page.getByTestId('lang').click();
    await page.getByTestId('collect').filter({ hasText: '收款' }).waitFor();
  });

  it('every touch target is at least 48 px on every screen', async () => {
    const rig = await counterRig();
    await payCashThroughApi(rig, 300);
    const page = await openCounter(rig, 'en');
    const checked: string[] = [];
    const check = async (name: string): Promise<void> => {
      expect(await smallTargets(page), name).toEqual([]);
      expect(await page.locator('button:visible').count(), name).toBeGreaterThan(0);
      checked.push(name);
    };
    await ringUp(rig, page, WATER.gtin);
    await check('sell');
    await page.getByTestId('collect').click();
    await check('methods');
    await page.getByTestId('method-cash').click();
    await check('cash');
    await page.getByTestId('back').click();
    await page.getByTestId('method-code').click();
    await page.getByTestId('prompt').waitFor();
    await check('paying');
    await page.getByTestId('cancel').click();
    await withState(page, 'result', 'canceled').waitFor();
    await check('result');
    await page.getByTestId('menu').click();
    await check('menu');
    await page.getByTestId('menu-refund').click();
    await page.getByTestId('refund-payment').first().waitFor();
    await check('refund');
    expect(checked).toHaveLength(7);
  });
});
