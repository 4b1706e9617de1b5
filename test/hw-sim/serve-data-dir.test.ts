import { createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { serve } from '../../hw-sim/serve/serve.js';
import { tempDir } from '../support/tmp.js';

describe('hw-sim serve --data-dir', () => {
  it('keeps the device paths, the acquirer key, the ports and the operator token across runs; a port taken meanwhile is given up, the rest kept', async () => {
    const dir = tempDir('posd-serve-');
    const first = await serve({ dataDir: dir });
    const a = first.addresses;
    await first.close();

    const second = await serve({ dataDir: dir });
    const b = second.addresses;
    try {
      expect(b).toMatchObject({ printer: a.printer, scanner: a.scanner, nfc: a.nfc, acquirer: a.acquirer, acquirerKey: a.acquirerKey, acquirerControl: a.acquirerControl, control: a.control, token: a.token });
      const res = await fetch(`${b.control}/nfc/wallets`, { headers: { authorization: `Bearer ${a.token}` } });
      expect(res.status).toBe(200);
    } finally {
      await second.close();
    }

    // Someone else took the control port while the simulator was down.
    const squatter: Server = createServer();
    await new Promise<void>((resolve) => squatter.listen(Number(new URL(a.control).port), '127.0.0.1', resolve));
    try {
      const third = await serve({ dataDir: dir });
      try {
        expect(third.addresses.control).not.toBe(a.control);
        expect(third.addresses).toMatchObject({ printer: a.printer, acquirerKey: a.acquirerKey, token: a.token });
      } finally {
        await third.close();
      }
    } finally {
      squatter.close();
    }
  });
});
