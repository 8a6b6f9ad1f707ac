// Tells the developer when an edit took effect. serverless-esbuild watches each service's sources and
// shared/src (serverless.common.yml, esbuild.watch), rebuilds, and makes serverless-offline drop its loaded
// handlers, so the next request or event runs the new code. This module only watches the sources and the
// build output, and reports "<service> reloaded (<file>)" once serverless-offline has dropped the old handlers:
// the services' esbuild-on-demand plugin (scripts/serverless/esbuild-on-demand.cjs) then writes a marker file.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import path from 'node:path';
import { repoRoot, type ServiceDefinition } from './service-definitions';

export interface ReloadWatcher {
  close(): void;
}

/** Written into the build directory once serverless-offline has dropped a service's old handlers. */
export const reloadMarkerName = '.reloaded';

/** Where serverless-esbuild writes a service's handlers while `sls offline` runs. */
export function buildDirOf(service: ServiceDefinition): string {
  return path.join(service.dir, '.esbuild', '.build');
}

/** The services a changed source file belongs to: all of them for the shared library. */
export function affectedServices(changedFile: string, services: ServiceDefinition[]): ServiceDefinition[] {
  const relative = path.relative(repoRoot, changedFile);
  if (relative.startsWith(`shared${path.sep}src${path.sep}`)) return services;
  return services.filter((service) => changedFile.startsWith(path.join(service.dir, 'src') + path.sep));
}

export function watchForReloads(services: ServiceDefinition[], onReload: (service: string, changed: string) => void): ReloadWatcher {
  const watchers: FSWatcher[] = [];
  /** The last source edit each service has not yet reloaded. */
  const pending = new Map<string, string>();
  const timers = new Map<string, NodeJS.Timeout>();

  const watchDir = (dir: string, listener: (file: string) => void) => {
    if (!existsSync(dir)) return;
    const watcher = watch(dir, { recursive: true }, (_event, file) => {
      if (file) listener(path.join(dir, file.toString()));
    });
    watcher.on('error', () => watcher.close());
    watchers.push(watcher);
  };

  const sourceChanged = (file: string) => {
    if (!file.endsWith('.ts')) return;
    for (const service of affectedServices(file, services)) pending.set(service.name, path.relative(repoRoot, file));
  };
  watchDir(path.join(repoRoot, 'shared', 'src'), sourceChanged);
  for (const service of services) watchDir(path.join(service.dir, 'src'), sourceChanged);

  for (const service of services) {
    watchDir(buildDirOf(service), (file) => {
      if (path.basename(file) !== reloadMarkerName) return;
      const changed = pending.get(service.name);
      if (!changed) return;
      // An edit can start more than one rebuild (an editor's save is several events): report once.
      clearTimeout(timers.get(service.name));
      timers.set(
        service.name,
        setTimeout(() => {
          pending.delete(service.name);
          onReload(service.name, changed);
        }, 300),
      );
    });
  }

  return {
    close() {
      for (const watcher of watchers) watcher.close();
      for (const timer of timers.values()) clearTimeout(timer);
    },
  };
}
