import { Type } from '@sinclair/typebox';
import { EXPECTED, section } from '../schema-kit.js';

export const MerchantSection = section(
  {
    name: Type.String({ minLength: 1, maxLength: 64, description: 'The shop name printed at the top of every receipt.', [EXPECTED]: 'the shop name (1 to 64 characters)' }),
    city: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'The city printed under the shop name; left off the receipt when not set.', [EXPECTED]: 'a city name (1 to 64 characters)' })),
  },
  { description: 'Who sells: what the receipt header says.', default: { name: 'posd' } },
);
