import { EventEmitter } from 'node:events';
import { HealthTracker, waitUntilUsable, type Device, type DeviceHealth, type HealthEvents } from '../device.js';
import type { CardChannel } from '../iso7816/card-channel.js';
import { Pn532Error } from '../pn532/errors.js';
import { Pn532, type Pn532Detail, type Pn532Options } from '../pn532/pn532.js';
import { openLink, type LinkEnvironment } from '../transport/open-link.js';
import { cardFromTarget, isType2Tag, type NfcCard } from './card.js';
import { NfcError } from './errors.js';
import { TapChannel, type TapExchanger } from './tap-channel.js';

/** The reader's part of its health record: the chip's, plus the polls that failed in a row. */
export type NfcReaderDetail = Pn532Detail & {
  readonly failedPolls: number;
};

export type RemovalReason =
  /** The presence check found the card gone. */
  | 'left_field'
  /** An exchange found the card gone. */
  | 'lost_during_exchange'
  /** The reader went away (unplugged, unresponsive) while the card was there. */
  | 'reader_down'
  | 'stopped';

export interface NfcReaderOptions {
  /** Response wait for InListPassiveTarget; must exceed the chip's own MaxRetries wait. */
  listTimeoutMs: number;
  /** Pause after a poll that found nothing (the chip's MaxRetries wait already paces the loop). */
  pollGapMs: number;
  /** How long the card must be idle (no exchange) before its presence is checked again. */
  presenceIntervalMs: number;
  /** Consecutive failed polls before the health becomes degraded. */
  errorThreshold: number;
  /** Pause after a failed poll. */
  errorBackoffMs: number;
  pn532: Partial<Pn532Options>;
}

export const defaultNfcReaderOptions: NfcReaderOptions = {
  listTimeoutMs: 2000,
  pollGapMs: 0,
  presenceIntervalMs: 150,
  errorThreshold: 3,
  errorBackoffMs: 100,
  pn532: {},
};

export interface NfcReaderEvents extends HealthEvents<NfcReaderDetail> {
  card: [card: NfcCard];
  removed: [card: NfcCard, reason: RemovalReason];
}

/**
 * A PN532 reader as the terminal sees it: `card` when a target enters the field, `removed` when
 * it leaves, and a CardChannel for ISO-DEP cards. The poll loop issues InListPassiveTarget,
 * which the chip bounds by RFConfiguration MaxRetries, so the loop stays responsive; while a
 * card is present it checks presence whenever the card has been idle for presenceIntervalMs.
 */
export class NfcReader extends EventEmitter<NfcReaderEvents> implements TapExchanger, Device<NfcReaderDetail> {
  readonly kind = 'nfc' as const;
  readonly options: NfcReaderOptions;
  private readonly tracker: HealthTracker<NfcReaderDetail>;
  private present: NfcCard | undefined;
  private tapCounter = 0;
  private running = false;
  private loopDone: Promise<void> = Promise.resolve();
  private wake: (() => void) | undefined;
  private lastExchangeAt = 0;
  /** Polls that failed in a row, and the last one's error. */
  private failures = 0;
  private lastPollError: Error | undefined;
  private chipWasDown = true;

  private readonly onChipHealth = (chip: DeviceHealth<Pn532Detail>): void => {
    // A chip that comes back starts with a clean slate of polls.
    if (chip.state === 'ready' && this.chipWasDown) this.failures = 0;
    this.chipWasDown = chip.state !== 'ready';
    if (chip.state !== 'ready' && this.present) this.cardGone(this.present, 'reader_down');
    this.updateHealth();
    this.wakeLoop();
  };

  constructor(
    readonly pn532: Pn532,
    options: Partial<NfcReaderOptions> = {},
  ) {
    super();
    this.options = { ...defaultNfcReaderOptions, ...options };
    this.tracker = new HealthTracker((health) => this.emit('health', health), this.detail());
  }

  get uri(): string {
    return this.pn532.uri;
  }

  /**
   * The chip's health (connecting with the link's or the chip's reason, failed for the wrong chip),
   * degraded while polls keep failing, stopped when the reader is.
   */
  health(): DeviceHealth<NfcReaderDetail> {
    return this.tracker.get();
  }

  /** Resolves when the reader polls; rejects with DeviceError('not_ready') and the reason after timeoutMs. */
  waitReady(timeoutMs: number): Promise<void> {
    return waitUntilUsable(this, timeoutMs);
  }

  /** A reader on a device URI: `serial:/dev/serial/by-id/...?baud=115200`, `sim:nfc`. */
  static async open(uri: string, env: LinkEnvironment = {}, options: Partial<NfcReaderOptions> = {}): Promise<NfcReader> {
    const link = await openLink(uri, env, 115200);
    return new NfcReader(new Pn532(link, options.pn532 ?? {}), options);
  }

  /** The card in the field now, if any. */
  get card(): NfcCard | undefined {
    return this.present;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.failures = 0;
    this.chipWasDown = true;
    this.pn532.on('health', this.onChipHealth);
    this.pn532.start();
    this.updateHealth();
    this.loopDone = this.loop();
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakeLoop();
    if (this.present) this.cardGone(this.present, 'stopped');
    await this.pn532.stop();
    await this.loopDone;
    this.pn532.off('health', this.onChipHealth);
    this.updateHealth();
  }

  /** The APDU channel of the ISO-DEP card in the field now. */
  channel(): CardChannel {
    const card = this.present;
    if (!card) throw new NfcError('no_card', 'no card in the field');
    if (!card.isoDep) throw new NfcError('not_iso_dep', `card ${card.uidHex} (SAK 0x${card.sak.toString(16)}) does not take APDUs`);
    return new TapChannel(this, card);
  }

  /** Raw InDataExchange with the card of this tap (APDUs for ISO-DEP cards, tag commands otherwise). */
  async exchange(card: NfcCard, data: Uint8Array): Promise<Uint8Array> {
    if (!this.running) throw new NfcError('stopped', 'the reader is stopped');
    if (this.present?.tapId !== card.tapId) throw new NfcError('no_card', `tap ${card.tapId} is over: the card left the field`);
    this.lastExchangeAt = performance.now();
    try {
      return await this.pn532.inDataExchange(card.tg, data);
    } catch (err) {
      throw this.exchangeError(card, err);
    } finally {
      this.lastExchangeAt = performance.now();
    }
  }

  private exchangeError(card: NfcCard, err: unknown): NfcError {
    if (!(err instanceof Pn532Error)) return new NfcError('exchange_failed', `exchange failed: ${String(err)}`, { cause: err });
    switch (err.code) {
      case 'target_lost':
        if (this.present?.tapId === card.tapId) this.cardGone(card, 'lost_during_exchange');
        return new NfcError('card_lost', `the card left the field during the exchange (${err.message})`, { cause: err });
      case 'link_down':
      case 'not_ready':
      case 'ack_timeout':
        return new NfcError('reader_unavailable', `the reader is unavailable: ${err.message}`, { cause: err });
      case 'aborted':
        return new NfcError('stopped', 'the reader was stopped during the exchange', { cause: err });
      default:
        return new NfcError('exchange_failed', `exchange failed: ${err.message}`, { cause: err });
    }
  }

  // ---- poll loop ------------------------------------------------------------------------

  private async loop(): Promise<void> {
    while (this.running) {
      if (this.pn532.health().state !== 'ready') {
        await this.pause();
        continue;
      }
      try {
        if (this.present) await this.watchPresence(this.present);
        else await this.poll();
        if (this.failures > 0) {
          this.failures = 0;
          this.updateHealth();
        }
      } catch (err) {
        if (!this.running) return;
        if (err instanceof Pn532Error && (err.code === 'link_down' || err.code === 'not_ready' || err.code === 'aborted')) continue;
        this.failures++;
        this.lastPollError = err instanceof Error ? err : new Error(String(err));
        this.updateHealth();
        await this.pause(this.options.errorBackoffMs);
      }
    }
  }

  private async poll(): Promise<void> {
    const targets = await this.pn532.inListPassiveTarget({ timeoutMs: this.options.listTimeoutMs });
    if (!this.running) return;
    const target = targets[0];
    if (!target) {
      if (this.options.pollGapMs > 0) await this.pause(this.options.pollGapMs);
      return;
    }
    const card = cardFromTarget(target, ++this.tapCounter);
    this.present = card;
    this.lastExchangeAt = performance.now();
    this.emit('card', card);
  }

  private async watchPresence(card: NfcCard): Promise<void> {
    const idleFor = performance.now() - this.lastExchangeAt;
    if (idleFor < this.options.presenceIntervalMs) {
      await this.pause(this.options.presenceIntervalMs - idleFor);
      return;
    }
    const stillThere = await this.isPresent(card);
    if (!stillThere && this.present?.tapId === card.tapId) this.cardGone(card, 'left_field');
    else this.lastExchangeAt = performance.now();
  }

  private async isPresent(card: NfcCard): Promise<boolean> {
    if (card.isoDep) return this.pn532.checkCardPresence();
    try {
      if (isType2Tag(card)) {
        await this.pn532.inDataExchange(card.tg, Uint8Array.of(0x30, 0x00), { timeoutMs: this.pn532.options.responseTimeoutMs });
        return true;
      }
      // Anything else: release it and look for the same UID again.
      await this.pn532.inRelease(0);
      const again = await this.pn532.inListPassiveTarget({ uid: card.uid, timeoutMs: this.options.listTimeoutMs });
      return again.some((t) => Buffer.compare(t.nfcId, card.uid) === 0);
    } catch (err) {
      if (err instanceof Pn532Error && err.code === 'target_lost') return false;
      throw err;
    }
  }

  private cardGone(card: NfcCard, reason: RemovalReason): void {
    if (this.present?.tapId !== card.tapId) return;
    this.present = undefined;
    this.emit('removed', card, reason);
    if (reason !== 'reader_down' && reason !== 'stopped') {
      // Forget the target in the chip too; a failure here changes nothing for the next poll.
      this.pn532.inRelease(0).catch(() => undefined);
    }
    this.wakeLoop();
  }

  /** Sleeps until `ms` passes, or something wakes the loop (status change, removal, stop). */
  private pause(ms?: number): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        if (this.wake === done) this.wake = undefined;
        resolve();
      };
      const timer = ms === undefined ? undefined : setTimeout(done, ms);
      this.wake?.();
      this.wake = done;
    });
  }

  private wakeLoop(): void {
    this.wake?.();
  }

  private updateHealth(): void {
    const chip = this.pn532.health();
    const detail = this.detail();
    if (!this.running) this.tracker.set('stopped', null, detail);
    else if (chip.state === 'ready' && this.failures >= this.options.errorThreshold) {
      const why = this.lastPollError?.message ?? 'unknown error';
      this.tracker.set('degraded', `${this.failures} polls in a row failed (last: ${why}): the reader or its antenna may be failing or disturbed`, detail);
    } else this.tracker.set(chip.state, chip.reason, detail);
  }

  private detail(): NfcReaderDetail {
    // Only the count that matters to health: below the threshold the reader counts as working.
    const failedPolls = this.failures >= this.options.errorThreshold ? this.failures : 0;
    return { ...this.pn532.health().detail, failedPolls };
  }
}
