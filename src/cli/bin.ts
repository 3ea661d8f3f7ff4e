#!/usr/bin/env node
// `flowtrail hook ...` runs on every push and commit: it loads only the hooks'
// modules, not the service's.
const argv = process.argv.slice(2);
if (argv[0] === 'hook') {
  const { main } = await import('../hooks/run-hook.js');
  main(argv.slice(1));
} else {
  const { runCli } = await import('./main.js');
  runCli(argv, process.env).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err);
      process.exitCode = 1;
    },
  );
}
