import type { BindingInterface } from '@serialport/bindings-cpp';
import type { ByteLink } from './link.js';
import { LinkError } from './link.js';
import { HidLink, nodeHidBackend, type HidBackend } from './hid-link.js';
import type { SimBus } from './sim-bus.js';
import type { SimHidBus } from './sim-hid-bus.js';
import { parseDeviceUri } from './uri.js';
import type { ReopenPolicy } from './reconnect.js';

export interface LinkEnvironment {
  /** Where `sim:` serial devices live (hw-sim twins in this process). */
  simBus?: SimBus;
  /** Where `sim:` HID devices live. */
  simHidBus?: SimHidBus;
  /** Override the native serial binding (tests); default is serialport's auto-detected one. */
  serialBinding?: BindingInterface;
  hidBackend?: HidBackend;
  reopen?: ReopenPolicy;
}

let nativeBinding: BindingInterface | undefined;

/** serialport's stream (and what it loads) only when a serial device is configured: a terminal without one does not pay for it at start. */
async function serialLinkClass(): Promise<typeof import('./serial-link.js').SerialLink> {
  return (await import('./serial-link.js')).SerialLink;
}

async function loadNativeBinding(): Promise<BindingInterface> {
  if (!nativeBinding) {
    const { autoDetect } = await import('@serialport/bindings-cpp');
    nativeBinding = autoDetect() as unknown as BindingInterface;
  }
  return nativeBinding;
}

/** Make the link a device URI names. The link is not started. */
export async function openLink(uri: string, env: LinkEnvironment = {}, defaultBaudRate = 9600): Promise<ByteLink> {
  const parsed = parseDeviceUri(uri, defaultBaudRate);
  const reopen = env.reopen;
  switch (parsed.scheme) {
    case 'serial': {
      const SerialLink = await serialLinkClass();
      return new SerialLink({
        uri,
        path: parsed.path,
        baudRate: parsed.baudRate,
        binding: env.serialBinding ?? (await loadNativeBinding()),
        ...(reopen ? { reopen } : {}),
      });
    }
    case 'hid':
      return new HidLink({ uri, target: parsed.target, backend: env.hidBackend ?? nodeHidBackend, ...(reopen ? { reopen } : {}) });
    case 'sim': {
      if (parsed.options.transport === 'hid') {
        if (!env.simHidBus) throw new LinkError('bad_uri', `${uri}: no simulated HID bus in this process`);
        return new HidLink({ uri, target: { path: `sim:${parsed.name}` }, backend: env.simHidBus.backend, simulated: true, ...(reopen ? { reopen } : {}) });
      }
      if (!env.simBus) throw new LinkError('bad_uri', `${uri}: no simulated serial bus in this process`);
      const SerialLink = await serialLinkClass();
      return new SerialLink({ uri, path: parsed.name, baudRate: parsed.baudRate, binding: env.simBus.binding, simulated: true, ...(reopen ? { reopen } : {}) });
    }
  }
}
