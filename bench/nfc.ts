import { ApduClient } from '../src/drivers/iso7816/apdu-client.js';
import { NfcReader } from '../src/drivers/nfc/nfc-reader.js';
import { WALLET_AID } from '../hw-sim/cards/wallet-applet.js';
import { startSimulatedTerminal } from '../hw-sim/terminal/simulated-terminal.js';
import { runWhenMain, type BenchModule, type Metric } from './metric.js';

const BAUD = 115200;
const BYTES_PER_SECOND = BAUD / 10; // 8N1: 10 bits a byte
const WARMUP = 3;
const RUNS = 15;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * One SELECT and one 200-byte ECHO (200 bytes back) through the PN532 twin, with the UART paced
 * at 115200 baud in both directions and no chip processing time. The floor is every byte that
 * crossed the wire (frames, ACKs, everything) at 11520 bytes/s: the ratio is what the driver
 * stack adds on top of the wire.
 */
const bench: BenchModule = {
  title: 'NFC: SELECT + 200-byte APDU through the PN532 twin at 115200 baud, against the wire floor',
  async run(log) {
    const terminal = await startSimulatedTerminal({ twins: ['nfc'], acquirer: false, wireTiming: true, nfc: { baud: BAUD } });
    const twin = terminal.twins.nfc;
    // Presence checks would interleave with the measured exchanges; push them out of the way.
    const reader = await NfcReader.open(terminal.devices.nfc.uri, terminal.env, { presenceIntervalMs: 600_000 });
    reader.start();
    try {
      await reader.pn532.waitReady(10_000);
      twin.enterField(terminal.cards.wallet!);
      await new Promise<void>((resolve) => reader.once('card', () => resolve()));
      const client = new ApduClient(reader.channel());
      const payload = Uint8Array.from({ length: 200 }, (_, i) => (i * 31) & 0xff);
      const ratios: number[] = [];
      const elapsed: number[] = [];
      const floors: number[] = [];
      for (let run = 0; run < WARMUP + RUNS; run++) {
        const bytesBefore = twin.counters.bytesFromHost + twin.counters.bytesToHost;
        const t0 = performance.now();
        await client.select(WALLET_AID);
        const echo = await client.send({ cla: 0x80, ins: 0xe0, p1: 0x01, p2: 0x00, data: payload, le: 256 });
        const ms = performance.now() - t0;
        if (echo.length !== payload.length) throw new Error(`echo returned ${echo.length} bytes`);
        const wireBytes = twin.counters.bytesFromHost + twin.counters.bytesToHost - bytesBefore;
        const floorMs = (wireBytes / BYTES_PER_SECOND) * 1000;
        if (run < WARMUP) continue;
        ratios.push(ms / floorMs);
        elapsed.push(ms);
        floors.push(floorMs);
        if (run === WARMUP) log(`   ${wireBytes} bytes on the wire per SELECT + ECHO(200): floor ${floorMs.toFixed(1)} ms`);
      }
      const metrics: Metric[] = [
        {
          name: 'nfc.exchange.ratio_vs_wire',
          value: median(ratios),
          unit: 'x',
          goal: '<= 1.3',
          note: `median of ${RUNS}; SELECT + 200-byte APDU/response at ${BAUD} baud`,
        },
        { name: 'nfc.exchange.ms', value: median(elapsed), unit: 'ms', note: `wire floor ${median(floors).toFixed(1)} ms` },
      ];
      return metrics;
    } finally {
      await reader.stop();
      await terminal.close();
    }
  },
};

export default bench;

runWhenMain(bench, import.meta.url);
