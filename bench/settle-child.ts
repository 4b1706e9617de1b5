/**
 * Bench helper process: settles a journal's whole backlog against an acquirer and reports the
 * time and its own peak RSS. Usage: node settle-child.js DATA_DIR ACQUIRER_URL ACQUIRER_KEY_HEX
 */
import { fromHex } from '../src/encoding/hex.js';
import { AcquirerClient } from '../src/settlement/acquirer-client.js';
import { SettlementDrainer } from '../src/settlement/drainer.js';
import { Journal } from '../src/terminal/ledger/journal.js';

const [dataDir, url, key] = process.argv.slice(2);
const journal = Journal.open(dataDir!);
const client = new AcquirerClient(url!, { timeoutMs: 600_000 });
const drainer = new SettlementDrainer({ journal, client, acquirerPublicKey: fromHex(key!, 32), batchSize: 2000 });
const t0 = performance.now();
const report = await drainer.drainOnce();
const ms = performance.now() - t0;
const counters = drainer.status().counters!;
client.close();
journal.close();
process.stdout.write(`${JSON.stringify({ ms, maxRssMb: process.resourceUsage().maxRSS / 1024, report, unsettled: counters.unsettledCount, pending: counters.pendingUpload })}\n`);
