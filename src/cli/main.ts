import { readFileSync } from 'node:fs';

// `cairn --version` answers before anything else is loaded: it must cost little more than starting node.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`cairn ${pkg.version}\n`);
} else {
  const { runCli } = await import('./runCli.js');
  process.exitCode = await runCli(argv);
}
