import { describe, expect, it } from 'vitest';
import { parsePinMap, pinsInUse } from '../../../src/drivers/gpio/pin-map.js';
import { defaultGpioTiming, parseGpioTiming } from '../../../src/drivers/gpio/timing.js';

describe('pin map', () => {
  it('reads the short form (active high) and the long form, with the pull following the polarity', () => {
    const map = parsePinMap({
      readyLight: 'GPIO5',
      faultLight: { pin: 13, active: 'low' },
      drawerRelay: { pin: 'GPIO17' },
      cancelButton: { pin: 'GPIO27', active: 'low' },
      drawerSwitch: { pin: 'GPIO22', active: 'high' },
    });
    expect(map).toEqual({
      readyLight: { pin: 'GPIO5', active: 'high' },
      faultLight: { pin: 13, active: 'low' },
      drawerRelay: { pin: 'GPIO17', active: 'high' },
      cancelButton: { pin: 'GPIO27', active: 'low', pull: 'up' },
      drawerSwitch: { pin: 'GPIO22', active: 'high', pull: 'down' },
    });
    expect(parsePinMap({ cancelButton: 27 }).cancelButton).toEqual({ pin: 27, active: 'high', pull: 'down' });
    expect(parsePinMap({ drawerSwitch: { pin: 22, active: 'low', pull: 'none' } }).drawerSwitch?.pull).toBe('none');
    expect(pinsInUse(map)).toEqual(['GPIO5', 13, 'GPIO17', 'GPIO27', 'GPIO22']);
  });

  it.each([
    ['not an object', 'GPIO5'],
    ['an unknown line', { drawer: 'GPIO17' }],
    ['an unknown key', { buzzer: { pin: 26, volume: 11 } }],
    ['an output with a pull', { buzzer: { pin: 26, pull: 'up' } }],
    ['a bad polarity', { buzzer: { pin: 26, active: 'LOW' } }],
    ['a bad pull', { cancelButton: { pin: 27, pull: 'sideways' } }],
    ['a negative pin', { buzzer: -1 }],
    ['a fractional pin', { buzzer: 2.5 }],
    ['an empty pin name', { buzzer: '' }],
    ['a pin name with spaces', { buzzer: 'GPIO 26' }],
    ['a missing pin', { buzzer: { active: 'high' } }],
    ['the same pin twice', { buzzer: 'GPIO26', readyLight: 'gpio26' }],
  ])('rejects %s with bad_config', (_why, raw) => {
    expect(() => parsePinMap(raw)).toThrow(expect.objectContaining({ code: 'bad_config' }));
  });
});

describe('timing', () => {
  it('fills in defaults and takes overrides', () => {
    expect(parseGpioTiming()).toEqual(defaultGpioTiming);
    expect(parseGpioTiming({ drawerPulseMs: 150, cancelDebounceMs: 20 })).toMatchObject({ drawerPulseMs: 150, cancelDebounceMs: 20, drawerDebounceMs: 50 });
  });

  it.each([
    [{ drawerPulseMs: 5 }],
    [{ drawerPulseMs: 1001 }],
    [{ drawerPulseMs: '100' }],
    [{ blinkOnMs: 10.5 }],
    [{ pulse: 100 }],
    [[]],
  ])('rejects %j', (raw) => {
    expect(() => parseGpioTiming(raw)).toThrow(expect.objectContaining({ code: 'bad_config' }));
  });
});
