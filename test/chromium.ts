/**
 * How the tests start Debian's Chromium (see TOOLCHAIN.md): its own binary, no sandbox (CI runs as
 * root in a container), and nothing that phones home on a machine with no network.
 */
export const CHROMIUM_PATH = '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
