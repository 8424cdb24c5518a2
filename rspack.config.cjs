// Nest CLI's rspack defaults, plus one rule: a relative import written `./x.js` (the form ESM
// needs, used across the repository so that libs/auth can be copied into an ESM app as is)
// resolves to the TypeScript source `./x.ts`.
module.exports = (config) => ({
  ...config,
  resolve: { ...config.resolve, extensionAlias: { '.js': ['.ts', '.js'] } },
});
