/**
 * Opening the authorization URL in the user's browser with the platform's own command. Never fails: without
 * a browser (a server, a container, SSH) the URL printed beside it is the way.
 *
 * @module
 */
import { spawn } from 'node:child_process';

/** The command that opens `url` on `platform`. */
export function openCommand(url: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [url]];
  // rundll32 takes the URL as one argument; `cmd /c start` would re-parse its `&`s.
  if (platform === 'win32') return ['rundll32', ['url.dll,FileProtocolHandler', url]];
  return ['xdg-open', [url]];
}

/** Tries to open `url`; resolves whether the opener could be started. */
export function openBrowser(url: string): Promise<boolean> {
  const [command, args] = openCommand(url);
  return new Promise((resolve) => {
    try {
      const child = spawn(command, args, { stdio: 'ignore', detached: true, windowsHide: true });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}
