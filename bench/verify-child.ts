/** Bench helper process: verifies an export file and reports the time and its own peak RSS. */
import { verifyExportFile } from '../src/protocol/verify-export.js';

const t0 = performance.now();
const summary = await verifyExportFile(process.argv[2]!);
process.stdout.write(`${JSON.stringify({ ms: performance.now() - t0, maxRssMb: process.resourceUsage().maxRSS / 1024, records: summary.records })}\n`);
