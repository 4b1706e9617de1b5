import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The node flags deploy/posd.service starts posd with (its NODE_OPTIONS): the bench measures posd as it runs. */
export const POSD_NODE_FLAGS = unitNodeFlags();

function unitNodeFlags(): string[] {
  const unit = readFileSync(fileURLToPath(new URL('../../deploy/posd.service', import.meta.url)), 'utf8');
  const options = /^Environment="?NODE_OPTIONS=([^"\n]*)"?$/m.exec(unit);
  return options ? options[1]!.trim().split(/\s+/) : [];
}

/** Whether this process runs with every one of the unit's flags. */
export function runsWithUnitFlags(): boolean {
  return POSD_NODE_FLAGS.every((flag) => process.execArgv.includes(flag));
}
