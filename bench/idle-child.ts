/**
 * posd for the idle-memory bench, as its own process: the daemon's start (startPosd, the same
 * path as src/bin/posd.ts) with the printer, scanner and NFC reader on `hw-sim serve`'s
 * pseudo-terminals (another process) and the GPIO twin, which is an IO plugin and can only live
 * in posd's process, in here. Prints one JSON line when ready and its devices connected, then idles until killed.
 */
import { pino } from 'pino';
import { dirname } from 'node:path';
import { loadConfig } from '../src/app/index.js';
import { startPosd } from '../src/bin/service/start.js';
import type { GpioTwin } from '../hw-sim/gpio/gpio-twin.js';
import { counterGpioTwin } from '../hw-sim/terminal/counter-wiring.js';

const file = process.argv[2]!;
const config = loadConfig(file);
const gpio = counterGpioTwin();
const posd = await startPosd(config, { log: pino({ level: 'warn' }), configDir: dirname(file), env: { simPlugins: new Map<string, GpioTwin>([['gpio', gpio]]) } });
// Idle means with every device open: the serial ones connect just after start.
const deadline = Date.now() + 10_000;
while (Object.values(posd.terminal.status().devices).some((d) => d?.state === 'connecting') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
const health = posd.terminal.status().devices;
process.stdout.write(`${JSON.stringify({ ready: true, pid: process.pid, devices: Object.fromEntries(Object.entries(health).map(([k, v]) => [k, v?.state])) })}\n`);
// The bench asks (SIGUSR2) where the memory is: V8's heap, external buffers, the rest is code and native.
process.on('SIGUSR2', () => process.stdout.write(`${JSON.stringify({ memory: process.memoryUsage() })}\n`));
