import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { verify } from '../../../src/crypto/ed25519.js';
import { sha256Hex } from '../../../src/crypto/sha256.js';
import { fromHex, toHex } from '../../../src/encoding/hex.js';
import { ChainVerifier } from '../../../src/protocol/chain-verifier.js';
import { issuerKey } from '../../../src/protocol/wallet/certificate.js';
import { WALLET_V2 } from '../../../hw-sim/cards/offline-wallet.js';
import { walletFaults } from '../../../hw-sim/cards/wallet-faults.js';
import { forCommands, isApduExchange } from '../../../hw-sim/pn532/command-filter.js';
import { pn532Faults } from '../../../hw-sim/pn532/faults.js';
import { tempDir } from '../../support/tmp.js';
import { until } from '../../support/wait.js';
import { NOODLES, OfflineCounter, WATER } from './rig.js';

const run = promisify(execFile);
const POSCTL = join(process.cwd(), 'dist/src/bin/posctl.js');

describe('offline wallet tap, through the PN532 twin on the simulated bus', () => {
  it('approves a tap offline, prints the receipt, confirms to the wallet, and settles it later with the acquirer', async () => {
    const c = await OfflineCounter.start();
    const wallet = c.sim.wallets[0]!;
    const card = c.sim.cards.wallet!;
    c.ring(WATER.gtin, NOODLES.gtin);
    expect(c.pos.status().offline).toMatchObject({ count: 0, byAsset: {} });

    const paid = await c.tap(card);
    expect(paid).toMatchObject({ state: 'succeeded', method: 'wallet_tap', amount: 650, asset: 'CNY', offlineApproved: true });
    const record = c.payments()[0]!;
    expect(record.seq).toBe(paid.seq);
    expect(record.body).toMatchObject({
      asset: 'CNY',
      amount: 650,
      tender: 'wallet_tap',
      ref: paid.ref,
      details: { wallet: toHex(wallet.walletId), counter: 1, balance: 100_000 - 650, cert: toHex(wallet.certificate.body), certSig: toHex(wallet.certificate.signature), items: 2 },
    });
    expect(wallet.balance).toBe(100_000 - 650);
    expect(wallet.payments).toMatchObject([{ amount: 650, counter: 1, ref: paid.ref, terminalId: c.pos.id, seen: 1 }]);
    await c.receiptFor(paid.seq!);
    expect(c.sim.twins.printer.text()).toContain('6.50');
    await until(() => wallet.confirmations.length === 1, 'the confirmation reached the wallet');
    const recordHash = sha256Hex(c.lines()[paid.seq!]!);
    expect(wallet.confirmations[0]!.statement).toBe(`${toHex(wallet.walletId)} 1 ${c.pos.id} ${paid.seq} ${recordHash}`);
    expect(verify(wallet.confirmations[0]!.signature, `posd/wallet-confirmation/v2\n${wallet.confirmations[0]!.statement}`, fromHex(c.pos.publicKey, 32))).toBe(true);
    expect(c.pos.status().offline).toMatchObject({ count: 1, byAsset: { CNY: 650 } });

    // Anyone with the journal and the issuers' keys can check the wallet's proof offline.
    const verifier = new ChainVerifier({ walletIssuers: [issuerKey('CNY', c.sim.issuers.CNY.publicKey)] });
    for (const line of c.lines()) verifier.push(line);
    expect(verifier.finish()).toMatchObject({ walletProofs: 1, walletCertificatesUnverified: 0 });

    // posctl too: with the issuer's key the certificate is checked; with another key the proof fails (exit 1).
    const file = join(tempDir(), 'journal.jsonl');
    await run(process.execPath, [POSCTL, 'journal', 'export', '--data-dir', c.dataDir, '--out', file]);
    const verified = await run(process.execPath, [POSCTL, 'journal', 'verify', file, '--public-key', c.pos.publicKey, '--issuer-key', `CNY:${toHex(c.sim.issuers.CNY.publicKey)}`]);
    expect(verified.stdout).toContain('1 offline wallet payments');
    expect(verified.stdout).not.toContain('wallet certificates not checked');
    const wrongIssuer = await run(process.execPath, [POSCTL, 'journal', 'verify', file, '--json', '--issuer-key', `CNY:${toHex(c.sim.issuers.MAT.publicKey)}`]).catch((e: { code: number; stdout: string }) => e);
    expect(wrongIssuer).toMatchObject({ code: 1 });
    expect(JSON.parse(wrongIssuer.stdout)).toMatchObject({ ok: false, reason: 'bad_wallet_proof', seq: paid.seq });

    await c.pos.settlement!.settleNow(3);
    expect(c.sim.acquirer!.heldRecords(c.pos.id).find((r) => r.seq === paid.seq)).toMatchObject({ status: 'accepted', kind: 'payment', asset: 'CNY', amount: 650 });
    expect(c.sim.acquirer!.latestCheckpoint(c.pos.id)!.totals).toEqual({ CNY: { payment: { n: 1, amount: 650 } } });
    expect(c.pos.status().offline).toMatchObject({ count: 0, byAsset: {} });
  });

  it('debits once when the PN532 delivers the payment command twice (an ACK lost, the driver resends)', async () => {
    const c = await OfflineCounter.start();
    const wallet = c.sim.wallets[0]!;
    c.ring(WATER.gtin);
    // Only the PAY exchange: its ACK is lost and its answer late, so the driver sends the same frame again.
    c.sim.twins.nfc.behave(forCommands(isApduExchange(WALLET_V2.pay.ins), pn532Faults.dropAcks(1), pn532Faults.delayResponses(400, 1)));
    const paid = await c.tap(c.sim.cards.wallet!);
    expect(paid.state).toBe('succeeded');
    const payCommands = c.sim.twins.nfc.commands.filter((cmd) => cmd.code === 0x40 && cmd.params[2] === WALLET_V2.pay.ins);
    expect(payCommands).toHaveLength(2);
    expect(wallet.payments).toHaveLength(1);
    expect(wallet.payments[0]!.seen).toBe(2);
    expect(wallet.balance).toBe(100_000 - 200);
    expect(c.payments()).toHaveLength(1);
  });

  it('asks again when an answer is not the wallet\'s (a spare answer of an earlier command): paid once, or declined if it stays wrong', async () => {
    const c = await OfflineCounter.start({ sim: { wallets: 2 } });
    const [good, stuck] = c.sim.cards.wallets;
    const fci = c.sim.wallets[0]!.select();
    const stale = Uint8Array.from([...fci, 0x90, 0x00]);
    good!.behave(walletFaults.answerInstead(WALLET_V2.pay.ins, stale, 1));
    c.ring(WATER.gtin);
    const paid = await c.tapAndRemove(good!);
    expect(paid.state).toBe('succeeded');
    expect(c.sim.wallets[0]!.payments).toMatchObject([{ amount: 200, seen: 1 }]);

    stuck!.behave(walletFaults.answerInstead(WALLET_V2.pay.ins, stale, 2));
    c.ring(WATER.gtin);
    const refused = await c.tapAndRemove(stuck!);
    expect(refused).toMatchObject({ state: 'declined', outcome: { code: 'bad_wallet_answer' } });
    expect(c.payments()).toHaveLength(1);
  });
});
