// Alarms, saved queries and the stage's dashboard for this stack (see the shared plugin).
module.exports = require('../../../scripts/serverless/ops-alarms.cjs');
