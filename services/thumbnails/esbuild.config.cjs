// serverless-esbuild options for this service: the shared block from serverless.common.yml plus sharp,
// which cannot be bundled (a native addon). Only the processor imports it, so only its zip gets it.
// Deployed stages install sharp for Lambda (Linux, glibc, the provider's architecture) through the
// packager; the `local` stage leaves it out of the build, so offline resolves the repo's own copy.

const process = require('node:process');

/** @param {import('serverless')} serverless */
module.exports = (serverless) => {
  const common = serverless.service.custom.esbuildCommon;
  const local = serverless.getProvider('aws').getStage() === 'local';
  if (!local) {
    // The packager runs `npm install`, then `npm prune`, then `npm ls`: all of them must target Lambda's
    // platform, or prune swaps sharp's arm64 binaries back for this machine's. Environment variables
    // reach every one of them (this process only packages this service).
    process.env.npm_config_os = 'linux';
    process.env.npm_config_libc = 'glibc';
    process.env.npm_config_cpu = serverless.service.provider.architecture === 'x86_64' ? 'x64' : 'arm64';
  }
  return {
    ...common,
    external: ['sharp'],
    exclude: local ? ['sharp'] : [],
    // The generated package.json lists only the externals, so `npm ci` would refuse the copied root
    // lockfile; `npm install` still takes sharp's exact version from it.
    packagerOptions: { ...common.packagerOptions, ignoreLockfile: true },
    installExtraArgs: ['--no-audit', '--no-fund'],
  };
};
