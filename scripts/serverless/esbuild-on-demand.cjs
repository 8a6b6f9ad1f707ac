// A serverless plugin for `sls offline`: how serverless-esbuild builds a service's functions while it runs locally.
// - One esbuild build for all of a service's functions, instead of serverless-esbuild's one build per function.
//   Each function still gets its own bundle, the same one `sls package` zips (esbuild links every entry point
//   separately when it does not split code), but every source file, the AWS SDK's included, is parsed once per
//   service rather than once per function: for iot's 17 functions ~4 s of esbuild instead of ~16 s on 2 cores.
// - esbuild's Go service process lives only while building. esbuild's JS API keeps one long-lived
//   `esbuild --service` child per Node process and reuses it for every build; under serverless-offline it idles
//   between edits at 250-350 MB RSS, per service. After each build (the first and every watch rebuild) this stops
//   it through the same `esbuild` module serverless-esbuild calls; the next build starts a fresh one (~10 ms).
//   Builds may overlap (an edit event per file): the service stops only once none is running.
// - It marks each reload: once serverless-offline has dropped its loaded handlers after a rebuild (its
//   `offline:functionsUpdated` cleanup, which runs before this plugin's hook as it is listed first), it writes
//   `.esbuild/.build/.reloaded`; the dev platform reports "<service> reloaded" on that file
//   (scripts/platform/reload-watch.ts), so the report never runs ahead of the code the next request gets.
// - Under the dev platform, services take turns: at most PHOTONOTES_BUILD_SLOTS builds (default 2) run at once
//   across all services, through slot files in PHOTONOTES_BUILD_SLOTS_DIR. One build already keeps every core
//   busy, so turns cost little time, and each esbuild process holds ~150 MB while it builds.
// Packaging (`sls package`, `sls deploy`) is untouched: serverless-esbuild builds each function and exits.
// Each service lists it through its own plugins/esbuild-on-demand.cjs (local plugins must live in the service).
const { mkdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const process = require('node:process');
const { setTimeout } = require('node:timers');

/** Relative to the service directory; scripts/platform/reload-watch.ts reads the same name. */
const reloadMarker = path.join('.esbuild', '.build', '.reloaded');

/** The esbuild module instance serverless-esbuild itself resolves (require's cache makes it the same object). */
function esbuildOfServerlessEsbuild() {
  const pluginDir = path.dirname(require.resolve('serverless-esbuild/package.json'));
  return require(require.resolve('esbuild', { paths: [pluginDir] }));
}

/** serverless-esbuild's own options, which it removes before handing the rest to esbuild (its bundle.js). */
const pluginOnlyOptions = new Set([
  'concurrency', 'zipConcurrency', 'exclude', 'nativeZip', 'packager', 'packagePath', 'watch', 'keepOutputDirectory',
  'packagerOptions', 'installExtraArgs', 'outputFileExtension', 'outputBuildFolder', 'outputWorkFolder', 'nodeExternals',
  'skipBuild', 'skipRebuild', 'skipBuildExcludeFns', 'stripEntryResolveExtensions', 'disposeContext',
]);

const strings = (value) => (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((item) => typeof item === 'string');

/**
 * serverless-esbuild's `bundle()` with one esbuild call for every entry: the same options, the same output paths
 * (`<build dir>/<entry without extension><outputFileExtension>`) and the same `buildResults` for packaging
 * and offline to read.
 */
async function bundleAllAtOnce(builder, esbuild) {
  builder.prepare();
  const options = builder.buildOptions;
  const esbuildOptions = Object.fromEntries(Object.entries(options).filter(([name]) => !pluginOnlyOptions.has(name)));
  const exclude = strings(options.exclude);
  const extension = options.outputFileExtension ?? '.js';
  const entries = [...new Set(builder.functionEntries.map(({ entry }) => entry))];
  await esbuild.build({
    ...esbuildOptions,
    external: [...strings(options.external), ...(exclude.includes('*') ? [] : exclude)],
    plugins: builder.plugins,
    entryPoints: entries,
    absWorkingDir: builder.serviceDirPath,
    outbase: builder.serviceDirPath,
    outdir: builder.buildDirPath,
    ...(extension === '.js' ? {} : { outExtension: { '.js': extension } }),
  });
  const bundlePath = (entry) => entry.slice(0, entry.lastIndexOf('.')) + extension;
  builder.buildCache = Object.fromEntries(entries.map((entry) => [entry, { bundlePath: bundlePath(entry), entry }]));
  builder.buildResults = builder.functionEntries
    .filter(({ func }) => func !== null)
    .map(({ entry, func, functionAlias }) => ({ bundlePath: bundlePath(entry), func, functionAlias }));
}

/** Whether the process that took a slot is gone (a run that was killed); an unreadable slot file counts as gone. */
function ownerGone(file) {
  try {
    const pid = Number(readFileSync(file, 'utf8'));
    if (!Number.isInteger(pid) || pid <= 0) return false; // just created, its pid not written yet
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return error.code === 'ESRCH' || error.code === 'ENOENT';
  }
}

/** Runs `build` holding one of the platform's build slots (no limit outside the platform). */
async function inBuildSlot(build) {
  const dir = process.env.PHOTONOTES_BUILD_SLOTS_DIR;
  if (!dir) return build();
  const slots = Math.max(1, Number(process.env.PHOTONOTES_BUILD_SLOTS ?? 2) || 2);
  mkdirSync(dir, { recursive: true });
  let held = null;
  while (held === null) {
    for (let slot = 0; slot < slots && held === null; slot += 1) {
      const file = path.join(dir, `slot-${slot}`);
      try {
        writeFileSync(file, String(process.pid), { flag: 'wx' });
        held = file;
      } catch (error) {
        if (error.code !== 'EEXIST') throw error;
        if (ownerGone(file)) rmSync(file, { force: true });
      }
    }
    if (held === null) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  try {
    return await build();
  } finally {
    rmSync(held, { force: true });
  }
}

class EsbuildOnDemand {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      // After serverless-esbuild's own `initialize` (it is listed first), before its first build.
      initialize: () => this.takeOverBuilds(),
      'offline:functionsUpdated:cleanup': () => this.markReloaded(),
    };
  }

  markReloaded() {
    writeFileSync(path.join(this.serverless.serviceDir, reloadMarker), `${new Date().toISOString()}\n`);
  }

  takeOverBuilds() {
    if (this.serverless.processedInput?.commands?.[0] !== 'offline') return;
    const builder = this.serverless.pluginManager.plugins.find((plugin) => plugin.constructor.name === 'EsbuildServerlessPlugin');
    if (!builder || typeof builder.bundle !== 'function') return;
    const esbuild = esbuildOfServerlessEsbuild();
    let inFlight = 0;
    // serverless-esbuild's hooks and its watcher call `this.bundle()`: replace the instance's bound method.
    builder.bundle = async () => {
      inFlight += 1;
      try {
        await inBuildSlot(() => bundleAllAtOnce(builder, esbuild));
      } finally {
        inFlight -= 1;
        if (inFlight === 0) await esbuild.stop();
      }
    };
  }
}

module.exports = EsbuildOnDemand;
module.exports.reloadMarker = reloadMarker;
