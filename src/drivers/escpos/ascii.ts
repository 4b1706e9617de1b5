/** Control bytes that start ESC/POS commands. */
export const NUL = 0x00;
export const LF = 0x0a;
export const DLE = 0x10;
export const EOT = 0x04;
export const ESC = 0x1b;
export const FS = 0x1c;
export const GS = 0x1d;
