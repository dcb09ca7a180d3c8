import { readFileSync } from 'node:fs';

// `cairn --version` answers before anything else is loaded: it must cost little more than starting node.
const argv = process.argv.slice(2);
if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V')) {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  process.stdout.write(`cairn ${pkg.version}\n`);
} else {
  // The AWS SDK warns on every S3 command that its releases of 2027 will need Node 22; cairn runs on Node 20 with the
  // SDK it ships, so that notice is for cairn's maintainers (docs/decisions.md), not for its users' terminals.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const { runCli } = await import('./runCli.js');
  process.exitCode = await runCli(argv);
}
