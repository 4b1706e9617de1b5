import { DEVICE_KINDS, type DeviceHealth, type DeviceKind } from '../drivers/device.js';
import { createDevice, type AnyDevice, type DeviceEnvironment, type DevicesConfig, type DeviceTypes } from '../drivers/registry.js';
import type { TerminalEventStream } from './events.js';
import type { Logger } from './logger.js';

/**
 * The devices the config names, made through the driver registry and watched in one place:
 * every health change goes to the event stream and the log, with the reason a technician can
 * act on. A device that is absent or broken never stops the terminal.
 */
export class DeviceSet {
  private constructor(
    readonly devices: Partial<DeviceTypes>,
    private readonly events: TerminalEventStream,
    private readonly log: Logger,
  ) {}

  static async create(config: DevicesConfig, env: DeviceEnvironment, events: TerminalEventStream, log: Logger): Promise<DeviceSet> {
    const devices: Partial<Record<DeviceKind, AnyDevice>> = {};
    for (const kind of DEVICE_KINDS) {
      const settings = config[kind];
      if (settings === undefined) continue;
      devices[kind] = await createDevice(kind, settings as never, env);
    }
    const set = new DeviceSet(devices as Partial<DeviceTypes>, events, log);
    for (const [kind, device] of set.entries()) device.on('health', (health) => set.report(kind, health));
    return set;
  }

  entries(): [DeviceKind, AnyDevice][] {
    return Object.entries(this.devices) as [DeviceKind, AnyDevice][];
  }

  start(): void {
    // Each device announces its own move to connecting, which report() logs.
    for (const [, device] of this.entries()) device.start();
  }

  async stop(): Promise<void> {
    for (const [, device] of this.entries().reverse()) await device.stop();
  }

  /** Every configured device's health, by kind. */
  health(): Partial<Record<DeviceKind, DeviceHealth>> {
    return Object.fromEntries(this.entries().map(([kind, device]) => [kind, device.health()]));
  }

  private report(kind: DeviceKind, health: DeviceHealth): void {
    const fields = { device: kind, uri: this.devices[kind]!.uri, status: health.state, reason: health.reason };
    if (health.state === 'ready' || health.state === 'stopped') this.log.info(fields, 'device status');
    else this.log.warn(fields, 'device status');
    this.events.emit('device.health', { kind, health });
  }
}
