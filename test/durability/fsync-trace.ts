import { basename } from 'node:path';

/**
 * Reads an strace log (`strace -f -y -o FILE`, one line per system call, prefixed with the
 * thread id) and checks that a process announced durability only after the fact: every
 * approval line it wrote to stdout came after an fsync/fdatasync of the journal's files that
 * began once every earlier write to them had finished, and returned 0.
 */

/** The files whose contents make a record durable. */
export const JOURNAL_FILES = ['journal.db', 'journal.db-wal', 'journal.db-journal'] as const;

const WRITES = new Set(['write', 'pwrite64', 'writev', 'pwritev', 'pwritev2']);
const SYNCS = new Set(['fsync', 'fdatasync']);

interface Call {
  tid: string;
  name: string;
  fd: number;
  /** The path strace -y printed beside the fd. */
  path: string;
  /** The rest of the arguments as printed (for stdout writes: the quoted text). */
  args: string;
  /** Line index where the call entered and where it returned. */
  entry: number;
  exit: number;
  result: string;
}

/** Parses an strace -f -y log into calls with their entry and exit positions, joining "unfinished"/"resumed" halves. */
export function parseTrace(text: string): Call[] {
  const calls: Call[] = [];
  const open = new Map<string, Omit<Call, 'exit' | 'result'>>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const head = /^(\d+)\s+(?:\d[\d:.]*\s+)?(.*)$/.exec(line);
    if (!head) continue;
    const [, tid, rest] = head as unknown as [string, string, string];
    const resumed = /^<\.\.\. (\w+) resumed>(.*)\)\s+=\s+(.*)$/.exec(rest);
    if (resumed) {
      const started = open.get(tid);
      open.delete(tid);
      if (started && started.name === resumed[1]) calls.push({ ...started, args: started.args + resumed[2], exit: i, result: resumed[3]! });
      continue;
    }
    const call = /^(\w+)\((\d+)<([^>]*)>(.*)(?:\)\s+=\s+([^=]*)|\s*<unfinished \.\.\.>)$/.exec(rest);
    if (!call) continue;
    const started = { tid, name: call[1]!, fd: Number(call[2]), path: call[3]!, args: call[4]!, entry: i };
    if (call[5] === undefined) open.set(tid, started);
    else calls.push({ ...started, exit: i, result: call[5] });
  }
  return calls;
}

export interface Approval {
  /** The approval text, e.g. "D 17 ab12…". */
  line: string;
  /** The first rule it broke, or null. */
  violation: string | null;
}

/**
 * Checks every approval line (stdout writes starting with `prefix`) against the journal files
 * under `dataDir`: at the moment it was written, (1) no write to a journal file was still in
 * progress; (2) every finished write to a journal file was followed by a successful sync of that
 * file which began after the write returned; (3) since the previous approval, the journal was
 * written (this approval's record) and synced.
 */
export function checkApprovals(calls: Call[], dataDir: string, prefix = 'D '): Approval[] {
  type Point = { at: number; kind: 'entry' | 'exit'; call: Call };
  const points: Point[] = [];
  for (const call of calls) points.push({ at: call.entry, kind: 'entry', call }, { at: call.exit, kind: 'exit', call });
  points.sort((a, b) => a.at - b.at || (a.kind === 'exit' ? -1 : 1));

  const journalFile = (call: Call): string | undefined => {
    const name = basename(call.path);
    return call.path.startsWith(dataDir) && (JOURNAL_FILES as readonly string[]).includes(name) ? name : undefined;
  };
  const inFlight = new Map<string, number>();
  const lastWriteReturned = new Map<string, number>();
  const lastSyncedFrom = new Map<string, number>();
  let writesSinceApproval = 0;
  let syncsSinceApproval = 0;
  const approvals: Approval[] = [];

  for (const { kind, call } of points) {
    const file = journalFile(call);
    if (file && WRITES.has(call.name)) {
      if (kind === 'entry') {
        inFlight.set(file, (inFlight.get(file) ?? 0) + 1);
      } else {
        inFlight.set(file, inFlight.get(file)! - 1);
        lastWriteReturned.set(file, call.exit);
        writesSinceApproval++;
      }
    } else if (file && SYNCS.has(call.name) && kind === 'exit' && call.result.startsWith('0')) {
      lastSyncedFrom.set(file, Math.max(lastSyncedFrom.get(file) ?? -1, call.entry));
      syncsSinceApproval++;
    } else if (!file && call.name === 'write' && call.fd === 1 && kind === 'entry') {
      const text = /^,\s+"(.*?)(?:\\n)?"/.exec(call.args)?.[1] ?? '';
      if (!text.startsWith(prefix)) continue;
      let violation: string | null = null;
      for (const f of JOURNAL_FILES) {
        if ((inFlight.get(f) ?? 0) > 0) violation ??= `a write to ${f} was still in progress`;
        const written = lastWriteReturned.get(f);
        if (written !== undefined && !((lastSyncedFrom.get(f) ?? -1) > written)) violation ??= `${f} was written (trace line ${written + 1}) and not synced since`;
      }
      if (writesSinceApproval === 0) violation ??= 'the journal was not written since the previous approval';
      if (syncsSinceApproval === 0) violation ??= 'the journal was not synced since the previous approval';
      approvals.push({ line: text, violation });
      writesSinceApproval = 0;
      syncsSinceApproval = 0;
    }
  }
  return approvals;
}
