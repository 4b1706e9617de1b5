import { Type, type Static } from '@sinclair/typebox';
import { EXPECTED, section } from '../schema-kit.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const LogSection = section(
  {
    level: Type.Optional(
      Type.Union(
        LOG_LEVELS.map((level) => Type.Literal(level)),
        {
          default: 'info',
          description: 'The least severe log line written (JSON lines on stdout, which journald keeps). posd --log-level overrides it.',
          [EXPECTED]: `one of ${LOG_LEVELS.join(', ')}`,
        },
      ),
    ),
  },
  { description: 'Logging.', default: {} },
);

/** The log section once its defaults are filled in. */
export type LogSettings = Required<Static<typeof LogSection>>;
