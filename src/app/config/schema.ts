import { Type, type Static } from '@sinclair/typebox';
import { EXPECTED, section } from './schema-kit.js';
import { AcquirerSection } from './sections/acquirer.js';
import { ApiSection } from './sections/api.js';
import { DevicesSection } from './sections/devices.js';
import { LogSection } from './sections/log.js';
import { MerchantSection } from './sections/merchant.js';
import { PaymentsSection } from './sections/payments.js';
import { ProvisioningSection } from './sections/provisioning.js';

/**
 * posd.json, the one configuration file: each section is a schema in sections/, composed here. The
 * schema validates the file, states every default, documents every setting (docs/config.md and
 * docs/config.schema.json are made from it) and gives the TypeScript type. A new section is a new
 * file in sections/ and one line below.
 */
export const PosdConfigSchema = section(
  {
    $schema: Type.Optional(Type.String({ description: 'The JSON Schema this file follows, for editors (docs/config.schema.json); posd ignores it.' })),
    dataDir: Type.String({
      minLength: 1,
      description:
        "The data directory: the journal (journal.db), the terminal's keys and by default the catalogue. A relative path is taken from the configuration file's folder. Under systemd: /var/lib/posd.",
      [EXPECTED]: 'a directory path',
    }),
    catalog: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          "The product catalogue (CSV or JSON, docs/catalogue.md); reloaded when it changes. By default catalog.csv, else catalog.json, in the data directory. A relative path is taken from the configuration file's folder.",
        [EXPECTED]: 'a file path',
      }),
    ),
    merchant: Type.Optional(MerchantSection),
    acquirer: Type.Optional(AcquirerSection),
    provisioning: Type.Optional(ProvisioningSection),
    payments: Type.Optional(PaymentsSection),
    devices: Type.Optional(DevicesSection),
    api: Type.Optional(ApiSection),
    log: Type.Optional(LogSection),
  },
  { title: 'posd configuration (posd.json)', description: 'The configuration of one posd terminal. docs/config.md explains every setting.' },
);

/** What posd.json may say: sections with defaults may be left out. */
export type PosdConfigFile = Static<typeof PosdConfigSchema>;

/** The schema as a JSON document. */
export function configJsonSchema(): Record<string, unknown> {
  return { $schema: 'http://json-schema.org/draft-07/schema#', ...(JSON.parse(JSON.stringify(PosdConfigSchema)) as Record<string, unknown>) };
}

/** docs/config.schema.json exactly as `npm run schema` writes it. */
export function configJsonSchemaText(): string {
  return `${JSON.stringify(configJsonSchema(), null, 2)}\n`;
}
