// A serverless plugin for `sls offline`: esbuild's Go service process lives only while serverless-esbuild builds.
// esbuild's JS API keeps one long-lived `esbuild --service` child per Node process and reuses it for every build;
// under serverless-offline it idles between edits at 250-350 MB RSS, per service. After each build (the first
// one and every watch rebuild) this stops it through the same `esbuild` module serverless-esbuild calls; the
// next build starts a fresh one (~10 ms). Builds may overlap (an edit event per file): the service stops only
// once none is running, since stopping it fails the builds still in flight.
// It also marks each reload: once serverless-offline has dropped its loaded handlers after a rebuild (its
// `offline:functionsUpdated` cleanup, which runs before this plugin's hook as it is listed first), it writes
// `.esbuild/.build/.reloaded`; the dev platform reports "<service> reloaded" on that file (scripts/platform/reload-watch.ts),
// so the report never runs ahead of the code the next request gets.
// Packaging (`sls package`) is untouched: it builds once and exits.
// Each service lists it through its own plugins/esbuild-on-demand.cjs (local plugins must live in the service).
const { writeFileSync } = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');
const vm = require('node:vm');

/** Relative to the service directory; scripts/platform/reload-watch.ts reads the same name. */
const reloadMarker = path.join('.esbuild', '.build', '.reloaded');

/** The esbuild module instance serverless-esbuild itself resolves (require's cache makes it the same object). */
function esbuildOfServerlessEsbuild() {
  const pluginDir = path.dirname(require.resolve('serverless-esbuild/package.json'));
  return require(require.resolve('esbuild', { paths: [pluginDir] }));
}

/**
 * One full garbage collection once the servers are up: loading the framework and resolving the configuration
 * leave ~100 MB of garbage that V8 would otherwise hold until the heap grows again, in each service's process.
 */
function compactHeap() {
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc');
  if (typeof gc === 'function') gc();
}

class EsbuildOnDemand {
  constructor(serverless) {
    this.serverless = serverless;
    this.wrapped = false;
    // The main `init` hook runs after every plugin's `before:` hooks, so serverless-esbuild's first build is done.
    this.hooks = {
      'offline:start:init': async () => {
        await this.wrapBuilds();
        compactHeap();
      },
      'offline:functionsUpdated:cleanup': () => this.markReloaded(),
    };
  }

  markReloaded() {
    writeFileSync(path.join(this.serverless.serviceDir, reloadMarker), `${new Date().toISOString()}\n`);
  }

  wrapBuilds() {
    if (this.wrapped) return;
    const builder = this.serverless.pluginManager.plugins.find((plugin) => plugin.constructor.name === 'EsbuildServerlessPlugin');
    if (!builder || typeof builder.bundle !== 'function') return;
    this.wrapped = true;
    const esbuild = esbuildOfServerlessEsbuild();
    const bundle = builder.bundle;
    let inFlight = 0;
    // serverless-esbuild's watcher calls `this.bundle()` on each edit: wrap the instance's bound method.
    builder.bundle = async (...args) => {
      inFlight += 1;
      try {
        return await bundle(...args);
      } finally {
        inFlight -= 1;
        if (inFlight === 0) await esbuild.stop();
      }
    };
    return esbuild.stop();
  }
}

module.exports = EsbuildOnDemand;
module.exports.reloadMarker = reloadMarker;
