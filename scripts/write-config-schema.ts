/**
 * `npm run schema`: writes docs/config.schema.json from the schema in src/app/config, the one
 * source of truth. test/app/config-schema.test.ts fails while the committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchemaText } from '../src/app/index.js';

const file = join(process.cwd(), 'docs', 'config.schema.json');
writeFileSync(file, configJsonSchemaText());
process.stdout.write(`wrote ${file}\n`);
