import type { PosTerminal } from '../app/terminal.js';
import type { CopyChoice } from '../payments/after-payment.js';
import { formatMoney } from '../protocol/assets.js';
import { ReceiptQrError, verifyReceiptQr, type KeyBinding, type ReceiptQrErrorCode, type VerifiedReceipt } from '../protocol/receipt-qr.js';
import { toHex } from '../encoding/hex.js';
import { CliError, EXIT, parseHexKey, parseSeq } from './exit.js';
import { qrFromPng } from './qr-image.js';

type Out = (line: string) => void;

/** `posctl receipt verify --json`: one object, whatever the outcome. */
export interface ReceiptVerifyReport {
  ok: boolean;
  /** null when valid; a code of docs/receipt-qr.md section 4 (or `no_qr`) on exit 1; `could_not_run` on exit 2. */
  reason: ReceiptQrErrorCode | 'no_qr' | 'could_not_run' | null;
  message: string;
  receipt: {
    terminal: string;
    seq: number;
    kind: string;
    time: number;
    timeUtc: string;
    asset: string;
    amount: number;
    tender: string;
    ref: string;
    of: number | null;
    recordHash: string;
    keyId: string;
    publicKey: string;
    binding: KeyBinding;
    /** `endorsed`: checked under the acquirer key given; `present_unchecked`: carried, no acquirer key given. */
    endorsement: 'none' | 'present_unchecked' | 'endorsed';
    /** What the checked endorsement says (binding `endorsed`); null otherwise. */
    endorsed: { tid: string; mid: string; serial: number; notBefore: number; notAfter: number; acquirer: string } | null;
  } | null;
}

const BINDING_WORDS: Readonly<Record<KeyBinding, string>> = {
  pinned: 'the key pinned with --public-key',
  genesis: "the terminal's own first key (its terminal id is this key's id)",
  endorsed: "endorsed by the acquirer as this terminal's key",
  unbound: 'a later key of the terminal (after a key rotation), not pinned: this shows the receipt is intact, not who made it; pin the key with --public-key',
};

function describe(v: VerifiedReceipt): ReceiptVerifyReport['receipt'] {
  const s = v.statement;
  return {
    terminal: s.terminal,
    seq: s.seq,
    kind: s.kind,
    time: s.time,
    timeUtc: new Date(s.time).toISOString(),
    asset: s.asset,
    amount: s.amount,
    tender: s.tender,
    ref: s.ref,
    of: s.of,
    recordHash: s.hash,
    keyId: s.key,
    publicKey: toHex(v.publicKey),
    binding: v.binding,
    endorsement: v.endorsed ? 'endorsed' : v.endorsement ? 'present_unchecked' : 'none',
    endorsed: v.endorsed ? { tid: v.endorsed.tid, mid: v.endorsed.mid, serial: v.endorsed.serial, notBefore: v.endorsed.notBefore, notAfter: v.endorsed.notAfter, acquirer: v.endorsed.acquirer } : null,
  };
}

/** What to verify: the text given, or the QR found in an image. A usage mistake is CliError (exit 2). */
function payloadOf(text: string | undefined, image: string | undefined): string | { noQr: string } {
  if ((text === undefined) === (image === undefined)) throw new CliError('give the QR text, or --image FILE.png, but not both');
  if (text !== undefined) return text;
  const found = qrFromPng(image!);
  if (!found) return { noQr: `no QR code found in ${image}` };
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(found.bytes);
  } catch {
    return { noQr: `the QR code in ${image} is not text` };
  }
}

/**
 * `posctl receipt verify TEXT | --image FILE.png [--public-key HEX] [--acquirer-key HEX] [--json]`:
 * exit 0 valid, 1 invalid (with the reason), 2 could not run (usage, unreadable image, bad key option).
 */
export function verifyReceiptCommand(
  text: string | undefined,
  options: { image?: string; publicKey?: string; acquirerKey?: string; json?: boolean },
  out: Out,
  err: Out,
): number {
  let report: ReceiptVerifyReport;
  let code: number;
  try {
    const publicKey = parseHexKey(options.publicKey, '--public-key');
    const acquirerPublicKey = parseHexKey(options.acquirerKey, '--acquirer-key');
    const payload = payloadOf(text, options.image);
    if (typeof payload !== 'string') {
      report = { ok: false, reason: 'no_qr', message: payload.noQr, receipt: null };
      code = EXIT.failed;
    } else {
      const verified = verifyReceiptQr(payload, { ...(publicKey ? { publicKey } : {}), ...(acquirerPublicKey ? { acquirerPublicKey } : {}) });
      const s = verified.statement;
      report = { ok: true, reason: null, message: `receipt valid: ${s.kind} ${formatMoney(s.amount, s.asset)} (${s.tender}), record ${s.seq} of terminal ${s.terminal}`, receipt: describe(verified) };
      code = EXIT.ok;
    }
  } catch (e) {
    if (e instanceof ReceiptQrError) {
      report = { ok: false, reason: e.code, message: e.message, receipt: null };
      code = EXIT.failed;
    } else if (e instanceof CliError) {
      report = { ok: false, reason: 'could_not_run', message: e.message, receipt: null };
      code = e.exitCode;
    } else {
      throw e;
    }
  }
  if (options.json) {
    out(JSON.stringify(report));
    return code;
  }
  if (report.ok && report.receipt) {
    const r = report.receipt;
    out(report.message);
    out(`  order ${r.ref}${r.of !== null ? `, returning the payment at record ${r.of}` : ''}`);
    out(`  time ${r.timeUtc} (UTC)`);
    out(`  record hash ${r.recordHash}`);
    out(`  signed by key ${r.keyId}: ${BINDING_WORDS[r.binding]}`);
    out(`  endorsement: ${endorsementWords(r)}`);
    out(`  that the record is in the journal the acquirer countersigned: posctl journal prove --seq ${r.seq} (then journal check-proof)`);
  } else if (report.reason === 'could_not_run') {
    err(`posctl: ${report.message}`);
  } else {
    err(`receipt INVALID (${report.reason}): ${report.message}`);
  }
  return code;
}

function endorsementWords(r: NonNullable<ReceiptVerifyReport['receipt']>): string {
  if (r.endorsement === 'none') return 'none in this QR';
  if (!r.endorsed) return 'present, not checked (give --acquirer-key HEX to check it)';
  const e = r.endorsed;
  return `valid: acquirer key ${e.acquirer} endorses key ${r.keyId} for terminal ${r.terminal}, tid ${e.tid}, merchant ${e.mid} (serial ${e.serial}, valid ${isoOrMs(e.notBefore)} to ${isoOrMs(e.notAfter)})`;
}

function isoOrMs(ms: number): string {
  return ms <= 8.64e15 ? new Date(ms).toISOString() : `${ms} ms`;
}

export function parseCopies(text: string | undefined): CopyChoice | undefined {
  if (text === undefined) return undefined;
  if (text !== 'customer' && text !== 'merchant' && text !== 'both') throw new CliError('--copies must be customer, merchant or both');
  return text;
}

/** `posctl receipt print [--seq N]`: a reprint through the terminal (the last receipt without --seq). */
export async function printReceiptCommand(terminal: PosTerminal, options: { seq?: string; copies?: string; timeout?: string }, out: Out): Promise<number> {
  const seq = options.seq === undefined ? undefined : parseSeq(options.seq, '--seq');
  const copies = parseCopies(options.copies);
  const timeoutMs = parseSeconds(options.timeout ?? '30', '--timeout') * 1000;
  let timer: NodeJS.Timeout | undefined;
  const printed = terminal.receipts.reprint(seq, copies ? { copies } : {});
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const health = terminal.deviceHealth().printer;
      reject(new CliError(`the printer did not print within ${timeoutMs / 1000} s${health?.reason ? `: ${health.reason}` : ''}`, 3));
    }, timeoutMs);
  });
  try {
    const done = await Promise.race([printed, late]);
    out(`printed the receipt of record ${done} again, marked as a reprint`);
    return EXIT.ok;
  } finally {
    clearTimeout(timer);
    printed.catch(() => undefined);
  }
}

export function parseSeconds(text: string, what: string): number {
  const n = Number(text);
  if (!Number.isFinite(n) || n <= 0 || n > 3600) throw new CliError(`${what} must be a number of seconds (0 < s <= 3600)`);
  return n;
}
