// `sls offline` under the dev platform: the platform runs `schedule` events (see the shared plugin).
module.exports = require('../../../scripts/serverless/platform-schedules.cjs');
