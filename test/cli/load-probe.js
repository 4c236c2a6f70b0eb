// Preloaded into a CLI run by loadProbe (test/cli/util.ts): when the process exits, writes to $CHS_LOAD_PROBE
// what it read of projen and the templates. Bundled modules are not in require.cache, but what they read at run
// time is: projen's package.json (read as projen loads) and lib/templates.js (read to render).
process.on('exit', () => {
  const loaded = Object.keys(require.cache).filter((file) => /node_modules[\\/]projen[\\/]package\.json$|lib[\\/]templates\.js$/.test(file));
  require('fs').writeFileSync(process.env.CHS_LOAD_PROBE, JSON.stringify(loaded));
});
