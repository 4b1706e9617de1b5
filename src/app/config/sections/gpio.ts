import { Type, type TSchema } from '@sinclair/typebox';
import { INPUT_LINES, OUTPUT_LINES } from '../../../drivers/gpio/pin-map.js';
import { defaultGpioTiming, type GpioTiming } from '../../../drivers/gpio/timing.js';
import { EXPECTED, section } from '../schema-kit.js';

const PIN_EXPECTED = 'a pin: a name such as "GPIO17" or a number 0..1023';
/** The two ways to name a pin; kept flat in each union so that a config error names the right one. */
const pinForms = (): TSchema[] => [
  Type.Integer({ minimum: 0, maximum: 1023, description: 'A pin number (raspi-io reads a bare number as a WiringPi number: prefer names).', [EXPECTED]: PIN_EXPECTED }),
  Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', description: 'A pin name the IO plugin knows: "GPIO17" (BCM) or "P1-11" (header pin).', [EXPECTED]: PIN_EXPECTED }),
];

const active = (): TSchema =>
  Type.Optional(
    Type.Union([Type.Literal('high'), Type.Literal('low')], {
      description: 'The level that means on, sounding, energized, pressed or drawer open; "high" when not given.',
      [EXPECTED]: '"high" or "low"',
    }),
  );

const pin = (): TSchema => Type.Union(pinForms(), { description: 'The pin.', [EXPECTED]: PIN_EXPECTED });

const LINE_DESCRIPTIONS: Record<(typeof OUTPUT_LINES)[number] | (typeof INPUT_LINES)[number], string> = {
  readyLight: 'The green "ready" light (output).',
  offlineLight: 'The "offline" light: lit while the acquirer cannot be reached (output).',
  faultLight: 'The "fault" light (output).',
  buzzer: 'An active buzzer: sounds while its line is active (output).',
  drawerRelay: "The transistor or opto that energizes the cash drawer's solenoid, never the solenoid itself (output).",
  cancelButton: 'The cancel key; active = pressed (input).',
  drawerSwitch: 'The drawer-open switch; active = drawer open (input).',
};

function outputLine(name: (typeof OUTPUT_LINES)[number]): TSchema {
  return Type.Optional(
    Type.Union([...pinForms(), section({ pin: pin(), active: active() }, { description: 'A pin with its active level.' })], {
      description: `${LINE_DESCRIPTIONS[name]} A pin, or { "pin", "active" }.`,
      [EXPECTED]: `${PIN_EXPECTED}, or { "pin": ..., "active": "high" | "low" }`,
    }),
  );
}

function inputLine(name: (typeof INPUT_LINES)[number]): TSchema {
  const pull = Type.Optional(
    Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('none')], {
      description: 'The internal pull resistor; by default the one that holds the input inactive when its contact is open (up for active low, down for active high). "none" when the board has its own.',
      [EXPECTED]: '"up", "down" or "none"',
    }),
  );
  return Type.Optional(
    Type.Union([...pinForms(), section({ pin: pin(), active: active(), pull }, { description: 'A pin with its active level and pull resistor.' })], {
      description: `${LINE_DESCRIPTIONS[name]} A pin, or { "pin", "active", "pull" }.`,
      [EXPECTED]: `${PIN_EXPECTED}, or { "pin": ..., "active": "high" | "low", "pull": "up" | "down" | "none" }`,
    }),
  );
}

const pins = section(
  {
    ...Object.fromEntries(OUTPUT_LINES.map((name) => [name, outputLine(name)])),
    ...Object.fromEntries(INPUT_LINES.map((name) => [name, inputLine(name)])),
  },
  {
    description: 'Which pin is which (docs/devices/gpio.md). Every line is optional; a terminal wires what it has. Two lines on one pin are refused when the device starts.',
    [EXPECTED]: 'an object naming the pin of each line wired, such as { "drawerRelay": "GPIO17" }',
  },
);

/** The ranges the GPIO driver accepts (src/drivers/gpio/timing.ts; test/app/config-schema.test.ts holds the two together). */
const TIMING: Record<keyof GpioTiming, { range: [number, number]; description: string }> = {
  drawerPulseMs: { range: [10, 1000], description: 'How long the drawer relay is held on a kick. Solenoids want 50-200 ms; longer only heats them.' },
  drawerRecoveryMs: { range: [0, 10_000], description: 'Minimum off-time after a kick; kicks asked for meanwhile are coalesced.' },
  cancelDebounceMs: { range: [1, 1000], description: 'The cancel key must hold a level this long (no edge) before it counts.' },
  drawerDebounceMs: { range: [1, 1000], description: 'Likewise for the drawer switch.' },
  drawerLeftOpenMs: { range: [0, 86_400_000], description: 'Report "drawer left open" once the drawer has been open this long; 0 = never.' },
  blinkOnMs: { range: [20, 10_000], description: 'A blinking light is on this long.' },
  blinkOffMs: { range: [20, 10_000], description: 'A blinking light is off this long.' },
  buzzerGapMs: { range: [0, 2000], description: 'Silence between two buzzer patterns played back to back.' },
  readyTimeoutMs: { range: [100, 120_000], description: 'How long start() waits for the IO plugin to become ready.' },
};

const timing = section(
  Object.fromEntries(
    Object.entries(TIMING).map(([key, { range: [minimum, maximum], description }]) => [
      key,
      Type.Optional(Type.Integer({ minimum, maximum, default: defaultGpioTiming[key as keyof GpioTiming], description, [EXPECTED]: `whole milliseconds ${minimum}..${maximum}` })),
    ]),
  ),
  { description: 'Times of the GPIO device, in whole milliseconds.', default: {} },
);

export const GpioSection = section(
  {
    uri: Type.String({
      pattern: '^(gpio|sim):.+',
      description: 'The IO plugin: "gpio:raspi" (raspi-io) or "gpio:pi-io" (pi-io), installed separately; "sim:NAME" for a twin.',
      [EXPECTED]: 'a GPIO URI (gpio:raspi, gpio:pi-io or sim:NAME)',
    }),
    pins,
    timing: Type.Optional(timing),
  },
  { description: 'Status lights, buzzer, cash-drawer relay, cancel key and drawer switch through johnny-five (docs/devices/gpio.md).' },
);

/** For the consistency test: each timing key's range as the schema states it. */
export const GPIO_TIMING_RANGES: Readonly<Record<keyof GpioTiming, readonly [number, number]>> = Object.fromEntries(
  Object.entries(TIMING).map(([key, { range }]) => [key, range]),
) as Record<keyof GpioTiming, [number, number]>;
