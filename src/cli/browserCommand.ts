/**
 * The command that opens a URL in the user's browser, or null when there is no browser to open: macOS always has
 * `open`; Linux and the BSDs only inside a desktop session (DISPLAY or WAYLAND_DISPLAY), never over SSH or in CI.
 * Pure: the caller passes the environment and platform.
 */
export function browserCommand(url: string, options: { env: Record<string, string | undefined>; platform: string }): string[] | null {
  const { env, platform } = options;
  if (env.CI || env.CAIRN_NO_BROWSER) return null;
  if (platform === 'darwin') return ['open', url];
  if (platform === 'win32') return ['cmd', '/c', 'start', '""', url];
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return ['xdg-open', url];
  return null;
}
