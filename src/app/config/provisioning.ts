import type { Static } from '@sinclair/typebox';
import type { ProvisioningSection } from './sections/provisioning.js';

/** The `provisioning` section of posd.json (docs/provisioning.md): the acquirer root key pinned at install and where the acquirer is. */
export type ProvisioningConfig = Static<typeof ProvisioningSection>;
