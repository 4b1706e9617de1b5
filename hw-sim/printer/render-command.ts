import { readFileSync, writeFileSync } from 'node:fs';
import { renderEscPos } from './render.js';

/** `hw-sim render FILE --text OUT --png OUT`: exit 0, or 2 when the input cannot be read. Warnings go to stderr. */
export function renderCommand(file: string, options: { text?: string; png?: string; width: string; chinese: boolean }): number {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file);
  } catch (err) {
    process.stderr.write(`hw-sim render: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  const dots = Number(options.width);
  if (dots !== 384 && dots !== 576) {
    process.stderr.write('hw-sim render: --width is 384 or 576\n');
    return 2;
  }
  const result = renderEscPos(new Uint8Array(bytes), { dotsPerLine: dots, chineseFirmware: options.chinese, png: options.png !== undefined });
  if (options.text) writeFileSync(options.text, result.text);
  else if (!options.png) process.stdout.write(result.text);
  if (options.png && result.png) writeFileSync(options.png, result.png);
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  return 0;
}
