import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { SerialPort } from 'serialport';
import { describe, expect, it } from 'vitest';
import { NfcReader } from '../../src/drivers/nfc/index.js';
import type { NfcCard } from '../../src/drivers/nfc/index.js';
import { toHex } from '../../src/encoding/hex.js';
import type { ServeAddresses } from '../../hw-sim/serve/serve.js';
import { EscPosPrinter } from '../../src/drivers/printer/index.js';
import { GENERIC_58_ZH } from '../../src/drivers/escpos/profiles.js';
import { proveWallet } from '../drivers/nfc/wallet-session.js';

const HW_SIM = join(process.cwd(), 'dist/hw-sim/bin/hw-sim.js');

async function post(url: string, body: unknown, token: string): Promise<unknown> {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return res.json();
}

describe('hw-sim serve --pty', () => {
  it('puts the twins on pseudo-terminals any serial program can open, runs the acquirer, and cleans up on SIGTERM', async () => {
    expect(existsSync(HW_SIM), 'run `npm test` (it builds dist/) first').toBe(true);
    const child = spawn(process.execPath, [HW_SIM, 'serve', '--pty'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const line = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', () => reject(new Error('hw-sim exited before printing its addresses')));
      });
      const at = JSON.parse(line) as ServeAddresses;
      expect(Object.keys(at)).toEqual(expect.arrayContaining(['printer', 'scanner', 'nfc', 'acquirer', 'control']));

      // The scanner: a plain serialport program reads a scanned line, as from a USB-CDC scanner.
      const port = new SerialPort({ path: at.scanner, baudRate: 9600 });
      const received = new Promise<string>((resolve) => {
        let text = '';
        port.on('data', (d: Buffer) => {
          text += d.toString('latin1');
          if (text.endsWith('\r\n')) resolve(text);
        });
      });
      await new Promise<void>((resolve) => port.once('open', () => resolve()));
      await post(`${at.control}/scanner/scan`, { code: '6901234567892', suffix: 'crlf' }, at.token);
      expect(await received).toBe('6901234567892\r\n');
      await new Promise<void>((resolve) => port.close(() => resolve()));

      // The NFC reader: posd's own driver over the native binding, a wallet tapped on the twin.
      const reader = await NfcReader.open(`serial:${at.nfc}?baud=115200`);
      const cards: NfcCard[] = [];
      reader.on('card', (c) => cards.push(c));
      reader.start();
      try {
        await reader.waitReady(30_000);
        await post(`${at.control}/nfc/present`, { card: 'wallet' }, at.token);
        while (cards.length === 0) await new Promise((r) => setTimeout(r, 10));
        expect(cards[0]!.isoDep).toBe(true);
        const proof = await proveWallet(reader.channel());
        expect(proof.verified).toBe(true);
        const wallet = (await (await fetch(`${at.control}/nfc/wallet`, { headers: { authorization: `Bearer ${at.token}` } })).json()) as { walletId: string };
        expect(toHex(proof.walletId)).toBe(wallet.walletId);
      } finally {
        await reader.stop();
      }

      // The printer: posd's ESC/POS driver over the native binding prints onto the twin.
      const printer = await EscPosPrinter.open(`serial:${at.printer}?baud=19200`, {}, { profile: GENERIC_58_ZH });
      printer.start();
      try {
        const result = await printer.print({ blocks: [{ kind: 'text', text: '你好 over a pty' }, { kind: 'cut' }] }).done;
        expect(result.attempts).toBe(1);
      } finally {
        await printer.stop();
      }
      expect(await (await fetch(`${at.control}/printer/text`, { headers: { authorization: `Bearer ${at.token}` } })).text()).toContain('你好 over a pty');

      const acquirer = (await (await fetch(`${at.acquirer}/v1/acquirer`)).json()) as { publicKey: string };
      expect(acquirer.publicKey).toBe(at.acquirerKey);

      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(existsSync(at.scanner)).toBe(false);
      expect(existsSync(at.nfc)).toBe(false);
      expect(existsSync(at.printer)).toBe(false);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
