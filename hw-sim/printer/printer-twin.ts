import type { DeviceEndpoint, HostSink } from '../../src/drivers/transport/device-endpoint.js';
import { BehaviourStack, type RemoveBehaviour } from '../behaviours/behaviour-stack.js';
import type { PrinterBehaviour, PrinterOutputKind } from './behaviour.js';
import { isRealTime, type DeviceCommand } from './commands.js';
import { InputParser, type ParsedCommand } from './input-parser.js';
import { paperText, type PaperItem } from './paper.js';
import { renderPaperPng, type PaperPng, type PaperPngOptions } from './paper-png.js';
import { PrintEngine } from './print-engine.js';
import { asbBytes, asbChanged, isOffline, realTimeStatusByte, transmitStatusByte, type TwinCondition } from './status-bytes.js';

export type PrinterFault = 'paper_near_end' | 'paper_out' | 'cover_open' | 'offline' | 'autocutter_error';

export interface PrinterTwinOptions {
  /** Printable width: 384 (58 mm) or 576 (80 mm) dots. */
  dotsPerLine?: number;
  /** Chinese firmware: understands FS & / FS . and powers up in Chinese (GB18030) mode. Default true. */
  chineseFirmware?: boolean;
  /** Print speed: milliseconds per printed line; 0 (default) prints as fast as commands arrive. */
  msPerLine?: number;
  /** Clock for the drawer pulse record; performance.now by default. */
  now?: () => number;
}

export interface TwinLogEntry {
  level: 'error' | 'warning';
  code: string;
  message: string;
  /** Offset in the host's byte stream of the command concerned, when there is one. */
  offset: number | undefined;
}

export interface DrawerPulseRecord {
  pin: 2 | 5;
  onMs: number;
  offMs: number;
  source: 'ESC p' | 'DLE DC4';
  at: number;
}

export interface StatusRequestRecord {
  n: number;
  answered: boolean;
  /** Commands still waiting in the print buffer when the request arrived. */
  bufferedCommands: number;
}

/**
 * An ESC/POS receipt printer from the device side. Commands are read as they arrive; real-time
 * ones (DLE EOT, DLE DC4) are answered at once, even while earlier data is still printing; the
 * rest go through the print buffer to the engine, which puts them on the paper record.
 *
 * Faults follow a strict model: when the printer goes offline (paper out, cover open, offline
 * switch, cutter error) the unprinted rest of its buffer is lost, and data that arrives while it
 * is offline is discarded (and logged). A driver that does not check status loses receipts here.
 *
 * Paper, cover, the offline switch and the drawer sensor are the printer's physical state (set
 * through the control API); misbehaviour (a status request left unanswered, a fault that
 * strikes mid-receipt) comes from behaviours a test puts in front (printerFaults).
 */
export class EscPosPrinterTwin implements DeviceEndpoint {
  readonly dotsPerLine: number;
  readonly chineseFirmware: boolean;
  readonly log: TwinLogEntry[] = [];
  readonly drawerPulses: DrawerPulseRecord[] = [];
  readonly statusRequests: StatusRequestRecord[] = [];
  /** Every ASB message pushed to the host. */
  readonly asbSent: Uint8Array[] = [];
  bytesReceived = 0;
  /** Bytes thrown away: received while offline, or still buffered when the printer went offline. */
  bytesLost = 0;
  readonly behaviours = new BehaviourStack<PrinterBehaviour>();

  private sink: HostSink | null = null;
  private readonly parser: InputParser;
  private readonly engine: PrintEngine;
  private readonly queue: ParsedCommand[] = [];
  private readonly condition: TwinCondition = {
    paperOut: false,
    paperNearEnd: false,
    coverOpen: false,
    offlineSwitch: false,
    autocutterError: false,
    drawerPin3High: false,
  };
  private asbEnabled = 0;
  private lastStatus: Uint8Array;
  /** Lines of paper left on the roll; undefined: plenty. */
  private paperLeft: number | undefined;
  private printing = false;
  private printTimer: NodeJS.Timeout | undefined;
  private droppedWhileOffline = false;
  private msPerLine: number;
  private readonly now: () => number;
  private current: ParsedCommand | undefined;

  constructor(options: PrinterTwinOptions = {}) {
    this.dotsPerLine = options.dotsPerLine ?? 384;
    this.chineseFirmware = options.chineseFirmware ?? true;
    this.msPerLine = options.msPerLine ?? 0;
    this.now = options.now ?? (() => performance.now());
    this.parser = new InputParser(this.chineseFirmware, { rasterBytesPerRow: Math.ceil(this.dotsPerLine / 8) });
    this.engine = new PrintEngine(this.dotsPerLine, {
      takePaper: (lines) => this.takePaper(lines),
      setAsb: (n) => this.setAsb(n),
      drawerPulse: (pin, onMs, offMs, source) => this.recordPulse(pin, onMs, offMs, source),
      transmitStatus: (n) => this.send(Uint8Array.of(transmitStatusByte(n, this.condition)), 'transmit-status'),
      log: (level, code, message) => this.note(level, code, message, this.current?.offset),
    });
    this.lastStatus = asbBytes(this.condition);
  }

  // ---- DeviceEndpoint ----

  receiveFromHost(bytes: Uint8Array): void {
    if (this.behaviours.first((b) => b.onHostBytes?.(this, bytes))) return;
    this.bytesReceived += bytes.length;
    for (const parsed of this.parser.push(bytes)) this.accept(parsed);
    this.pump();
  }

  attachHost(sink: HostSink | null): void {
    this.sink = sink;
    if (sink === null) {
      const dropped = this.parser.abandonPartial();
      if (dropped > 0) {
        this.bytesLost += dropped;
        this.note('error', 'incomplete_command', `host went away in the middle of a command; ${dropped} bytes dropped`, undefined);
      }
    }
  }

  // ---- control API (tests, demo) ----

  /** Puts behaviours in front of the others (first given, first asked); returns their remover. */
  behave(...behaviours: PrinterBehaviour[]): RemoveBehaviour {
    return this.behaviours.add(...behaviours);
  }

  get hostAttached(): boolean {
    return this.sink !== null;
  }

  /** What the paper shows: one string per printed line, cuts and symbols as [[...]] markers. */
  text(): string {
    return paperText(this.engine.paper);
  }

  get paper(): readonly PaperItem[] {
    return this.engine.paper;
  }

  /** The paper as a PNG at the printer's dot width. */
  png(options: PaperPngOptions = {}): PaperPng {
    return renderPaperPng(this.engine.paper, this.dotsPerLine, options);
  }

  get errors(): TwinLogEntry[] {
    return this.log.filter((e) => e.level === 'error');
  }

  /** Commands received but not printed yet. */
  get bufferedCommands(): number {
    return this.queue.length;
  }

  get offline(): boolean {
    return isOffline(this.condition);
  }

  get asbMask(): number {
    return this.asbEnabled;
  }

  get conditions(): Readonly<TwinCondition> {
    return { ...this.condition };
  }

  setFault(fault: PrinterFault, on: boolean): void {
    switch (fault) {
      case 'paper_near_end':
        this.condition.paperNearEnd = on;
        break;
      case 'paper_out':
        this.condition.paperOut = on;
        break;
      case 'cover_open':
        this.condition.coverOpen = on;
        break;
      case 'offline':
        this.condition.offlineSwitch = on;
        break;
      case 'autocutter_error':
        this.condition.autocutterError = on;
        break;
    }
    this.statusChanged();
  }

  /** The roll ends after this many more printed lines (a picture counts a line per 24 dots); undefined = plenty. */
  paperRunsOutAfter(lines: number | undefined): void {
    this.paperLeft = lines;
  }

  /**
   * A fault strikes while printing, before the line under way: that line and the rest of the
   * buffer are lost and the printer goes offline. For behaviours (printerFaults.faultAfterLines).
   */
  faultWhilePrinting(fault: PrinterFault): void {
    this.engine.dropLine();
    this.note('warning', fault, `${fault} while printing; the rest of the buffer is lost`, this.current?.offset);
    this.setFault(fault, true);
  }

  /** A fresh roll: paper out and near end cleared. */
  loadPaper(): void {
    this.paperLeft = undefined;
    this.condition.paperOut = false;
    this.condition.paperNearEnd = false;
    this.statusChanged();
  }

  setDrawerPin3(high: boolean): void {
    this.condition.drawerPin3High = high;
    this.statusChanged();
  }

  /** Print speed from now on: milliseconds per printed line (0 = as fast as data arrives). */
  setPrintSpeed(msPerLine: number): void {
    this.msPerLine = msPerLine;
  }

  /** Puts raw bytes on the line to the host (line noise, a stray reply). */
  sendRaw(bytes: Uint8Array): void {
    this.send(bytes, 'raw');
  }

  /** Power off and on: buffers, modes and ASB setting cleared; the paper record stays. */
  powerCycle(): void {
    this.dropBuffer();
    this.parser.powerOn();
    this.engine.reset();
    this.engine.dropLine();
    this.asbEnabled = 0;
  }

  // ---- internals ----

  private accept(parsed: ParsedCommand): void {
    const command = parsed.command;
    if (command.op === 'error') {
      this.note('error', command.code, command.message, parsed.offset);
      return;
    }
    if (isRealTime(command)) {
      this.realTime(command, parsed.offset);
      return;
    }
    if (this.offline) {
      this.bytesLost += parsed.length;
      if (!this.droppedWhileOffline) {
        this.droppedWhileOffline = true;
        this.note('error', 'data_while_offline', 'data received while offline is discarded', parsed.offset);
      }
      return;
    }
    this.queue.push(parsed);
  }

  private realTime(command: DeviceCommand, offset: number): void {
    if (command.op === 'status-request') {
      const decided = this.behaviours.first((b) => b.onStatusRequest?.(this, command.n));
      const answer = decided ? decided.answer : Uint8Array.of(realTimeStatusByte(command.n, this.condition));
      this.statusRequests.push({ n: command.n, answered: answer !== null, bufferedCommands: this.queue.length });
      if (answer !== null) this.send(answer, 'status');
    } else if (command.op === 'realtime-pulse') {
      if (this.offline) this.note('warning', 'ignored', 'DLE DC4 pulse while offline', offset);
      else this.recordPulse(command.pin, command.t * 100, command.t * 100, 'DLE DC4');
    }
  }

  /** Runs buffered commands; with a print speed, one line of paper per msPerLine. */
  private pump(): void {
    if (this.printing) return;
    this.printing = true;
    try {
      while (this.queue.length > 0 && !this.offline) {
        const next = this.queue.shift()!;
        this.current = next;
        const lines = this.engine.execute(next.command);
        this.current = undefined;
        if (lines > 0 && this.msPerLine > 0 && this.queue.length > 0) {
          this.printTimer = setTimeout(() => {
            this.printTimer = undefined;
            this.printing = false;
            this.pump();
          }, lines * this.msPerLine);
          return;
        }
      }
    } finally {
      if (this.printTimer === undefined) this.printing = false;
    }
  }

  private takePaper(lines: number): boolean {
    if (this.behaviours.first((b) => b.onPaperFeed?.(this, lines))) return false;
    if (this.paperLeft === undefined) return true;
    if (this.paperLeft >= lines) {
      this.paperLeft -= lines;
      return true;
    }
    this.paperLeft = undefined;
    this.faultWhilePrinting('paper_out');
    return false;
  }

  private statusChanged(): void {
    if (this.offline) {
      this.dropBuffer();
      this.engine.dropLine();
    } else {
      this.droppedWhileOffline = false;
    }
    const now = asbBytes(this.condition);
    if (this.asbEnabled !== 0 && asbChanged(this.lastStatus, now, this.asbEnabled)) this.pushAsb(now);
    this.lastStatus = now;
  }

  private dropBuffer(): void {
    for (const c of this.queue) this.bytesLost += c.length;
    this.queue.length = 0;
  }

  private setAsb(n: number): void {
    this.asbEnabled = n & 0x0f;
    const now = asbBytes(this.condition);
    this.lastStatus = now;
    if (this.asbEnabled !== 0) this.pushAsb(now);
  }

  private pushAsb(bytes: Uint8Array): void {
    this.asbSent.push(bytes);
    this.send(bytes, 'asb');
  }

  private recordPulse(pin: 2 | 5, onMs: number, offMs: number, source: 'ESC p' | 'DLE DC4'): void {
    this.drawerPulses.push({ pin, onMs, offMs, source, at: this.now() });
  }

  private send(bytes: Uint8Array, kind: PrinterOutputKind): void {
    const decided = this.behaviours.first((b) => {
      const answer = b.onToHost?.(this, bytes, kind);
      return answer === undefined ? undefined : { bytes: answer };
    });
    const out = decided ? decided.bytes : bytes;
    if (out !== null) this.sink?.(out);
  }

  private note(level: 'error' | 'warning', code: string, message: string, offset: number | undefined): void {
    this.log.push({ level, code, message, offset });
  }
}
