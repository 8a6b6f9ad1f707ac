// A serverless plugin for `sls offline` under the dev platform: the platform runs every function's `schedule`
// events itself, the way EventBridge does (an asynchronous invocation with the function's retries and a dead letter
// at the end; scripts/platform/delivery/schedules.ts), and tests and `npm run schedule` can fire one at a given
// time. serverless-offline would also run them, in-process at local midnight, without retries: so, when the
// platform says it runs them (PHOTONOTES_PLATFORM_SCHEDULES=1), their events are left out of what offline reads.
// `sls offline` outside the platform, packaging and deploys are untouched.
const process = require('node:process');

class PlatformSchedules {
  constructor(serverless) {
    this.hooks = {
      'before:offline:start:init': () => {
        if (process.env.PHOTONOTES_PLATFORM_SCHEDULES !== '1') return;
        for (const fn of Object.values(serverless.service.functions ?? {})) {
          if (fn && Array.isArray(fn.events)) fn.events = fn.events.filter((event) => !('schedule' in event));
        }
      },
    };
  }
}

module.exports = PlatformSchedules;
